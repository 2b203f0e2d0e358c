"""Server CPU per page view, measured in a real uvicorn process.

One uvicorn process (bench.settings: production settings, DEBUG off) serves the seeded expo on
PostgreSQL and Redis, pinned to one core; this process requests each page one at a time over
one keep-alive connection from the other core. The server is the product's ASGI application
wrapped by bench/asgi.py, which stamps every response with the process's CPU time so far
(time.process_time_ns: every thread, also those that ended, nanoseconds). The difference
between two consecutive responses is one request's server CPU (HTTP parsing, the ASGI handler,
its thread hop, middleware, the view, the template), not wall time and not PostgreSQL's; work
a request does after its response (closing its database connection) falls into the next
window, so with identical requests in a row every window holds one request's worth.

PostgreSQL's CPU per request is measured beside it over the whole run of each page: the CPU of
the cluster's processes (utime + stime of live backends, plus what the postmaster reaped from
backends that ended, its cutime + cstime), divided by the requests; clock ticks, so only over
many requests. Beside it, the PostgreSQL backends (sessions) opened per request: the change of
pg_stat_database's `sessions` over the run (a backend's session is counted by its first report,
at the latest when it exits), divided by the requests.

Pages, each warmed first (so the figure is the steady state of a page that many visitors open:
its fragments are in the cache, as they are on a live site after its first visitor): home, the
hall, a booth, job search (no text; and a word), a job page, the schedule; anonymous, and all
but the word search again signed in as a talent (signed-in pages share the cached fragments).
Booths and jobs rotate over a few different ones.
"""

import http.client
import os
import statistics
import time

SERVER_CPU, CLIENT_CPU = 0, 1
TARGETS_MS = {"home": 10, "hall": 10, "booth": 10, "jobs": 10, "job": 10, "schedule": 20}


class PostgresCPU:
    """CPU seconds used by a PostgreSQL cluster so far (live processes + reaped backends)."""

    def __init__(self, postmaster_pid):
        self.postmaster = postmaster_pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def _fields(self, pid):
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
        return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "

    def seconds(self):
        fields = self._fields(self.postmaster)
        # utime, stime, cutime, cstime are fields 14-17 (1-based); [0] here is field 3.
        total = sum(int(x) for x in fields[11:15])
        for pid in self._children():
            try:
                fields = self._fields(pid)
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / self.tick

    def _children(self):
        try:
            with open(f"/proc/{self.postmaster}/task/{self.postmaster}/children") as children:
                return [int(pid) for pid in children.read().split()]
        except OSError:
            return []


def sessions_opened():
    """PostgreSQL sessions (backends) opened so far, over every database of the cluster."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(sessions) FROM pg_stat_database")
        return int(cursor.fetchone()[0] or 0)


def postmaster_pid():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with open(f"/proc/{backend}/stat") as stat:
        text = stat.read()
    return int(text[text.rindex(")") + 2 :].split()[1])


class Browser:
    """One keep-alive HTTP/1.1 connection to the server, with cookies."""

    def __init__(self, port, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request("GET", path, headers=sent)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request("GET", path, headers=sent)
            response = self.connection.getresponse()
        body = response.read()
        return response.status, body, int(response.getheader("Server-CPU-Ns") or 0)


def signed_in_cookies(email):
    """A session of a demo user, made the way a login makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import SessionBase

    from accounts.models import User

    user = User.objects.get(email=email)
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {settings.SESSION_COOKIE_NAME: store.session_key}


def page_paths(edition):
    """{page: [paths]} over the seeded expo."""
    from booths.models import Booth
    from jobs.models import Job

    booths = list(
        Booth.objects.filter(edition=edition, status=Booth.Status.APPROVED)
        .order_by("pk")
        .values_list("company__slug", flat=True)[:2000:200]
    )
    jobs = list(
        Job.objects.open()
        .filter(edition=edition)
        .order_by("-published_at", "pk")
        .values_list("pk", flat=True)[:5000:500]
    )
    return {
        "home": ["/"],
        "hall": ["/booths/"],
        "booth": [f"/booths/{slug}/" for slug in booths],
        "jobs": ["/jobs/"],
        "jobs_word": ["/jobs/?q=engineer"],
        "job": [f"/jobs/{pk}/" for pk in jobs],
        "schedule": ["/schedule/"],
    }


def measure_page(browser, pg, paths, runs):
    """(cpu ms samples, wall ms samples, PostgreSQL CPU ms per request, backends opened per
    request, statuses)."""
    statuses = set()
    for path in paths:  # warm: code paths, pools, fragments
        status, _body, before = browser.get(path)
        statuses.add(status)
    cpu, wall = [], []
    pg_before = pg.seconds() if pg else 0.0
    sessions_before = sessions_opened() if pg else 0
    for i in range(runs):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        status, _body, after = browser.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((after - before) / 1e6)
        before = after
        statuses.add(status)
    db_ms = (pg.seconds() - pg_before) * 1000 / runs if pg else float("nan")
    backends = (sessions_opened() - sessions_before) / runs if pg else float("nan")
    return cpu, wall, db_ms, backends, statuses


def measure(ctx, Result, runs=None):
    from django.db import connection

    from bench.fanout import Stack, uvicorn_command
    from tests.harness import _wait_for_port, free_port

    runs = runs or max(60, ctx.runs * 3)
    edition = ctx.edition()
    paths = page_paths(edition)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pg = PostgresCPU(postmaster_pid()) if connection.vendor == "postgresql" else None
    cookies = signed_in_cookies("talent@demo.expo")
    stack = Stack(env, root)
    port = free_port()
    results = []
    load = os.getloadavg()[0]
    if CLIENT_CPU < (os.cpu_count() or 1):
        previous_affinity = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {CLIENT_CPU})
    else:
        previous_affinity = None
    try:
        command = uvicorn_command(port)
        command[command.index("expo.asgi:application")] = "bench.asgi:application"
        stack.start(command, SERVER_CPU)
        _wait_for_port(port, "uvicorn")
        plans = [(name, name, None) for name in paths]
        plans += [
            (f"{name}_signed_in", name, cookies)
            for name in ("home", "hall", "booth", "jobs", "job", "schedule")
        ]
        for key, page, cookie in plans:
            browser = Browser(port, cookie)
            cpu, wall, db_ms, backends, statuses = measure_page(browser, pg, paths[page], runs)
            median_cpu = statistics.median(cpu)
            ctx.metrics[f"page_cpu_ms_{key}"] = round(median_cpu, 2)
            ctx.metrics[f"page_wall_ms_{key}"] = round(statistics.median(wall), 2)
            ctx.metrics[f"page_db_cpu_ms_{key}"] = round(db_ms, 2)
            ctx.metrics[f"page_db_backends_per_request_{key}"] = round(backends, 2)
            target = TARGETS_MS.get(key, TARGETS_MS.get(page, 10))
            note = (
                f"median server CPU {median_cpu:.1f} ms (target <= {target}), PostgreSQL "
                f"{db_ms:.1f} ms ({backends:.2f} backends opened per request), wall median "
                f"{statistics.median(wall):.1f} ms"
            )
            ok = median_cpu <= target
            if statuses != {200}:
                note, ok = f"ERROR: status {sorted(statuses)}", False
            results.append(Result(f"page CPU: {key} {paths[page][0]}", cpu, target, note, ok=ok))
    finally:
        stack.stop_all()
        if previous_affinity is not None:
            os.sched_setaffinity(0, previous_affinity)
    ctx.metrics["page_cpu_loadavg_1m_start"] = round(load, 2)
    ctx.metrics["page_cpu_loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    return results
