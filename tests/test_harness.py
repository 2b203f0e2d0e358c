"""The servers the suites start: the fault suite's PostgreSQL is as durable as production's."""

import contextlib
import itertools
import shutil
import tempfile
import threading
from pathlib import Path

import psycopg

from tests.harness import PostgresServer


def test_the_fault_suites_database_keeps_every_acknowledged_commit_across_a_crash():
    """The fault suite crashes PostgreSQL (stop -m immediate) and counts acknowledged chat
    messages it cannot find afterwards; with the test suite's settings (synchronous_commit off)
    the crash itself lost the last few hundred milliseconds of commits."""
    root = Path(tempfile.mkdtemp(prefix="expo-durable-pg-"))
    server = PostgresServer(root, durable=True).init()
    try:
        connection = psycopg.connect(server.url, autocommit=True)
        connection.cursor().execute("CREATE TABLE acknowledged (id int PRIMARY KEY)")
        acknowledged = 0
        crash = threading.Timer(0.3, server.stop, ("immediate",))
        crash.start()
        with contextlib.suppress(psycopg.Error):
            cursor = connection.cursor()
            for n in itertools.count(1):
                cursor.execute("INSERT INTO acknowledged VALUES (%s)", (n,))
                acknowledged = n
        crash.join()
        connection.close()
        server.start()
        with psycopg.connect(server.url) as after:
            cursor = after.cursor()
            cursor.execute("SELECT count(*) FROM acknowledged")
            (kept,) = cursor.fetchone()

        # Every acknowledged commit is there; one more may be, whose answer the crash cut off.
        assert acknowledged > 0
        assert acknowledged <= kept <= acknowledged + 1
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
