"""Lobby fan-out benchmark pieces (method: ../shared/PERF.md, hashrocket/websocket-shootout).

    python -m bench.fanout ceiling PORT            a bare `websockets` broadcast server
    python -m bench.fanout load --port P ...       the load generator (prints JSON)

The load generator runs in its own process (pinned to the other core): N minimal raw websocket
receivers (asyncio protocols that only parse frame headers) and one sender. For the app it
publishes each event through the channel layer exactly as chat.services does after a commit
(chat.fanout.publish); for the ceiling it sends the event over a websocket and the server
broadcasts it. Each event's text starts with its send time and number at fixed offsets, so a
receiver reads them without parsing JSON.
"""

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import time

PAD = "x" * 40


def event_text(n, t):
    # '{"t":<17 chars>,"n":<9 chars>,...}' -> t at [5:22], n at [27:36]
    return f'{{"t":{t:17.6f},"n":{n:9d},"type":"message","pad":"{PAD}"}}'


# --- The ceiling: a bare websockets broadcast server -------------------------------------------
def run_ceiling(port):
    from websockets.asyncio.server import broadcast, serve

    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients, message)
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
            await asyncio.Future()

    asyncio.run(main())


# --- Minimal raw receivers ----------------------------------------------------------------------
class Stats:
    def __init__(self, expected_per_event):
        self.expected = expected_per_event
        self.received = {}  # n -> count
        self.latencies = []  # seconds, only while recording
        self.recording = False
        self.total = 0
        self.complete = asyncio.Event()
        self.waiting_for = None


class Receiver(asyncio.Protocol):
    def __init__(self, stats, host, path, ready):
        self.stats, self.host, self.path, self.ready = stats, host, path, ready
        self.buffer = b""
        self.handshaken = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost\r\n\r\n"
            ).encode()
        )

    def data_received(self, data):
        buffer = self.buffer + data
        if not self.handshaken:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if b" 101 " not in buffer[:20]:
                self.transport.close()
                return
            self.handshaken = True
            buffer = buffer[end + 4 :]
            if not self.ready.done():
                self.ready.set_result(True)
        now = time.time()
        stats = self.stats
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            length = buffer[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                head = 10
            if size - pos < head + length:
                break
            opcode = buffer[pos] & 0x0F
            payload = buffer[pos + head : pos + head + length]
            pos += head + length
            if opcode != 1 or not payload.startswith(b'{"t":'):
                continue  # hello, summaries, pings...
            n = int(payload[27:36])
            stats.total += 1
            if stats.recording:
                stats.latencies.append(now - float(payload[5:22]))
            count = stats.received.get(n, 0) + 1
            stats.received[n] = count
            if count == stats.expected and stats.waiting_for is not None:
                stats.waiting_for(n)
        self.buffer = buffer[pos:]


async def open_receivers(port, path, count, stats, concurrency=100):
    loop = asyncio.get_running_loop()
    transports = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one():
        async with semaphore:
            ready = loop.create_future()
            transport, _ = await loop.create_connection(
                lambda: Receiver(stats, f"127.0.0.1:{port}", path, ready), "127.0.0.1", port
            )
            await asyncio.wait_for(ready, 60)
            transports.append(transport)

    await asyncio.gather(*(one() for _ in range(count)))
    return transports


def percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, int(round(q * len(ordered))) - 1)] if ordered else float("nan")


