"""The fault suite (`make faults`): the real stack under the faults of an expo day.

    python -m bench.faults [--storm 1000] [--handshakes 2000] [--recipients 400]

It starts everything itself through tests/harness.py (PostgreSQL, a Redis it can kill), plus
an SMTP sink (aiosmtpd, in this process), two uvicorn web processes, a Celery worker and Celery
beat, all on loopback. Chat clients behave as static/js/chat.js does (an outbox of posts keyed
by client id, a sync of each room on every (re)connect, a short reorder buffer keyed by event
id, jittered exponential backoff that is reset only after a socket stayed up, retrying "not
sent" errors); 30 writers post into four booth lobbies the whole time that 100 readers watch.
An announcement goes to a few hundred people meanwhile. Then each fault, one after the other:

1. the worker SIGKILLed (with its pool) while the announcement is being expanded and twice
   while its emails are being sent, restarted each time;
2. Redis killed for a few seconds and started again (a booth visited for the first time while
   it is down);
3. PostgreSQL restarted (stopped with -m immediate, started again);
4. one web process SIGKILLed and started again;
5. 2,000 websocket handshakes abandoned by their clients;
6. /healthz called 200 times on each process;
7. a reconnect storm: 1,000 sockets on one web process, which is SIGKILLed.

After each recovery every booth is checked on both processes (a message posted through one
reaches a client of each). At the end the writers' outboxes drain, every client syncs, and the
counts go to bench/results.json (merged into what `make bench` wrote):

  fault_chat_lost                 acknowledged messages missing from the database, plus
                                  (reader, event) pairs a reader never applied
  fault_chat_duplicated           messages stored twice, plus events a reader applied twice
  fault_rooms_broken_after_recovery  (booth, process) pairs where the check failed
  fault_emails_lost               announcement recipients who never got the email
  fault_emails_duplicated         recipients who got it as two different messages
  fault_emails_resent_same_id     repeats of one message (same Message-ID: a send the worker
                                  was killed before recording; recognisable, not counted above)
  fault_hub_leaked_members        hub registrations left by abandoned handshakes, and any left
                                  once every client has gone
  fault_healthz_leaked_subscriptions  Redis pub/sub channels left by the /healthz calls
  fault_handshake_http_500        handshakes answered with HTTP 500 (refusals must be 4xxx)
  storm_resync_s                  seconds from the kill until all storm sockets are back and
                                  synced

Exit status 1 when a count is not 0 or the storm takes 10 s or more.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_FILE = ROOT / "bench" / "results.json"
sys.path.insert(0, str(ROOT))

from tests.harness import PostgresServer, RedisServer, free_port  # noqa: E402

ORIGIN = "http://127.0.0.1"
BOOTHS = 4
WRITERS = 30
READERS = 100
REFUSED = {4401, 4403, 4429}  # static/js/expo.js: the client gives up on these
BACKOFF_BASE, BACKOFF_CAP = 1.0, 30.0  # static/js/expo.js
STABLE_OPEN_S = 10.0  # a socket open this long resets the backoff (static/js/expo.js)
REORDER_S = 0.3  # static/js/chat.js: how long a gap may wait for a late event before a sync
SMTP_DELAY_S = 0.01  # per message: a sink slow enough for kills to land mid-send


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


# --- The stack -------------------------------------------------------------------------------
class Sink:
    """An SMTP server recording (Message-ID, To, Subject) of every message it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                await asyncio.sleep(SMTP_DELAY_S)
                text = envelope.content.decode("utf-8", "replace")
                headers = text.split("\r\n\r\n", 1)[0]
                found = {}
                for name in ("Message-ID", "To", "Subject"):
                    match = re.search(rf"^{name}: (.*)$", headers, re.M | re.I)
                    found[name] = match.group(1).strip() if match else ""
                with sink.lock:
                    sink.received.append(found)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.port = self.controller.port

    def stop(self):
        self.controller.stop()


