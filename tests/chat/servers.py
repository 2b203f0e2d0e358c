"""Real ASGI server processes (uvicorn, as in production) on free ports, against the test
database and the harness's Redis. Used by the two-process test and the browser journey."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tests.harness import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_database_url():
    """DATABASE_URL with the test database's name (pytest-django created and migrated it)."""
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def suite_clock_env():
    """TEST_CLOCK for a child process: the suite's shifted instant now, when it runs on one."""
    if not os.environ.get("TEST_CLOCK"):
        return {}
    from django.utils import timezone

    return {"TEST_CLOCK": timezone.now().isoformat()}


def _wait_for(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"uvicorn did not listen on {port} within {timeout} s")


@contextlib.contextmanager
def uvicorn_servers(count=1, **extra_env):
    """Start `count` uvicorn processes; yield their ports; stop them (by their pids)."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "expo.settings_test",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
        **extra_env,
        **suite_clock_env(),
    }
    processes, ports = [], []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.clocked",
                    "uvicorn",
                    "expo.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
            processes.append(process)
            ports.append(port)
        for port, process in zip(ports, processes, strict=True):
            _wait_for(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