async def run_load(args):
    if hasattr(os, "sched_setaffinity") and args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    stats = Stats(args.clients)
    transports = await open_receivers(args.port, args.path, args.clients, stats)
    await asyncio.sleep(1)

    if args.mode == "app":
        import django

        django.setup()
        from chat import fanout

        async def send(text):
            await fanout.publish(args.room, text)

    else:
        from websockets.asyncio.client import connect

        sender = await connect(f"ws://127.0.0.1:{args.port}/", compression=None)

        async def send(text):
            await sender.send(text)

    n = 0
    # 1. Saturation: at most 4 events in flight (an event is done when every receiver has it).
    in_flight = asyncio.Semaphore(4)
    done_events = set()

    def finished(event_n):
        done_events.add(event_n)
        in_flight.release()

    stats.waiting_for = finished
    started = time.perf_counter()
    start_total = stats.total
    sent_saturation = 0
    while time.perf_counter() - started < args.seconds:
        try:
            await asyncio.wait_for(in_flight.acquire(), 5)
        except TimeoutError:
            in_flight = asyncio.Semaphore(4)  # an event lost at least one delivery
            continue
        n += 1
        sent_saturation += 1
        await send(event_text(n, time.time()))
    await asyncio.sleep(2)  # let the last ones land
    elapsed = time.perf_counter() - started
    delivered_saturation = stats.total - start_total
    stats.waiting_for = None

    # 2. Latency at a fixed rate.
    stats.latencies, stats.recording = [], True
    start_total = stats.total
    interval = 1 / args.rate
    rate_sent = 0
    next_at = time.perf_counter()
    until = next_at + args.seconds
    while next_at < until:
        n += 1
        rate_sent += 1
        await send(event_text(n, time.time()))
        next_at += interval
        await asyncio.sleep(max(0, next_at - time.perf_counter()))
    await asyncio.sleep(2)
    stats.recording = False
    delivered_rate = stats.total - start_total
    latencies_ms = [x * 1000 for x in stats.latencies]

    for transport in transports:
        transport.close()
    return {
        "clients": args.clients,
        "saturation_events": sent_saturation,
        "saturation_deliveries": delivered_saturation,
        "saturation_lost": sent_saturation * args.clients - delivered_saturation,
        "deliveries_per_s": delivered_saturation / (elapsed - 2) if elapsed > 2 else 0,
        "rate_events": rate_sent,
        "rate_lost": rate_sent * args.clients - delivered_rate,
        "p50_ms": statistics.median(latencies_ms) if latencies_ms else float("nan"),
        "p99_ms": percentile(latencies_ms, 0.99),
    }