class Process:
    """A child process (in its own process group, so that SIGKILL takes its children too)."""

    def __init__(self, name, argv, env, port=None, log_path=None):
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.log_path = log_path
        self.popen = None

    def start(self, wait=True):
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.popen = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if wait and self.port:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.popen.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.popen.returncode}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", self.port), 0.2),
                ):
                    return self
                time.sleep(0.05)
            raise RuntimeError(f"{self.name} did not listen on {self.port}")
        return self

    def kill(self):
        if self.popen and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self):
        if self.popen and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Stack:
    def __init__(self, root: Path):
        self.root = root
        self.pg = PostgresServer(root, durable=True).init()  # as in production
        self.redis = RedisServer(root).start()
        self.sink = Sink()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.pg.url,
            "REDIS_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.port}",
            "SITE_URL": "http://127.0.0.1",
            "OUTBOX_LEASE_SECONDS": "10",
            "OUTBOX_SWEEP_SECONDS": "5",
            "LOG_LEVEL": "WARNING",
            # CONN_MAX_AGE as in production: 0 (Django: no persistent connections under ASGI)
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONUNBUFFERED"})
        self.logs = root / "logs"
        self.logs.mkdir()
        python = sys.executable
        self.web = [
            Process(
                f"web{n}",
                [
                    python,
                    "-m",
                    "uvicorn",
                    "expo.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--ws-per-message-deflate",
                    "false",
                ],
                self.env,
                port=port,
                log_path=self.logs / f"web{n}.log",
            )  # fmt: skip
            for n, port in enumerate((free_port(), free_port()))
        ]
        self.worker = Process(
            "worker",
            [python, "-m", "celery", "-A", "expo", "worker", "-c", "2", "-l", "WARNING",
             "--without-gossip", "--without-mingle", "-n", "faults@%h"],
            self.env,
            log_path=self.logs / "worker.log",
        )  # fmt: skip
        self.beat = Process(
            "beat",
            [python, "-m", "celery", "-A", "expo", "beat", "-l", "WARNING", "-s",
             str(root / "beat-schedule")],
            self.env,
            log_path=self.logs / "beat.log",
        )  # fmt: skip
        self.live_ports = []

    def migrate(self):
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=self.env, check=True,
        )  # fmt: skip

    def start_all(self):
        for web in self.web:
            web.start()
        self.live_ports = [w.port for w in self.web]
        self.worker.start(wait=False)
        self.beat.start(wait=False)

    def stop_all(self):
        for process in (*self.web, self.worker, self.beat):
            process.stop()
        self.sink.stop()
        self.redis.stop()
        self.pg.stop()


