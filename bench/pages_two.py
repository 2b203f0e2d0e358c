"""Pages per second from two uvicorn processes on one PostgreSQL and Redis versus one.

The anonymous home, hall and job search pages (their fragments cached in Redis, shared by the
processes, as on a live site after the first visitor; they hardly touch PostgreSQL) are
requested for a fixed time by CONNECTIONS_PER_PROCESS keep-alive connections per server process
(bench.pages.Browser, one thread each), spread over the pages in turn. One process: the server
pinned to core 0, this client to core 1 (as in bench.pages and bench.fanout). Two processes: one
per core, the client free to run on either (the machine has two cores, so the client's CPU and
PostgreSQL's and Redis's compete with the servers then; they are reported beside the figures).

Besides pages/s, the CPU seconds of each side are read from /proc over the timed window (the
servers, this client, PostgreSQL's processes, the whole machine): pages per server CPU-second
for one and for two processes say whether two processes each keep one process's efficiency,
whatever else ran on the machine meanwhile.
"""

import os
import threading
import time

from bench.fanout import cpu_seconds, machine_busy
from bench.pages import Browser, PostgresCPU, page_paths, postmaster_pid

SERVER_CPUS, CLIENT_CPU = (0, 1), 1
CONNECTIONS_PER_PROCESS = 4
PAGES = ("home", "hall", "jobs")


def _run_clients(ports, paths, seconds):
    """Requests from CONNECTIONS_PER_PROCESS threads per port for `seconds`; returns
    (pages served with 200, other statuses)."""
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(port, offset):
        browser = Browser(port)
        ok = bad = 0
        i = offset
        while time.monotonic() < deadline:
            status, _body, _cpu = browser.get(paths[i % len(paths)])
            i += 1
            if status == 200:
                ok += 1
            else:
                bad += 1
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad

    threads = [
        threading.Thread(target=client, args=(port, n))
        for port in ports
        for n in range(CONNECTIONS_PER_PROCESS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def _measure(stack, command_for, ports, paths, seconds, pg, pin_client):
    from tests.harness import _wait_for_port

    servers = [
        stack.start(command_for(port), SERVER_CPUS[i % len(SERVER_CPUS)])
        for i, port in enumerate(ports)
    ]
    try:
        for port in ports:
            _wait_for_port(port, "uvicorn")
        for port in ports:  # warm each process: code paths, pools (the fragments are shared)
            browser = Browser(port)
            for path in paths:
                browser.get(path)
        if pin_client:
            os.sched_setaffinity(0, {CLIENT_CPU})
        else:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        before = (
            [cpu_seconds(s.pid) for s in servers],
            time.process_time(),
            pg.seconds() if pg else 0.0,
            machine_busy()[0],
            time.monotonic(),
        )
        counts = _run_clients(ports, paths, seconds)
        servers_s = sum(cpu_seconds(s.pid) for s in servers) - sum(before[0])
        client_s = time.process_time() - before[1]
        pg_s = (pg.seconds() if pg else 0.0) - before[2]
        machine_s = machine_busy()[0] - before[3]
        wall = time.monotonic() - before[4]
    finally:
        for server in servers:
            stack.stop(server)
    pages = counts["ok"]
    return {
        "processes": len(ports),
        "pages": pages,
        "not_200": counts["bad"],
        "wall_s": round(wall, 2),
        "pages_per_s": pages / wall if wall else 0.0,
        "server_cpu_s": round(servers_s, 2),
        "pages_per_server_cpu_s": pages / servers_s if servers_s else 0.0,
        "server_ms_per_page": servers_s * 1000 / pages if pages else 0.0,
        "client_ms_per_page": client_s * 1000 / pages if pages else 0.0,
        "postgres_ms_per_page": pg_s * 1000 / pages if pages else 0.0,
        "other_cpu_s": round(machine_s - servers_s - client_s - pg_s, 2),
    }


def measure(ctx, Result, seconds=None):
    from django.db import connection

    from bench.fanout import Stack, uvicorn_command
    from tests.harness import free_port

    seconds = seconds or float(os.environ.get("PAGES_TWO_SECONDS", 20))
    edition = ctx.edition()
    all_paths = page_paths(edition)
    paths = [path for page in PAGES for path in all_paths[page]]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pg = PostgresCPU(postmaster_pid()) if connection.vendor == "postgresql" else None
    stack = Stack(env, root)
    load_start = os.getloadavg()[0]
    previous_affinity = os.sched_getaffinity(0)
    try:
        one = _measure(stack, uvicorn_command, [free_port()], paths, seconds, pg, True)
        ports = [free_port(), free_port()]
        two = _measure(stack, uvicorn_command, ports, paths, seconds, pg, False)
    finally:
        stack.stop_all()
        os.sched_setaffinity(0, previous_affinity)
    load_end = os.getloadavg()[0]
    ratio = two["pages_per_s"] / one["pages_per_s"] if one["pages_per_s"] else 0.0
    efficiency = (
        two["pages_per_server_cpu_s"] / one["pages_per_server_cpu_s"]
        if one["pages_per_server_cpu_s"]
        else 0.0
    )
    for name, run in (("one", one), ("two", two)):
        ctx.metrics.update(
            {
                f"pages_{name}_process_per_s": round(run["pages_per_s"], 1),
                f"pages_{name}_process_per_server_cpu_s": round(run["pages_per_server_cpu_s"], 1),
                f"pages_{name}_process_server_ms": round(run["server_ms_per_page"], 2),
                f"pages_{name}_process_client_ms": round(run["client_ms_per_page"], 2),
                f"pages_{name}_process_postgres_ms": round(run["postgres_ms_per_page"], 2),
                f"pages_{name}_process_other_cpu_s": run["other_cpu_s"],
            }
        )
    ctx.metrics.update(
        {
            "pages_two_process_ratio": round(ratio, 3),
            "pages_two_process_cpu_efficiency": round(efficiency, 3),
            "pages_two_process_loadavg_1m_start": round(load_start, 2),
            "pages_two_process_loadavg_1m_end": round(load_end, 2),
        }
    )
    errors = one["not_200"] + two["not_200"]
    return [
        Result(
            f"pages over two processes vs one ({', '.join(PAGES)}, anonymous)",
            [0.0],
            0,
            f"{two['pages_per_s']:,.1f}/s vs {one['pages_per_s']:,.1f}/s = {ratio:.2f}x "
            f"(target >= 1.6); per server CPU-second {two['pages_per_server_cpu_s']:.0f} vs "
            f"{one['pages_per_server_cpu_s']:.0f} ({efficiency:.2f}); per page: server "
            f"{one['server_ms_per_page']:.1f}/{two['server_ms_per_page']:.1f} ms, client "
            f"{one['client_ms_per_page']:.1f}/{two['client_ms_per_page']:.1f}, PostgreSQL "
            f"{one['postgres_ms_per_page']:.1f}/{two['postgres_ms_per_page']:.1f}; others used "
            f"{one['other_cpu_s']:.0f}/{two['other_cpu_s']:.0f} CPU-s; load avg "
            f"{load_start:.2f} -> {load_end:.2f}"
            + (f"; ERROR: {errors} responses not 200" if errors else ""),
            ok=ratio >= 1.6 and not errors,
        )
    ]
