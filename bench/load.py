"""The load test of an expo day: `make load`, i.e.

    .venv/bin/python -m tests.harness .venv/bin/python -m bench.load [--scale N] [--step-seconds S]

On the harness's PostgreSQL and Redis it creates a fresh database, seeds the demo expo (scale 1
by default: the real expo's 280 booths and 2,900 jobs), and starts the production shape: two
uvicorn processes, a Celery worker and Celery beat (bench.settings: production settings, DEBUG
off). Locust (bench/locustfile.py: the attendee mix) then runs headless in steps of rising
numbers of simulated attendees, each step STEP seconds with its statistics reset once every
attendee has arrived, until the 95th percentile of the page requests passes 500 ms, errors pass
1%, or the steps run out. It prints each step and writes to bench/results.json (merged with
what `make bench` wrote):

- load_rps_at_p95_500ms: the most page requests per second of a step whose p95 stayed under
  500 ms (websocket handshakes are counted apart);
- load_sockets_held: the most websockets held open at once in that step;
- per step: users, rps, p50/p95 of the pages, failures, websocket handshakes and their p95.

Everything runs on this machine's two cores: locust is pinned to one of them, the servers,
PostgreSQL and Redis share the other ones; the load average is noted with the figures.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_FILE = os.path.join(ROOT, "bench", "results.json")
WORDS = [
    "engineer",
    "data scientist",
    "python",
    "research",
    "biotech",
    "machine learning",
    "fintech analyst",
    "embedded",
    "product manager",
    "robotics",
    "intern",
    "cloud",
    "chip design",
    "pyhton",
    "bioinf",
]


def _config(edition, hosts, sessions):
    from booths.models import Booth, Sector
    from jobs.models import Job

    booths = list(
        Booth.objects.filter(edition=edition, status=Booth.Status.APPROVED)
        .order_by("?")
        .values_list("pk", "company__slug")
    )
    jobs = list(Job.objects.open().filter(edition=edition).values_list("pk", flat=True)[:5000])
    return {
        "hosts": hosts,
        "sessions": sessions,
        "booths": booths,
        "hall_pages": max(1, len(booths) // 24),
        "sectors": list(Sector.objects.values_list("slug", flat=True)),
        "jobs": jobs,
        "words": WORDS,
        "signed_in": 0.5,
        "wait_min": 1,
        "wait_max": 3,
    }


def _sessions(count):
    """Sessions of `count` demo talent, made as a login makes them: (cookie name, key)."""
    from accounts.models import User
    from bench.pages import signed_in_cookies

    emails = User.objects.filter(talent_profile__isnull=False, is_active=True).values_list(
        "email", flat=True
    )
    return [next(iter(signed_in_cookies(email).items())) for email in emails[:count]]


def _page_stats(prefix):
    """Requests/s, p50, p95 and failures of the page requests: locust's "Aggregated" row."""
    with open(f"{prefix}_stats.csv") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--step-seconds", type=int, default=40)
    parser.add_argument("--steps", default="50,100,200,400,700,1000")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.fanout import Stack, uvicorn_command
    from expo.models import ExpoEdition
    from tests.harness import _wait_for_port, free_port

    old_name = connection.settings_dict["NAME"]
    print(f"load: creating a fresh database, seeding scale {args.scale}...", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    stack = None
    try:
        call_command("seed_demo", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        edition = ExpoEdition.objects.current()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        }
        stack = Stack(env, ROOT)
        ports = [free_port() for _ in range(args.processes)]
        every_core = set(range(os.cpu_count() or 1))
        server_cpus = every_core - {1} if len(every_core) > 1 else every_core
        for port in ports:
            stack.processes.append(
                subprocess.Popen(
                    uvicorn_command(port),
                    cwd=ROOT,
                    env=env,
                    preexec_fn=lambda: os.sched_setaffinity(0, server_cpus),
                )
            )
        celery = [sys.executable, "-m", "celery", "-A", "expo"]
        stack.processes.append(
            subprocess.Popen(
                [*celery, "worker", "--loglevel=WARNING", "--concurrency=1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        beat_dir = tempfile.mkdtemp(prefix="expo-beat-")
        stack.processes.append(
            subprocess.Popen(
                [*celery, "beat", "--loglevel=WARNING", "-s", f"{beat_dir}/schedule"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        for port in ports:
            _wait_for_port(port, "uvicorn", timeout=180)  # a loaded machine starts slowly
        hosts = [f"http://127.0.0.1:{port}" for port in ports]
        config_file = os.path.join(tempfile.mkdtemp(prefix="expo-load-"), "config.json")
        steps = [int(s) for s in args.steps.split(",")]
        with open(config_file, "w") as out:
            json.dump(_config(edition, hosts, _sessions(max(steps))), out)
        results = run_steps(config_file, hosts, steps, args.step_seconds, env)
    finally:
        if stack is not None:
            stack.stop_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return report(results)


def run_steps(config_file, hosts, steps, seconds, env):
    results = []
    workdir = os.path.dirname(config_file)
    for users in steps:
        prefix = os.path.join(workdir, f"step{users}")
        sockets_file = f"{prefix}_sockets.json"
        spawn_rate = max(10, users // 5)
        load_before = os.getloadavg()[0]
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            os.path.join(ROOT, "bench", "locustfile.py"),
            "--headless",
            "--host",
            hosts[0],
            "-u",
            str(users),
            "-r",
            str(spawn_rate),
            "-t",
            f"{seconds + users // spawn_rate}s",
            "--reset-stats",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "5",
        ]
        started = time.monotonic()
        subprocess.run(
            command,
            cwd=ROOT,
            env={**env, "LOAD_CONFIG": config_file, "LOAD_SOCKETS_FILE": sockets_file},
            preexec_fn=lambda: os.sched_setaffinity(0, {1}) if (os.cpu_count() or 1) > 1 else None,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=seconds + 300,
            check=False,
        )
        pages = _page_stats(prefix)
        with open(sockets_file) as held:
            sockets = json.load(held)
        step = {
            "users": users,
            **pages,
            "ws_handshakes": sockets["opened"] + sockets["failed"],
            "ws_failures": sockets["failed"],
            "ws_handshake_p95_ms": sockets["handshake_p95_ms"],
            "sockets_held_peak": sockets["peak"],
            "seconds": round(time.monotonic() - started, 1),
            "loadavg_1m_before": round(load_before, 2),
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
        }
        results.append(step)
        print(
            f"load: {users:>5} attendees  {step['rps']:>7.1f} req/s  p50 {step['p50_ms']:>6.0f} ms"
            f"  p95 {step['p95_ms']:>6.0f} ms  failures {step['failures']}/{step['requests']}"
            f"  sockets {step['sockets_held_peak']} (ws p95 {step['ws_handshake_p95_ms']:.0f} ms,"
            f" {step['ws_failures']} failed)  load avg {step['loadavg_1m_after']}",
            flush=True,
        )
        over = step["p95_ms"] >= 500 or step["failures"] > 0.01 * max(1, step["requests"])
        if over:
            break
    return results


def report(results):
    good = [
        r for r in results if r["p95_ms"] < 500 and r["failures"] <= 0.01 * max(1, r["requests"])
    ]
    best = max(good, key=lambda r: r["rps"], default=None)
    figures = {}
    if os.path.exists(RESULTS_FILE):
        with open(RESULTS_FILE) as existing:
            figures = json.load(existing)
    figures.update(
        {
            "load_rps_at_p95_500ms": best["rps"] if best else 0.0,
            "load_sockets_held": best["sockets_held_peak"] if best else 0,
            "load_users_at_p95_500ms": best["users"] if best else 0,
            "load_p95_ms_at_best": best["p95_ms"] if best else 0.0,
            "load_loadavg_1m": best["loadavg_1m_after"] if best else 0.0,
            "load_steps": results,
        }
    )
    with open(RESULTS_FILE, "w") as out:
        json.dump(figures, out, indent=2, sort_keys=True)
    if best:
        print(
            f"load: {best['rps']:.1f} requests/s with p95 under 500 ms "
            f"({best['users']} attendees, {best['sockets_held_peak']} sockets held); "
            f"written to {os.path.relpath(RESULTS_FILE)}"
        )
        return 0
    print("load: no step kept p95 under 500 ms")
    return 1


if __name__ == "__main__":
    sys.exit(main())