# --- Chat clients that behave like static/js/chat.js ----------------------------------------
class Client:
    def __init__(self, suite, name, booth, last, cookie=None, port=None):
        self.suite, self.name, self.booth = suite, name, booth
        self.room = f"lobby.{booth}"
        self.initial = self.last = last
        self.cookie, self.fixed_port = cookie, port
        self.applied = set()
        self.applied_twice = 0
        self.pending = {}
        self.gap_timer = None
        self.syncing = False
        self.outbox = {}
        self.retries = collections.Counter()
        self.acked = {}
        self.refused_posts = 0
        self.attempts = 0
        self.ws = None
        self.stop = False
        self.synced_at = 0.0  # monotonic time of the last "synced" after a (re)connect
        self.connected_at = 0.0
        self.closes = collections.Counter()
        self.counts = collections.Counter()

    # connection ------------------------------------------------------------------------------
    def url(self, port):
        return f"ws://127.0.0.1:{port}/ws/booth/{self.booth}/"

    async def run(self):
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        while not self.stop:
            port = self.fixed_port or self.suite.pick_port()
            headers = {"Cookie": self.cookie} if self.cookie else {}
            opened = None
            try:
                ws = await connect(
                    self.url(port), origin=ORIGIN, additional_headers=headers,
                    open_timeout=20, ping_interval=None, close_timeout=2, max_queue=None,
                )  # fmt: skip
            except InvalidStatus as error:
                self.counts[f"http_{error.response.status_code}"] += 1
            except Exception:  # noqa: BLE001 - refused, reset, timed out, no valid HTTP reply
                self.counts["connect_failed"] += 1
            else:
                opened = time.monotonic()
                self.ws, self.connected_at, self.synced_at = ws, opened, 0.0
                self.on_open()
                try:
                    async for text in ws:
                        self.on_message(json.loads(text))
                except ConnectionClosed:
                    pass
                self.ws = None
                code = ws.close_code
                self.closes[code] += 1
                if code in REFUSED:
                    self.counts["gave_up"] += 1
                    return
            if opened is not None and time.monotonic() - opened > STABLE_OPEN_S:
                self.attempts = 0
            if self.stop:
                return
            self.attempts += 1
            delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (self.attempts - 1))
            await asyncio.sleep(delay / 2 + random.random() * delay / 2)  # noqa: S311

    def send(self, frame):
        ws = self.ws
        if ws is None:
            return False
        asyncio.ensure_future(self._send(ws, json.dumps(frame)))
        return True

    async def _send(self, ws, text):
        with contextlib.suppress(Exception):
            await ws.send(text)

    def close(self):
        self.stop = True
        if self.ws is not None:
            asyncio.ensure_future(self.ws.close())

    def on_open(self):
        self.sync()
        for frame in list(self.outbox.values()):
            self.send(frame)

    # events ----------------------------------------------------------------------------------
    def sync(self):
        self.syncing = True
        self.counts["syncs"] += 1
        self.send({"type": "sync", "room": self.room, "last_event_id": self.last})

    def on_message(self, data):
        kind = data.get("type")
        if kind == "ack":
            client_id = data["client_id"]
            if client_id in self.outbox:
                del self.outbox[client_id]
                self.acked[client_id] = data["id"]
            return
        if kind == "resync":
            self.counts["resync_hints"] += 1
            self.sync()
            return
        if kind == "error":
            ref = data.get("ref")
            if ref and ref in self.outbox:
                if data.get("retry"):
                    self.counts["retry_errors"] += 1
                    self.retry_later(ref)
                else:
                    self.refused_posts += 1
                    self.counts[f"refused_{data.get('code')}"] += 1
                    del self.outbox[ref]
            return
        if kind == "synced" and data.get("room") == self.room:
            self.syncing = False
            self.synced_at = time.monotonic()
            self.check_gap()
            return
        if data.get("room") != self.room or not isinstance(data.get("id"), int):
            return
        event_id = data["id"]
        if event_id <= self.last:
            return
        if event_id > self.last + 1:
            self.pending[event_id] = data
            self.counts["held_back"] += 1
            if not self.syncing and self.gap_timer is None:
                self.gap_timer = asyncio.get_running_loop().call_later(REORDER_S, self.gap_due)
            return
        self.apply(event_id)
        while self.last + 1 in self.pending:
            self.counts["reordered"] += 1
            self.apply(self.pending.pop(self.last + 1)["id"])
        for stale in [i for i in self.pending if i <= self.last]:
            del self.pending[stale]
        if not self.pending and self.gap_timer is not None:
            self.gap_timer.cancel()
            self.gap_timer = None

    def apply(self, event_id):
        if event_id in self.applied:
            self.applied_twice += 1
        self.applied.add(event_id)
        self.last = event_id

    def gap_due(self):
        self.gap_timer = None
        self.check_gap()

    def check_gap(self):
        for stale in [i for i in self.pending if i <= self.last]:
            del self.pending[stale]
        if self.pending and not self.syncing:
            self.counts["gap_replays"] += 1
            self.sync()

    # posting ---------------------------------------------------------------------------------
    def post(self, body):
        frame = {"type": "post", "body": body, "client_id": str(uuid.uuid4())}
        self.outbox[frame["client_id"]] = frame
        self.send(frame)

    def retry_later(self, client_id):
        self.retries[client_id] += 1
        delay = min(30.0, 2 ** (self.retries[client_id] - 1))

        def resend():
            if client_id in self.outbox:
                self.send(self.outbox[client_id])

        asyncio.get_running_loop().call_later(delay / 2 + random.random() * delay / 2, resend)


# --- The suite --------------------------------------------------------------------------------
def sync(fn):
    """Run ORM work off the event loop, on a fresh connection (PostgreSQL may have restarted)."""
    from asgiref.sync import sync_to_async
    from django.db import connection

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    return sync_to_async(run, thread_sensitive=False)


