"""The PostgreSQL connection pool of production (expo/settings.py, expo/lib/postgresql): a
uvicorn process with the production settings serves from a few pooled backends instead of
opening one per request, and after PostgreSQL restarts its very next request is served.

The suite itself runs without the pool (expo/settings_test.py says why), so the pooled
configuration is tested here for real: `manage.py serve` with DEBUG=0 against a PostgreSQL
server of the test's own, which the test restarts."""

import contextlib
import copy
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection

from expo.lib.postgresql.base import DatabaseWrapper
from tests.chat.servers import ROOT, _wait_for
from tests.harness import PostgresServer, free_port

POOL_SIZE = 6


@pytest.fixture(scope="module")
def postgres():
    root = Path(tempfile.mkdtemp(prefix="expo-pool-pg-"))
    server = PostgresServer(root).init()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def served(postgres):
    """A production-settings web process on `postgres`, with a pool of POOL_SIZE connections
    and a 5 s timeout: psycopg_pool's own check, which waits 0, 1, 2, 4 s between dead
    connections, would run out of it on the six dead ones a restart leaves."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DJANGO_SETTINGS_MODULE": "expo.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-test-only-secret-key-that-is-long-and-random-enough-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": postgres.url,
        "DB_POOL": "1",
        "DB_POOL_MIN_SIZE": str(POOL_SIZE),
        "DB_POOL_MAX_SIZE": str(POOL_SIZE),
        "DB_POOL_TIMEOUT": "5",
        "LOG_LEVEL": "ERROR",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def healthz(port):
    """(HTTP status, the database probe's result) of one GET /healthz, which runs a query."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        response = client.getresponse()
        return response.status, json.loads(response.read())["checks"]["database"]
    finally:
        client.close()


def client_backends(postgres):
    """Process ids of the backends connected to the site's database (this probe excluded)."""
    with psycopg.connect(postgres.url, autocommit=True) as probe:
        rows = probe.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'expo' "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid for (pid,) in rows}


def wait_for_full_pool(postgres, deadline_s=30):
    """The pool opens with its first request and connects the rest in the background."""
    deadline = time.monotonic() + deadline_s
    while (backends := client_backends(postgres)) and len(backends) < POOL_SIZE:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return backends


def test_a_web_process_serves_many_requests_from_the_same_pooled_backends(postgres, served):
    assert healthz(served)[0] == 200
    pooled = wait_for_full_pool(postgres)
    assert len(pooled) == POOL_SIZE

    answers = [healthz(served) for _ in range(20)]

    assert answers == [(200, {"ok": True, "detail": "postgresql"})] * 20
    assert client_backends(postgres) == pooled  # no backend opened or closed for a request


def test_after_postgresql_restarts_the_next_request_gets_a_live_connection(postgres, served):
    assert healthz(served)[0] == 200
    dead = wait_for_full_pool(postgres)
    assert len(dead) == POOL_SIZE

    postgres.stop("fast")  # every pooled connection is now dead
    postgres.start()
    answers = [healthz(served) for _ in range(5)]

    assert answers == [(200, {"ok": True, "detail": "postgresql"})] * 5
    assert not client_backends(postgres) & dead


@pytest.mark.django_db
def test_a_request_that_finds_the_pool_exhausted_fails_with_an_error_naming_the_setting():
    settings = copy.deepcopy(connection.settings_dict)
    settings["OPTIONS"]["pool"] = {"min_size": 0, "max_size": 1, "timeout": 0.5, "name": "tiny"}
    holder, waiter = DatabaseWrapper(settings, "tiny"), DatabaseWrapper(settings, "tiny")
    try:
        holder.ensure_connection()  # the pool's only connection, never given back here

        with pytest.raises(OperationalError) as failure:
            waiter.ensure_connection()

        assert "No PostgreSQL connection within 0.5 s from the pool 'tiny'" in str(failure.value)
        assert "1 of at most 1 open, 0 free" in str(failure.value)
        assert "raise DB_POOL_MAX_SIZE" in str(failure.value)
    finally:
        holder.close()
        with contextlib.suppress(KeyError):
            holder.close_pool()
