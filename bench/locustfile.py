"""Attendees of an expo day, for locust (run by bench/load.py, i.e. `make load`).

Each simulated attendee picks one of the web processes (as a load balancer would), is signed in
with the share SIGNED_IN of a demo talent's session (made by bench/load.py) or browses
anonymously, and between pauses of WAIT seconds does what visitors do, with these weights:

- browse the hall (page 1 mostly, sometimes a filter or a later page), then the hall's poll of
  queue lengths (/chat/summaries/, every 10 s in a browser);
- open a booth and its live panel's socket (/ws/booth/<id>/), kept open (and answering the
  server's pings) until the next booth, as a browser tab does;
- search jobs with a word from a visitor's vocabulary, and open a job;
- read the schedule; the home page;
- signed in: post in the booth's lobby chat, or join the booth's queue and leave it.

Signed-in attendees also hold their notifications socket (/ws/notifications/) all along. The
sockets held at the end of a step are written to LOAD_SOCKETS_FILE.
"""

import itertools
import json
import os
import random
import threading
import time

import gevent
import websocket
from locust import FastHttpUser, between, events, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115
HOSTS = CONFIG["hosts"]
WORDS = CONFIG["words"]
SIGNED_IN = CONFIG.get("signed_in", 0.5)
_next_host = itertools.cycle(HOSTS)
_next_session = itertools.cycle(CONFIG["sessions"])
_sockets = {"open": 0, "peak": 0, "opened": 0, "failed": 0}
_handshakes_ms = []
_lock = threading.Lock()


def _count(delta):
    with _lock:
        _sockets["open"] += delta
        _sockets["peak"] = max(_sockets["peak"], _sockets["open"])


class Socket:
    """A websocket held open by a reader greenlet (which answers the server's pings)."""

    def __init__(self, user, url, cookie):
        self.user, self.closed = user, False
        started = time.perf_counter()
        headers = [f"Cookie: {cookie}"] if cookie else []
        origin = user.host
        try:
            self.ws = websocket.create_connection(
                url, header=headers, origin=origin, timeout=30, enable_multithread=True
            )
            first = self.ws.recv()  # the hello
            exception = None if '"hello"' in first or first else RuntimeError("no hello")
        except Exception as error:  # recorded as a failure, the attendee goes on
            self.ws, exception = None, error
        # Kept apart from the page requests (locust's own statistics are the pages').
        with _lock:
            _sockets["opened" if self.ws and not exception else "failed"] += 1
            _handshakes_ms.append((time.perf_counter() - started) * 1000)
        if self.ws:
            _count(+1)
            self.reader = gevent.spawn(self._read)

    def _read(self):
        try:
            while not self.closed:
                self.ws.recv()
        except Exception:  # closed by either side
            pass
        finally:
            if not self.closed:
                self.closed = True
                _count(-1)

    def send(self, frame):
        if self.ws and not self.closed:
            try:
                self.ws.send(json.dumps(frame))
            except Exception:
                pass

    def close(self):
        if self.ws and not self.closed:
            self.closed = True
            _count(-1)
            try:
                self.ws.close()
            except Exception:
                pass


class Attendee(FastHttpUser):
    wait_time = between(CONFIG.get("wait_min", 1), CONFIG.get("wait_max", 3))
    host = HOSTS[0]

    def on_start(self):
        self.host = next(_next_host)
        self.client.base_url = self.host
        self.ws_base = self.host.replace("http://", "ws://")
        self.cookie = ""
        if random.random() < SIGNED_IN:
            name, value = next(_next_session)
            self.cookie = f"{name}={value}"
        self.headers = {"Accept-Language": random.choice(["en", "en", "zh-hant", "zh-hans"])}
        if self.cookie:
            self.headers["Cookie"] = self.cookie
        self.booth_socket = None
        self.notifications = (
            Socket(self, f"{self.ws_base}/ws/notifications/", self.cookie) if self.cookie else None
        )

    def on_stop(self):
        for socket in (self.booth_socket, self.notifications):
            if socket:
                socket.close()

    def get(self, path, name=None):
        return self.client.get(path, headers=self.headers, name=name or path)

    @task(4)
    def hall(self):
        roll = random.random()
        if roll < 0.7:
            self.get("/booths/", name="/booths/")
        elif roll < 0.85:
            self.get(f"/booths/?page={random.randint(2, CONFIG['hall_pages'])}", "/booths/?page")
        else:
            sector = random.choice(CONFIG["sectors"])
            self.get(f"/booths/?sector={sector}", "/booths/?sector")
        ids = random.sample(CONFIG["booths"], min(24, len(CONFIG["booths"])))
        self.get("/chat/summaries/?" + "&".join(f"booth={b[0]}" for b in ids), "/chat/summaries/")

    def _popular_booth(self):
        # A few booths draw most visitors (a Zipf-like pull).
        booths = CONFIG["booths"]
        return booths[min(len(booths) - 1, int(random.paretovariate(1.2)) - 1)]

    @task(4)
    def booth(self):
        booth_id, slug = self._popular_booth()
        self.get(f"/booths/{slug}/", "/booths/<slug>/")
        if self.booth_socket:
            self.booth_socket.close()
        self.booth_socket = Socket(self, f"{self.ws_base}/ws/booth/{booth_id}/", self.cookie)

    @task(3)
    def search_jobs(self):
        words = random.choice(WORDS)
        self.get(f"/jobs/?q={words}", "/jobs/?q")

    @task(2)
    def job(self):
        self.get(f"/jobs/{random.choice(CONFIG['jobs'])}/", "/jobs/<id>/")

    @task(1)
    def schedule(self):
        self.get("/schedule/", "/schedule/")

    @task(2)
    def home(self):
        self.get("/", "/")

    @task(1)
    def chat(self):
        if self.cookie and self.booth_socket:
            body = random.choice(
                ["Hello!", "Are you hiring interns?", "Thanks", "Any remote roles?"]
            )
            self.booth_socket.send({"type": "post", "body": body, "client_id": str(time.time())})

    @task(1)
    def queue(self):
        if self.cookie and self.booth_socket:
            self.booth_socket.send({"type": "queue.join"})
            gevent.sleep(random.uniform(2, 6))
            self.booth_socket.send({"type": "queue.leave"})


@events.test_stop.add_listener
def _write_sockets(environment, **kwargs):
    path = os.environ.get("LOAD_SOCKETS_FILE")
    if path:
        ordered = sorted(_handshakes_ms)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0
        with open(path, "w") as out:
            json.dump({**_sockets, "handshake_p95_ms": round(p95, 1)}, out)