class Suite:
    def __init__(self, stack, args):
        self.stack, self.args = stack, args
        self.results = {}
        self.notes = {}
        self.clients = []
        self.writers = []
        self.readers = []
        self.posting = True
        self.post_count = 0
        self.rooms_broken = 0

    def pick_port(self):
        return random.choice(self.stack.live_ports)  # noqa: S311 (a load balancer's choice)

    # data -----------------------------------------------------------------------------------
    def seed(self):
        from django.conf import settings
        from django.test import Client as DjangoClient

        # Nobody signs in with a password here (sessions are made directly): a cheap hasher
        # keeps seeding hundreds of accounts to seconds on a loaded machine.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

        from chat.actions.rooms import lobby_room, room_last_seq
        from tests.factories import BoothFactory, EditionFactory, UserFactory

        edition = EditionFactory(is_current=True)
        self.booths = [BoothFactory(edition=edition).pk for _ in range(BOOTHS + 1)]
        self.new_booth = self.booths.pop()  # first visited while Redis is down
        self.edition = edition
        writers = [UserFactory(email=f"writer{n}@faults.example") for n in range(WRITERS)]
        self.probe_user = UserFactory(email="probe@faults.example")
        for n in range(self.args.recipients - WRITERS - 1):
            UserFactory(email=f"talent{n}@faults.example")

        def cookie(user):
            client = DjangoClient()
            client.force_login(user)
            return f"sessionid={client.cookies['sessionid'].value}"

        self.writer_cookies = [cookie(u) for u in writers]
        self.probe_cookie = cookie(self.probe_user)
        self.last_seqs = {b: room_last_seq(lobby_room(b)) for b in self.booths}

    # clients --------------------------------------------------------------------------------
    def add_client(self, name, booth, cookie=None, port=None):
        client = Client(self, name, booth, self.last_seqs.get(booth, 0), cookie, port)
        client.task = asyncio.ensure_future(client.run())
        self.clients.append(client)
        return client

    async def write_loop(self, client, seq):
        await asyncio.sleep(random.random() * 2)  # noqa: S311
        while self.posting:
            if client.ws is not None and len(client.outbox) < 3:
                self.post_count += 1
                client.post(f"{client.name} message {next(seq)}")
            await asyncio.sleep(1.5 + random.random() * 1.5)  # noqa: S311 (under the rate limit)

    async def until(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            await asyncio.sleep(0.1)
        log(f"  timed out ({timeout} s) waiting for {what}")
        return False

    # checks ---------------------------------------------------------------------------------
    async def hub_stats(self):
        from chat import fanout

        return await fanout.collect_stats(timeout=3, expect=len(self.stack.live_ports))

    async def hub_members(self):
        stats = await self.hub_stats()
        return sum(s["sockets"] for s in stats), stats

    async def healthz(self, port):
        def get():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read() or b"{}")
            except OSError:
                return 0, {}

        return await asyncio.to_thread(get)

    async def wait_healthy(self, timeout=60):
        async def all_ok():
            for port in self.stack.live_ports:
                status, _body = await self.healthz(port)
                if status != 200:
                    return False
            return True

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await all_ok():
                return True
            await asyncio.sleep(0.5)
        for port in self.stack.live_ports:
            log("  /healthz still failing on", port, await self.healthz(port))
        return False

    async def check_rooms(self, label):
        """Every booth on every process: a message posted through one process reaches a
        fresh client of each. Returns the (booth, port) pairs that failed."""
        from websockets.asyncio.client import connect

        broken = []
        for booth in [*self.booths, self.new_booth]:
            readers = {}
            try:
                for port in self.stack.live_ports:
                    ws = await connect(
                        f"ws://127.0.0.1:{port}/ws/booth/{booth}/", origin=ORIGIN,
                        open_timeout=15, ping_interval=None,
                    )  # fmt: skip
                    readers[port] = ws
                    await self.next_event(ws, "hello", 15)
                port = self.stack.live_ports[0]
                writer = await connect(
                    f"ws://127.0.0.1:{port}/ws/booth/{booth}/", origin=ORIGIN,
                    additional_headers={"Cookie": self.probe_cookie}, open_timeout=15,
                    ping_interval=None,
                )  # fmt: skip
                await self.next_event(writer, "hello", 15)
                body = f"check {label} {uuid.uuid4()}"
                await writer.send(
                    json.dumps({"type": "post", "body": body, "client_id": str(uuid.uuid4())})
                )
                await self.next_event(writer, "ack", 15)
                await writer.close()
                for port, ws in readers.items():
                    try:
                        await self.next_event(ws, "message", 5, body=body)
                    except Exception:  # noqa: BLE001
                        broken.append((booth, port))
            except Exception as error:  # noqa: BLE001
                log(f"  room check {label}: booth {booth} failed: {error!r}")
                broken.extend((booth, port) for port in self.stack.live_ports)
            finally:
                for ws in readers.values():
                    await ws.close()
        self.rooms_broken += len(broken)
        log(f"  rooms checked after {label}: {len(broken)} broken {broken if broken else ''}")
        return broken

    async def next_event(self, ws, kind, timeout, body=None):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(kind)
            data = json.loads(await asyncio.wait_for(ws.recv(), remaining))
            if data.get("type") == kind and (
                body is None or (data.get("message") or {}).get("body") == body
            ):
                return data

    # phases ---------------------------------------------------------------------------------
    async def start_chat(self):
        import itertools

        seq = itertools.count()
        for n in range(WRITERS):
            client = self.add_client(f"writer{n}", self.booths[n % BOOTHS], self.writer_cookies[n])
            self.writers.append(client)
        for n in range(READERS):
            self.readers.append(self.add_client(f"reader{n}", self.booths[n % BOOTHS]))
        await self.until(
            lambda: all(c.synced_at for c in self.clients), 60, "the chat clients to connect"
        )
        self.write_tasks = [asyncio.ensure_future(self.write_loop(c, seq)) for c in self.writers]
        log(f"chat: {WRITERS} writers and {READERS} readers in {BOOTHS} lobbies")

    async def announcement_with_worker_kills(self):
        from expo.organiser.announcements.models import Announcement
        from expo.organiser.announcements.services import request_send

        def create_and_send():
            announcement = Announcement.objects.create(
                edition=self.edition,
                subject="Fault suite announcement",
                body="The expo opens its second hall today.",
                segment=Announcement.Segment.EVERYONE,
            )
            request_send(announcement.pk)
            announcement.refresh_from_db()
            return announcement.pk, announcement.recipients_total

        await asyncio.sleep(2)
        self.announcement_id, total = await sync(create_and_send)()
        log(f"announcement: {total} recipients; killing the worker while it runs")
        worker = self.stack.worker
        await asyncio.sleep(0.4)  # expanding the announcement into outbox rows
        worker.kill()
        log("  worker SIGKILLed while expanding the announcement")
        worker.start(wait=False)
        for fraction in (0.25, 0.6):
            await self.until(
                lambda f=fraction: len(self.stack.sink.received) >= f * total, 90,
                f"{fraction:.0%} of the emails",
            )  # fmt: skip
            worker.kill()
            log(f"  worker SIGKILLed after {len(self.stack.sink.received)} emails were received")
            worker.start(wait=False)

    async def redis_outage(self):
        log("redis: killed")
        self.stack.redis.kill()
        await asyncio.sleep(1.5)
        probes = [
            self.add_client(f"newbooth{port}", self.new_booth, port=port)
            for port in self.stack.live_ports
        ]  # the first visitors of a booth, while Redis is down
        await asyncio.sleep(3)
        self.stack.redis.start()
        log("redis: started again")
        healthy = await self.wait_healthy()
        await self.until(lambda: all(p.synced_at for p in probes), 30, "the new booth's visitors")
        for probe in probes:
            self.notes.setdefault("new_booth_refusals", 0)
            self.notes["new_booth_refusals"] += probe.closes.get(4503, 0)
            probe.close()
        log(f"  healthy again: {healthy}")
        # Read now: both processes are restarted later (a killed web process, the storm), and
        # their counters with them.
        _members, stats = await self.hub_members()
        self.notes["hub_layer_recovered"] = sum(s.get("layer_recovered", 0) for s in stats)
        log(
            f"  hubs that saw the layer go and resubscribed their rooms: "
            f"{self.notes['hub_layer_recovered']} of {len(stats)}"
        )
        await self.check_rooms("the Redis restart")

    async def postgres_restart(self):
        log("postgresql: stopped (immediate)")
        self.stack.pg.stop("immediate")
        await asyncio.sleep(3)
        self.stack.pg.start()
        log("postgresql: started again")
        await self.wait_healthy()
        await self.check_rooms("the PostgreSQL restart")

    async def web_kill(self, index=0):
        web = self.stack.web[index]
        self.stack.live_ports.remove(web.port)
        web.kill()
        log(f"web{index}: SIGKILLed")
        await asyncio.sleep(1)
        await asyncio.to_thread(web.start)
        self.stack.live_ports.append(web.port)
        log(f"web{index}: started again")
        await self.wait_healthy()
        await self.check_rooms("a killed web process")

    async def abandoned_handshakes(self):
        await self.settle_connections()
        before, before_stats = await self.hub_members()
        count = self.args.handshakes
        ports = self.stack.live_ports
        booth = self.booths[0]

        async def abandon(n):
            port = ports[n % len(ports)]
            cookie = self.writer_cookies[n % WRITERS] if n % 2 else ""
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                key = uuid.uuid4().bytes.hex()[:22] + "=="
                request = (
                    f"GET /ws/booth/{booth}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                    f"Origin: {ORIGIN}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
                )
                writer.write(request.encode())
                await writer.drain()
                if n % 3 == 0:  # some wait for the server to start, then go away
                    await asyncio.sleep(0.01)
                writer.transport.abort()  # gone without a close
            except OSError:
                self.notes["handshake_connect_failed"] = (
                    self.notes.get("handshake_connect_failed", 0) + 1
                )

        semaphore = asyncio.Semaphore(100)

        async def bounded(n):
            async with semaphore:
                await abandon(n)

        await asyncio.gather(*(bounded(n) for n in range(count)))
        # Wait until the servers have finished with them (members stop changing).
        previous, stable_since = None, time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            members, _ = await self.hub_members()
            if members != previous:
                previous, stable_since = members, time.monotonic()
            elif time.monotonic() - stable_since > 3 and members <= before:
                break
            elif time.monotonic() - stable_since > 8:
                break
            await asyncio.sleep(0.5)
        leaked = max(0, previous - before)
        self.results["fault_hub_leaked_members"] = leaked
        log(f"handshakes: {count} abandoned; hub members {before} -> {previous}")
        if leaked:
            await self.explain_members(before_stats)

    async def explain_members(self, before_stats):
        """Which rooms of which process hold more sockets than before, and which clients of the
        suite were not connected meanwhile (a reconnecting client is not a leak)."""
        _members, after_stats = await self.hub_members()

        def by_room(stats):
            return collections.Counter(
                {
                    (s["pid"], room): n
                    for s in stats
                    for room, n in s.get("room_sockets", {}).items()
                }
            )

        grown = by_room(after_stats) - by_room(before_stats)
        reconnecting = [c.name for c in self.writers + self.readers if c.ws is None]
        log(f"  grown rooms: {dict(grown)}; clients not connected: {reconnecting}")
        self.notes["handshake_grown_rooms"] = {
            f"{pid}:{room}": n for (pid, room), n in grown.items()
        }

    async def settle_connections(self):
        await self.until(
            lambda: all(c.ws is not None and c.synced_at for c in self.writers + self.readers),
            60,
            "every client to be connected",
        )

    async def healthz_leaks(self):
        import redis

        client = redis.Redis.from_url(self.stack.redis.url)
        before = set(client.pubsub_channels())
        for port in self.stack.live_ports:
            for _ in range(200):
                await self.healthz(port)
        after = set(client.pubsub_channels())
        client.close()
        # A probe's round trip subscribed a channel of its own ("...specific.<uuid>"); groups
        # of rooms that clients (re)joined meanwhile are not the probe's.
        new = {c.decode() for c in after - before}
        leaked = {c for c in new if "specific." in c}
        self.results["fault_healthz_leaked_subscriptions"] = len(leaked)
        self.notes["healthz_other_new_channels"] = len(new - leaked)
        log(f"healthz: 400 calls; {len(leaked)} channels left by probes ({len(new)} new in all)")

    async def storm(self):
        count = self.args.storm
        target = self.stack.web[1]
        storm = []
        for start in range(0, count, 50):  # the set-up is not what is measured: 50 at a time
            batch = [
                self.add_client(f"storm{n}", self.booths[n % BOOTHS], port=target.port)
                for n in range(start, min(count, start + 50))
            ]
            storm.extend(batch)
            await self.until(lambda b=batch: all(c.synced_at for c in b), 60, "a storm batch")
        ok = all(c.synced_at for c in storm)
        log(f"storm: {count} sockets on web1 ({'all' if ok else 'not all'} connected)")
        for client in storm:
            client.fixed_port = None  # behind the load balancer: any live process
        self.stack.live_ports.remove(target.port)

        def cpu(pid):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        survivor = self.stack.web[0].popen.pid
        cpu_before = cpu(survivor)
        killed = time.monotonic()
        target.kill()
        log("storm: web1 SIGKILLed")
        restart = asyncio.ensure_future(asyncio.to_thread(target.start))

        def back():
            return all(c.ws is not None and c.synced_at > killed for c in storm)

        async def readd():
            await restart
            self.stack.live_ports.append(target.port)

        readd_task = asyncio.ensure_future(readd())
        done = await self.until(back, 120, "the storm sockets to resync")
        took = time.monotonic() - killed
        self.notes["storm_survivor_cpu_s"] = round(cpu(survivor) - cpu_before, 2)
        self.results["storm_resync_s"] = round(took, 2) if done else 999.0
        self.notes["storm_http_errors"] = sum(
            v for c in storm for k, v in c.counts.items() if k.startswith("http_")
        )
        back_count = sum(1 for c in storm if c.ws is not None and c.synced_at > killed)
        times = sorted(c.synced_at - killed for c in storm if c.synced_at > killed)
        if times:
            for q in (50, 90, 99):
                self.notes[f"storm_resync_p{q}_s"] = round(times[(len(times) - 1) * q // 100], 2)
        self.notes["storm_connect_failed"] = sum(c.counts["connect_failed"] for c in storm)
        self.notes["storm_refused_4503"] = sum(c.closes.get(4503, 0) for c in storm)
        self.notes["storm_load_average"] = round(os.getloadavg()[0], 1)
        log(f"storm: {back_count} of {count} back and synced after {took:.2f} s")
        await readd_task
        await self.wait_healthy()
        for client in storm:
            client.close()
        self.storm_clients = storm

    async def finish(self):
        self.posting = False
        for task in self.write_tasks:
            task.cancel()
        await self.until(
            lambda: all(not c.outbox for c in self.writers), 90, "the writers' outboxes to drain"
        )
        await self.settle_connections()
        for client in self.writers + self.readers:
            client.sync()
        await asyncio.sleep(0.5)
        await self.until(
            lambda: all(not c.syncing for c in self.writers + self.readers), 60, "final syncs"
        )
        await self.wait_emails()
        await self.count_chat()
        await self.count_emails()
        for client in self.clients:
            client.close()
        await asyncio.sleep(1)
        await self.until(lambda: all(c.ws is None for c in self.clients), 30, "clients to close")
        await asyncio.sleep(2)
        members, stats = await self.hub_members()
        log(f"hub members once every client has gone: {members}")
        self.results["fault_hub_leaked_members"] = (
            self.results.get("fault_hub_leaked_members", 0) + members
        )

    async def wait_emails(self):
        from post_office.models import STATUS, Email

        from expo.organiser.announcements.models import Announcement

        def pending():
            announcement = Announcement.objects.get(pk=self.announcement_id)
            unsent = Email.objects.filter(status__in=(STATUS.queued, STATUS.requeued)).count()
            return announcement.status != "sent" or unsent > 0

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and await sync(pending)():
            await asyncio.sleep(1)

    async def count_chat(self):
        from chat.models import Event, Message

        def db_state():
            bodies = collections.Counter(
                Message.objects.filter(body__contains=" message ").values_list("body", flat=True)
            )
            stored = {
                (m.author.email, str(m.client_id)): m.pk
                for m in Message.objects.select_related("author")
            }
            last = {
                booth: max(
                    Event.objects.filter(room__key=f"lobby.{booth}").values_list("seq", flat=True),
                    default=0,
                )
                for booth in self.booths
            }
            return bodies, stored, last

        bodies, stored, last = await sync(db_state)()
        lost = sum(len(c.outbox) for c in self.writers)  # never acknowledged
        acked = 0
        for n, client in enumerate(self.writers):
            email = f"writer{n}@faults.example"
            for client_id in client.acked:
                acked += 1
                if (email, client_id) not in stored:
                    lost += 1
        reader_missing = 0
        for client in self.writers + self.readers:
            expected = set(range(client.initial + 1, last[client.booth] + 1))
            reader_missing += len(expected - client.applied)
        duplicated = sum(n - 1 for n in bodies.values() if n > 1)
        duplicated += sum(c.applied_twice for c in self.clients)
        self.results["fault_chat_lost"] = lost + reader_missing
        self.results["fault_chat_duplicated"] = duplicated
        minutes = max(1e-9, (time.monotonic() - self.started) / 60)
        counts = collections.Counter()
        for client in self.writers + self.readers:
            counts.update(client.counts)
        self.notes.update(
            {
                "chat_posts_acked": acked,
                "chat_posts_refused": sum(c.refused_posts for c in self.writers),
                "chat_retry_errors": counts["retry_errors"],
                "chat_reordered_in_buffer": counts["reordered"],
                "chat_gap_replays_per_client_minute": round(
                    counts["gap_replays"] / len(self.writers + self.readers) / minutes, 3
                ),
                "chat_resync_hints": counts["resync_hints"],
            }
        )
        self.notes.update({k: v for k, v in counts.items() if k.startswith(("refused_", "http_"))})
        self.results["fault_handshake_http_500"] = sum(
            c.counts.get("http_500", 0) for c in self.clients
        )
        log(
            f"chat: {acked} posts acknowledged, lost {self.results['fault_chat_lost']}, "
            f"duplicated {duplicated}"
        )

    async def count_emails(self):
        from expo.organiser.announcements.models import AnnouncementDelivery

        def expected():
            return set(
                AnnouncementDelivery.objects.filter(
                    announcement_id=self.announcement_id
                ).values_list("user__email", flat=True)
            )

        recipients = await sync(expected)()
        with self.stack.sink.lock:
            received = [
                r for r in self.stack.sink.received if r["Subject"] == "Fault suite announcement"
            ]
        ids_by_recipient = collections.defaultdict(set)
        receipts = collections.Counter()
        for r in received:
            ids_by_recipient[r["To"]].add(r["Message-ID"])
            receipts[r["Message-ID"]] += 1
        self.results["fault_emails_lost"] = len(recipients - set(ids_by_recipient))
        self.results["fault_emails_duplicated"] = sum(
            1 for ids in ids_by_recipient.values() if len(ids) > 1
        )
        self.results["fault_emails_resent_same_id"] = sum(n - 1 for n in receipts.values())
        self.notes["emails_recipients"] = len(recipients)
        log(
            f"email: {len(recipients)} recipients, {len(received)} received, lost "
            f"{self.results['fault_emails_lost']}, duplicated "
            f"{self.results['fault_emails_duplicated']}, same Message-ID again "
            f"{self.results['fault_emails_resent_same_id']}"
        )

    async def run(self):
        self.started = time.monotonic()
        await self.start_chat()
        if self.args.only == "storm":
            await self.storm()
            await self.check_rooms("the storm")
            return
        if self.args.only == "handshakes":
            await self.abandoned_handshakes()
            return
        await self.announcement_with_worker_kills()
        await self.redis_outage()
        await self.postgres_restart()
        await self.web_kill(0)
        await self.abandoned_handshakes()
        await self.healthz_leaks()
        await self.storm()
        await self.check_rooms("the storm")
        await self.finish()
        self.results["fault_rooms_broken_after_recovery"] = self.rooms_broken


def write_results(results, notes):
    merged = {}
    if RESULTS_FILE.exists():
        with contextlib.suppress(ValueError):
            merged = json.loads(RESULTS_FILE.read_text())
    merged.update(results)
    merged.update({f"faults_{k}": v for k, v in notes.items()})
    RESULTS_FILE.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--storm", type=int, default=1000)
    parser.add_argument("--handshakes", type=int, default=2000)
    parser.add_argument("--recipients", type=int, default=400)
    parser.add_argument(
        "--only", choices=("storm", "handshakes"),
        help="run the chat clients and this one fault only (while working on it; the counts of "
        "the other faults are then not written)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    from bench.wsload import raise_open_file_limit

    raise_open_file_limit()
    # A SIGTERM (e.g. `timeout`) still stops every server this started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="expo-faults-"))
    stack = Stack(root)
    try:
        log("migrating")
        stack.migrate()
        import django

        django.setup()
        suite = Suite(stack, args)
        suite.seed()
        from django.db import connection

        connection.close()
        log("seeded")
        stack.start_all()
        log(f"stack up: web on {[w.port for w in stack.web]}, logs in {stack.logs}")
        asyncio.run(suite.run())
    finally:
        stack.stop_all()
    results = suite.results
    if args.only:
        print(json.dumps({**results, **suite.notes}, indent=2, sort_keys=True))
        return 0
    write_results(results, suite.notes)
    width = max(len(k) for k in results)
    print()
    for key in sorted(results):
        print(f"  {key:<{width}}  {results[key]}")
    for key in sorted(suite.notes):
        print(f"  ({key}: {suite.notes[key]})")
    print(f"\nfaults: figures written to {RESULTS_FILE.relative_to(ROOT)}")
    informational = {"storm_resync_s", "fault_emails_resent_same_id"}
    failed = [k for k, v in results.items() if k not in informational and v] + (
        ["storm_resync_s"] if results.get("storm_resync_s", 999) >= 10 else []
    )
    if failed:
        print("faults: NOT met:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
