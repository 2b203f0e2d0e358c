"""A short run of the embedded mode, as `make run` does it, so it cannot silently break:
SQLite, in-memory channel layer, eager Celery, on a fresh var/ directory."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def embedded_env(var_dir):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "EMAIL_URL",
            "DEBUG",
            "SECRET_KEY",
            "SITE_URL",
        }
    }
    return {**env, "VAR_DIR": str(var_dir)}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    env = embedded_env(var_dir)
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    seed_output = result.stdout
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base, seed_output, var_dir
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_embedded_healthz_reports_the_embedded_stack(embedded_server):
    base, _, _ = embedded_server

    status, body = fetch(base + "/healthz")

    checks = json.loads(body)["checks"]
    assert status == 200
    assert checks["database"] == {"ok": True, "detail": "sqlite"}
    assert checks["cache"] == {"ok": True, "detail": "LocMemCache"}
    assert checks["channel_layer"] == {"ok": True, "detail": "InMemoryChannelLayer"}
    assert checks["broker"]["ok"] is True


def test_embedded_home_page_shows_the_expo_at_real_scale(embedded_server):
    base, _, var_dir = embedded_server

    status, html = fetch(base + "/")

    assert status == 200
    assert "I&amp;T Career Expo" in html
    assert (var_dir / "expo.sqlite3").exists()
    counts = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from expo.models import ExpoEdition; "
            "from expo.organiser.figures import compute_key_figures; "
            "f = compute_key_figures(ExpoEdition.objects.current()); "
            "print(f['companies'], f['jobs'])",
        ],
        cwd=ROOT,
        env=embedded_env(var_dir),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    companies, jobs = int(counts[0]), int(counts[1])
    assert companies >= 280
    assert jobs >= 2900
    assert f"{companies:,}" in html or str(companies) in html
    assert f"{jobs:,}" in html or str(jobs) in html


def test_seed_output_names_the_demo_accounts(embedded_server):
    _, seed_output, _ = embedded_server

    for email in ("talent@demo.expo", "employer@demo.expo", "organiser@demo.expo"):
        assert email in seed_output


def test_links_in_calendars_use_the_address_the_site_is_served_on(embedded_server):
    """Without SITE_URL, runserver's own address is the site's address (`make run PORT=8301`
    linked to :8000 before)."""
    import re

    base, _, _ = embedded_server
    _, schedule = fetch(base + "/schedule/")
    session_id = re.search(r'href="/sessions/(\d+)/"', schedule)[1]

    _, ics = fetch(f"{base}/sessions/{session_id}/calendar.ics")

    assert f"URL:{base}/sessions/{session_id}/" in ics.replace("\r\n ", "")


def test_the_embedded_server_runs_the_beat_schedule(embedded_server):
    """No Celery worker or beat in `make run`: runserver runs the schedule in-process, so the
    demo's registrations for sessions starting soon get their reminders (Notice rows) within
    a minute or so of the server starting."""
    _, _, var_dir = embedded_server
    deadline = time.monotonic() + 150
    count = 0
    while count == 0 and time.monotonic() < deadline:
        count = int(
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "--no-imports",
                    "-c",
                    "from expo.schedule.models import Notice; print(Notice.objects.count())",
                ],
                cwd=ROOT,
                env=embedded_env(var_dir),
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[-1]
        )
    assert count > 0


@pytest.mark.parametrize(
    ("text", "shown"),
    [("嵌入式", None), ("pyhton", "python"), ("enginer", "engineer"), ("數據", None)],
)
def test_embedded_search_finds_chinese_words_and_forgives_typos(embedded_server, text, shown):
    """SQLite search in `make run` (issue 15: these found 0 jobs and no suggestion)."""
    import re
    import urllib.parse

    base, _, _ = embedded_server

    _, html = fetch(f"{base}/jobs/?q={urllib.parse.quote(text)}")

    total = int(re.search(r"([\d,]+) open jobs?", html)[1].replace(",", ""))
    assert total > 0
    if shown:
        assert f"Showing results for “{shown}”" in html