async def run_idle(args):
    """Open as many idle sockets as asked (or as the time allows); keep them until stdin closes."""
    if hasattr(os, "sched_setaffinity") and args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    stats = Stats(1)
    opened = []
    deadline = time.monotonic() + args.seconds
    while len(opened) < args.clients and time.monotonic() < deadline:
        batch = min(500, args.clients - len(opened))
        try:
            opened += await open_receivers(args.port, args.path, batch, stats, concurrency=100)
        except Exception as error:  # the limit of open files, or the server
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}), file=sys.stderr)
            break
    print(json.dumps({"idle_sockets": len(opened)}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["ceiling", "load", "idle"])
    parser.add_argument("port", nargs="?", type=int)
    parser.add_argument("--port", dest="port_opt", type=int)
    parser.add_argument("--mode", choices=["app", "ceiling"], default="app")
    parser.add_argument("--path", default="/")
    parser.add_argument("--room", default="")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    args.port = args.port_opt or args.port
    if args.command == "ceiling":
        run_ceiling(args.port)
    elif args.command == "load":
        print(json.dumps(asyncio.run(run_load(args))), flush=True)
    else:
        asyncio.run(run_idle(args))


if __name__ == "__main__":
    main()


# --- Called by bench.run --------------------------------------------------------------------------
def _pinned(cpu):
    def pin():
        if hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
            os.sched_setaffinity(0, {cpu})

    return pin


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(ctx, Result, clients=1000, idle_target=15000):
    """Lobby fan-out on one uvicorn process with channels_redis vs the bare ceiling; idle
    sockets per process and memory per socket. Returns rows; figures go into ctx.metrics."""
    import subprocess
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from booths.models import Booth, Company, Sector
    from expo.models import ExpoEdition
    from tests.harness import _wait_for_port, free_port

    now = timezone.now()
    edition = ExpoEdition.objects.create(
        name="Fan-out bench",
        slug="fanout-bench",
        starts_at=now,
        ends_at=now + timedelta(days=1),
        is_current=False,
    )
    sector, _ = Sector.objects.get_or_create(slug="fanout-bench", defaults={"name": "Fan-out"})
    company = Company.objects.create(name="Fan-out Ltd", slug="fanout-ltd", sector=sector)
    booth = Booth.objects.create(edition=edition, company=company, status=Booth.Status.APPROVED)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    python = sys.executable
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    processes = []

    def start(args, cpu):
        process = subprocess.Popen(args, cwd=root, env=env, preexec_fn=_pinned(cpu))
        processes.append(process)
        return process

    def load(port, *extra):
        out = subprocess.run(
            [
                python,
                "-m",
                "bench.fanout",
                "load",
                "--port",
                str(port),
                "--cpu",
                "1",
                "--clients",
                str(clients),
                *extra,
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(out.stderr[-2000:])
        return json.loads(out.stdout.strip().splitlines()[-1])

    rows = []
    try:
        ceiling_port = free_port()
        start([python, "-m", "bench.fanout", "ceiling", str(ceiling_port)], 0)
        _wait_for_port(ceiling_port, "ceiling server")
        ceiling = load(ceiling_port, "--mode", "ceiling")

        app_port = free_port()
        server = start(
            [
                python,
                "-m",
                "uvicorn",
                "expo.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(app_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            0,
        )
        _wait_for_port(app_port, "uvicorn")
        app = load(
            app_port,
            "--mode",
            "app",
            "--path",
            f"/ws/booth/{booth.pk}/",
            "--room",
            f"lobby.{booth.pk}",
        )

        # Idle sockets on a fresh server process.
        server.terminate()
        server.wait(timeout=10)
        idle_port = free_port()
        idle_server = start(
            [
                python,
                "-m",
                "uvicorn",
                "expo.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(idle_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            0,
        )
        _wait_for_port(idle_port, "uvicorn")
        warm = subprocess.Popen(
            [
                python,
                "-m",
                "bench.fanout",
                "idle",
                "--port",
                str(idle_port),
                "--cpu",
                "1",
                "--clients",
                "50",
                "--path",
                f"/ws/booth/{booth.pk}/",
                "--seconds",
                "60",
            ],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        warm.stdout.readline()  # the first sockets load code and pools: not counted
        time.sleep(1)
        before = _rss_kib(idle_server.pid)
        idle = subprocess.Popen(
            [
                python,
                "-m",
                "bench.fanout",
                "idle",
                "--port",
                str(idle_port),
                "--cpu",
                "1",
                "--clients",
                str(idle_target),
                "--path",
                f"/ws/booth/{booth.pk}/",
                "--seconds",
                "240",
            ],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        opened = json.loads(idle.stdout.readline() or '{"idle_sockets": 0}')["idle_sockets"]
        time.sleep(2)
        after = _rss_kib(idle_server.pid)
        idle.stdin.close()
        warm.stdin.close()
        idle.wait(timeout=60)
        warm.wait(timeout=60)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    kib = (after - before) / opened if opened else float("nan")
    ratio = app["deliveries_per_s"] / ceiling["deliveries_per_s"]
    ctx.metrics.update(
        {
            "fanout_clients": clients,
            "fanout_deliveries_per_s": round(app["deliveries_per_s"]),
            "fanout_ceiling_deliveries_per_s": round(ceiling["deliveries_per_s"]),
            "fanout_vs_ceiling": round(ratio, 3),
            "fanout_lost_at_saturation": app["saturation_lost"],
            "fanout_lost_at_50": app["rate_lost"],
            "fanout_p50_ms_at_50": round(app["p50_ms"], 2),
            "fanout_p99_ms_at_50": round(app["p99_ms"], 2),
            "fanout_ceiling_p50_ms_at_50": round(ceiling["p50_ms"], 2),
            "fanout_ceiling_p99_ms_at_50": round(ceiling["p99_ms"], 2),
            "idle_sockets_per_process": opened,
            "idle_socket_kib": round(kib, 1),
        }
    )
    lost = app["saturation_lost"] + app["rate_lost"]
    rows.append(
        Result(
            f"lobby fan-out, {clients} sockets: deliveries/s at saturation",
            [0.0],
            0,
            f"{app['deliveries_per_s']:,.0f}/s vs ceiling {ceiling['deliveries_per_s']:,.0f}/s "
            f"= {ratio:.2f} (target >= 0.50), lost {lost}",
            ok=ratio >= 0.5 and lost == 0,
        )
    )
    rows.append(
        Result(
            f"lobby fan-out, {clients} sockets: latency at 50 msg/s (p50 / p99 in note)",
            [app["p99_ms"]],
            20,
            f"p50 {app['p50_ms']:.1f} ms, p99 {app['p99_ms']:.1f} ms "
            f"(ceiling p99 {ceiling['p99_ms']:.1f} ms)",
        )
    )
    rows.append(
        Result(
            "idle lobby sockets on one process",
            [0.0],
            0,
            f"{opened:,} sockets (target >= 15,000) at {kib:.1f} KiB each (target <= 35)",
            ok=opened >= 15000 and kib <= 35,
        )
    )
    return rows
