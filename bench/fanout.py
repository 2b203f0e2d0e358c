"""Lobby fan-out benchmark (method: docs/performance.md, hashrocket/websocket-shootout).

    python -m bench.fanout ceiling PORT            a bare `websockets` broadcast server
    python -m bench.fanout load --port P ...       the load generator (prints JSON)
    python -m bench.fanout idle --port P ...       opens idle sockets, holds them until stdin closes

measure() (called by bench.run) starts a Redis of its own and the servers pinned to core 0 and the
load generator pinned to core 1 (the `taskset -c 0` / `taskset -c 1` of docs/performance.md, done
with sched_setaffinity). The load generator is one asyncio (uvloop) process of minimal raw websocket
receivers (bench.wsload) and one sender. For the app it publishes each event through the channel
layer exactly as chat.actions do after a commit (expo.lib.realtime -> chat.fanout); for the ceiling
it sends the event over a websocket and the server broadcasts it. Each event carries its send time,
so latency is measured from send to receipt over every delivery.

Phases, on the same 1,000 receivers: saturation (at most SATURATION_WINDOW = 32 events in flight,
an event being done when every open receiver has it), a fixed 50 events/s with latencies, and for
the app twice the sustainable rate (the saturation rate) to show drops are counted and memory
bounded. Two processes: the same room's receivers split over two uvicorn processes on the one
Redis, one process per core, the generator free to run on either (this machine has two cores).

The instrument at saturation (since 2026-12-01; the ceiling, one process and two processes are all
measured with it, so their ratios compare): each receiver's socket wakes the generator only once
SATURATION_BATCH = 8 benchmark frames wait in it (SO_RCVLOWAT: the kernel holds the wake-up; back
to every byte for the phase's last events and the other phases, so latencies at 50/s are per
frame). Measured with the CPU times below, a generator that read every frame as it came spent
3.4-5 us of CPU per delivery, three quarters of it in the kernel (a wake-up and a read per frame),
against 5-8 us for a server: fine beside one server pinned to its own core, but with two server
processes on two cores it took a third of the machine, and two processes could then show at most
2s/(s+g) = 1.4x one process whatever the servers did. Woken per 8 frames it spends 1-1.5 us.
The old method (4 in flight, a read per frame) also left the ceiling server idle a third of the
time waiting for the generator: the ceiling and one-process figures of earlier runs are lower.
Every saturation phase reports CPU seconds from /proc of each server process, Redis, the
generator and the whole machine (what other work took meanwhile): CPU per delivery of each side
and deliveries per server CPU-second, which do not depend on the generator or on other load.

After each
phase the generator waits until every open receiver has the phase's last event (or a timeout),
reports the drain time, and classifies what is missing (bench.wsload.classify); the app's own
counters (chat.fanout.collect_stats: layer gaps, hub queue drops, sockets closed as slow) are
taken before and after each phase.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from bench.wsload import Room, classify, event_text, open_receivers, raise_open_file_limit

COUNTERS = (
    "events",
    "deliveries",
    "layer_lost",
    "layer_lost_deliveries",
    "queue_dropped",
    "queue_dropped_deliveries",
    "slow_sockets_closed",
    "slow_dropped",
    "write_failed",
    "publish_failed",
)


def _run_fast(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


# --- The ceiling: a bare websockets broadcast server -------------------------------------------
def run_ceiling(port):
    from websockets.asyncio.server import broadcast, serve
    from websockets.exceptions import ConnectionClosed

    raise_open_file_limit()
    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients, message)
        except ConnectionClosed:
            pass
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
            await asyncio.Future()

    _run_fast(main())  # uvloop, as uvicorn uses for the app


# --- The load generator -----------------------------------------------------------------------
def percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, int(round(q * len(ordered))) - 1)] if ordered else float("nan")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, system_only=False):
    """User + system CPU time of a process (all its threads) from /proc, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    if system_only:
        return int(fields[12]) / CLOCK_TICKS
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy():
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds spent during a phase by the named processes, by this load generator and by
    the whole machine (what else ran beside the measurement)."""

    def __init__(self, pids):
        self.pids = pids  # name -> pid

    def start(self):
        self.before = self._read()

    def _read(self):
        return {
            **{name: cpu_seconds(pid) for name, pid in self.pids.items()},
            "servers_sys": sum(
                cpu_seconds(pid, system_only=True)
                for name, pid in self.pids.items()
                if name.startswith("server")
            ),
            "generator": time.process_time(),
            "generator_sys": os.times().system,
            "machine": machine_busy()[0],
            "wall": time.monotonic(),
        }

    def stop(self, deliveries):
        after = self._read()
        spent = {name: after[name] - self.before[name] for name in after}
        generator_sys = spent.pop("generator_sys")
        servers_sys = spent.pop("servers_sys")
        servers = sum(v for k, v in spent.items() if k.startswith("server"))
        wall = spent.pop("wall")
        per = (lambda s: round(s / deliveries * 1e6, 2)) if deliveries else (lambda s: 0.0)
        return {
            "wall_s": round(wall, 3),
            "cpu_s": {k: round(v, 3) for k, v in spent.items()},
            "server_cpu_s": round(servers, 3),
            # microseconds of CPU per delivery: servers, the generator (receivers + sender)
            "server_us_per_delivery": per(servers),
            "server_sys_us_per_delivery": per(servers_sys),
            "generator_us_per_delivery": per(spent["generator"]),
            "generator_sys_us_per_delivery": per(generator_sys),
            "redis_us_per_delivery": per(spent.get("redis", 0.0)),
            "deliveries_per_server_cpu_s": round(deliveries / servers) if servers else 0,
            "other_cpu_s": round(
                spent["machine"] - servers - spent["generator"] - spent.get("redis", 0.0), 3
            ),
        }


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Load:
    def __init__(self, args):
        self.args = args
        self.room = Room()
        self.n = 0
        self.send = None
        self.server_stats = None
        pids = {}
        for i, pid in enumerate(p for p in str(args.server_pid).split(",") if p and p != "0"):
            pids[f"server{i}"] = int(pid)
        if args.redis_pid:
            pids["redis"] = args.redis_pid
        self.cpu = CpuMeter(pids)

    async def setup(self):
        args = self.args
        ports = [int(port) for port in str(args.port).split(",")]
        opened = 0
        for i, port in enumerate(ports):  # the receivers split evenly over the processes
            share = args.clients // len(ports) + (1 if i < args.clients % len(ports) else 0)
            opened += await open_receivers(self.room, port, args.path, share)
        if opened < args.clients:
            raise RuntimeError(f"only {opened} of {args.clients} receivers connected")
        await asyncio.sleep(1)
        if args.mode == "app":
            import django

            django.setup()
            from chat import fanout

            async def send(text):
                await fanout.publish(args.room, text)

            async def stats():
                replies = await fanout.collect_stats(timeout=3, expect=len(ports))
                summed = {}
                for reply in replies:  # one per server process
                    for key, value in reply.items():
                        if isinstance(value, int | float) and not isinstance(value, bool):
                            summed[key] = summed.get(key, 0) + value
                return {**summed, **fanout.publisher_stats}

            self.server_stats = stats
        else:
            from websockets.asyncio.client import connect

            sender = await connect(f"ws://127.0.0.1:{ports[0]}/", compression=None)

            async def send(text):
                await sender.send(text)

        self.send = send

    async def emit(self, phase):
        self.n += 1
        phase.last = self.n
        await self.send(event_text(self.n, time.time()))

    async def drain(self, phase, sent_at):
        """Wait until every open receiver has the phase's last event, or the timeout."""
        deadline = time.monotonic() + self.args.drain_timeout
        receivers = self.room.receivers
        while time.monotonic() < deadline:
            if all(r.last >= phase.last for r in receivers if not r.lost):
                break
            await asyncio.sleep(0.01)
        drained = all(r.last >= phase.last for r in receivers if not r.lost)
        return {
            "drained": drained,
            "drain_s": round(max(0.0, phase.last_delivery_at - sent_at), 3),
        }

    async def counters(self):
        if self.server_stats is None:
            return {}
        return await self.server_stats()

    def delta(self, before, after):
        return {key: after.get(key, 0) - before.get(key, 0) for key in COUNTERS if key in after}

    async def saturation(self):
        loop = asyncio.get_running_loop()
        room = self.room
        before = await self.counters()
        phase = room.start_phase("saturation", self.n + 1)
        in_flight = asyncio.Semaphore(self.args.window)
        waiting = {}
        incomplete = 0

        def completed(n):
            future = waiting.pop(n, None)
            if future is not None and not future.done():
                future.set_result(None)

        async def watch(future):
            nonlocal incomplete
            try:
                await asyncio.wait_for(future, self.args.event_timeout)
            except TimeoutError:
                incomplete += 1
            finally:
                in_flight.release()

        room.on_complete = completed
        watchers = []
        room.wake_every(self.args.batch)
        self.cpu.start()
        started_at = time.time()
        until = time.monotonic() + self.args.seconds
        while time.monotonic() < until:
            await in_flight.acquire()
            waiting[self.n + 1] = future = loop.create_future()
            await self.emit(phase)
            watchers.append(asyncio.ensure_future(watch(future)))
        sent_at = time.time()
        room.wake_every(1)  # the last events: wake on every byte again
        await asyncio.gather(*watchers)
        cpu = self.cpu.stop(phase.delivered)
        room.on_complete = None
        drain = await self.drain(phase, sent_at)
        elapsed = phase.last_delivery_at - started_at
        after = await self.counters()
        return {
            **classify(room, phase),
            **drain,
            "incomplete_events": incomplete,
            "seconds": round(elapsed, 3),
            "deliveries_per_s": phase.delivered / elapsed if elapsed > 0 else 0.0,
            "cpu": cpu,
            "server": self.delta(before, after),
        }

    async def fixed_rate(self, name, rate, seconds, record=True, sample_pids=()):
        room = self.room
        before = await self.counters()
        phase = room.start_phase(name, self.n + 1)
        phase.recording = record
        peaks = {pid: rss_kib(pid) for pid in sample_pids}
        start_rss = dict(peaks)

        async def sample():
            while True:
                for pid in sample_pids:
                    peaks[pid] = max(peaks[pid], rss_kib(pid))
                await asyncio.sleep(0.2)

        sampler = asyncio.ensure_future(sample()) if sample_pids else None
        total = int(rate * seconds)
        started = time.perf_counter()
        behind = 0.0
        for k in range(total):
            delay = started + k / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                behind = max(behind, -delay)
            await self.emit(phase)
        sent_at = time.time()
        send_seconds = time.perf_counter() - started
        drain = await self.drain(phase, sent_at)
        if sampler is not None:
            sampler.cancel()
        phase.recording = False
        after = await self.counters()
        latencies_ms = [x * 1000 for x in phase.latencies]
        result = {
            **classify(room, phase),
            **drain,
            "rate": rate,
            "achieved_rate": round(total / send_seconds, 1) if send_seconds else 0,
            "sender_behind_s": round(behind, 3),
            "server": self.delta(before, after),
        }
        if record:
            result["p50_ms"] = statistics.median(latencies_ms) if latencies_ms else float("nan")
            result["p99_ms"] = percentile(latencies_ms, 0.99)
            result["max_ms"] = max(latencies_ms) if latencies_ms else float("nan")
        if sample_pids:
            result["rss_kib"] = {
                str(pid): {"start": start_rss[pid], "peak": peaks[pid], "end": rss_kib(pid)}
                for pid in sample_pids
            }
        return result

    async def run(self):
        args = self.args
        await self.setup()
        out = {"clients": len(self.room.receivers), "mode": args.mode}
        await self.fixed_rate("warm-up", 50, 0.4, record=False)  # pools, code paths
        out["saturation"] = await self.saturation()
        await asyncio.sleep(0.5)
        out["rate"] = await self.fixed_rate("rate", args.rate, args.seconds)
        if args.overload:
            sustainable = out["saturation"]["deliveries_per_s"] / max(1, out["clients"])
            await asyncio.sleep(0.5)
            out["overload"] = await self.fixed_rate(
                "overload",
                args.overload * sustainable,
                args.overload_seconds,
                sample_pids=tuple(
                    int(pid)
                    for pid in (*str(args.server_pid).split(","), args.redis_pid)
                    if pid and int(pid)
                ),
            )
        out["open_at_end"] = self.room.open
        for receiver in self.room.receivers:
            receiver.transport.close()
        return out


async def run_idle(args):
    """Open idle sockets (offering permessage-deflate, as browsers do) with bounded concurrency;
    print how many and how fast; hold them until stdin closes."""
    limit = raise_open_file_limit()
    room = Room()
    started = time.perf_counter()
    deadline = time.monotonic() + args.seconds
    opened = failed = 0
    while opened < args.clients and time.monotonic() < deadline:
        batch = min(1000, args.clients - opened)
        got = await open_receivers(
            room, args.port, args.path, batch, args.concurrency, offer_deflate=True
        )
        opened += got
        failed += batch - got
        if got == 0:  # the limit of open files, or the server gave up: no use retrying
            break
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "idle_sockets": room.open,
                "attempted": opened + failed,
                "failed": failed,
                "seconds": round(elapsed, 2),
                "connects_per_s": round(opened / elapsed, 1) if elapsed else 0,
                "stopped_by_time_cap": opened < args.clients and time.monotonic() >= deadline,
                "nofile": limit,
            }
        ),
        flush=True,
    )
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(json.dumps({"still_open": room.open}), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["ceiling", "load", "idle"])
    parser.add_argument("port", nargs="?", type=int)
    parser.add_argument("--port", dest="port_opt", help="a port, or ports split by commas")
    parser.add_argument("--mode", choices=["app", "ceiling"], default="app")
    parser.add_argument("--path", default="/")
    parser.add_argument("--room", default="")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--overload", type=float, default=0, help="x the saturation rate")
    parser.add_argument("--overload-seconds", type=float, default=10)
    parser.add_argument("--drain-timeout", type=float, default=15)
    parser.add_argument("--event-timeout", type=float, default=2)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--window", type=int, default=4, help="events in flight at saturation")
    parser.add_argument("--batch", type=int, default=1, help="frames per read, at saturation")
    parser.add_argument("--server-pid", default="0", help="a pid, or pids split by commas")
    parser.add_argument("--redis-pid", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    args.port = args.port_opt or args.port
    if args.cpu is not None and args.cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {args.cpu})
    if args.command == "ceiling":
        run_ceiling(args.port)
    elif args.command == "load":
        print(json.dumps(_run_fast(Load(args).run())), flush=True)
    else:
        _run_fast(run_idle(args))


if __name__ == "__main__":
    main()


# --- Called by bench.run --------------------------------------------------------------------------
SERVER_CPU, LOAD_CPU = 0, 1
# Saturation: events in flight, and benchmark frames a receiver's socket holds before it wakes
# (see the module docstring: the generator's CPU per delivery, not the servers', is what a
# one-read-per-frame generator would measure with two server processes on two cores).
SATURATION_WINDOW, SATURATION_BATCH = 32, 8


def _pinned(cpu):
    def setup():
        if cpu < (os.cpu_count() or 1):
            os.sched_setaffinity(0, {cpu})
        raise_open_file_limit()

    return setup


def uvicorn_command(port):
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "expo.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws-per-message-deflate",
        "false",  # as in production (docker-compose.yml): ~23 KiB less per socket
    ]


class Stack:
    """Processes of one measurement; stopped by their own pids at the end."""

    def __init__(self, env, root):
        self.env, self.root, self.processes = env, root, []

    def start(self, args, cpu, **kwargs):
        process = subprocess.Popen(
            args, cwd=self.root, env=self.env, preexec_fn=_pinned(cpu), **kwargs
        )
        self.processes.append(process)
        return process

    def stop(self, process):
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self):
        for process in reversed(self.processes):
            self.stop(process)

    def load(self, port, *extra, cpu=LOAD_CPU):
        pin = ["--cpu", str(cpu)] if cpu is not None else []
        out = subprocess.run(
            [sys.executable, "-m", "bench.fanout", "load", "--port", str(port), *pin, *extra],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(out.stderr[-3000:])
        return json.loads(out.stdout.strip().splitlines()[-1])


def _bench_booth():
    from datetime import timedelta

    from django.utils import timezone

    from booths.models import Booth, Company, Sector
    from expo.models import ExpoEdition

    now = timezone.now()
    edition, _ = ExpoEdition.objects.get_or_create(
        slug="fanout-bench",
        defaults={
            "name": "Fan-out bench",
            "starts_at": now,
            "ends_at": now + timedelta(days=1),
            "is_current": False,
        },
    )
    sector, _ = Sector.objects.get_or_create(slug="fanout-bench", defaults={"name": "Fan-out"})
    company, _ = Company.objects.get_or_create(
        slug="fanout-ltd", defaults={"name": "Fan-out Ltd", "sector": sector}
    )
    booth, _ = Booth.objects.get_or_create(
        edition=edition, company=company, defaults={"status": Booth.Status.APPROVED}
    )
    return booth


RAW_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fanout_raw.json")


def measure(ctx, Result, clients=None, idle_target=None, seconds=None):
    """Lobby fan-out on one uvicorn process with channels_redis vs the bare ceiling; idle
    sockets per process and memory per socket. Returns rows; figures go into ctx.metrics.
    Smaller runs while developing: FANOUT_CLIENTS, FANOUT_SECONDS, FANOUT_IDLE; FANOUT_PARTS=fanout
    leaves out the idle sockets; FANOUT_WINDOW and FANOUT_BATCH change the saturation method."""
    clients = clients or int(os.environ.get("FANOUT_CLIENTS", 1000))
    idle_target = idle_target or int(os.environ.get("FANOUT_IDLE", 15000))
    seconds = seconds or float(os.environ.get("FANOUT_SECONDS", 5))
    parts = os.environ.get("FANOUT_PARTS", "fanout,idle").split(",")
    window = int(os.environ.get("FANOUT_WINDOW", SATURATION_WINDOW))
    batch = int(os.environ.get("FANOUT_BATCH", SATURATION_BATCH))
    from django.db import connection

    from tests.harness import _wait_for_port, find_redis, free_port

    booth = _bench_booth()
    db = connection.settings_dict
    redis_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stack = Stack(env, root)
    path, room = f"/ws/booth/{booth.pk}/", f"lobby.{booth.pk}"
    try:
        load_avg = os.getloadavg()
        # Redis of its own, on the server's core (the harness's one floats).
        redis_dir = os.path.join(root, ".bench-redis")
        os.makedirs(redis_dir, exist_ok=True)
        redis = stack.start(
            [
                find_redis(),
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                redis_dir,
            ],
            SERVER_CPU,
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(redis_port, "Redis")

        if "fanout" not in parts:
            idle = measure_idle(stack, path, idle_target)
            return [idle_row(ctx, Result, idle)]
        ceiling_port = free_port()
        ceiling_server = stack.start(
            [sys.executable, "-m", "bench.fanout", "ceiling", str(ceiling_port)], SERVER_CPU
        )
        _wait_for_port(ceiling_port, "ceiling server")
        common = (
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--window",
            str(window),
            "--batch",
            str(batch),
        )
        ceiling = stack.load(
            ceiling_port, "--mode", "ceiling", "--server-pid", str(ceiling_server.pid), *common
        )
        stack.stop(ceiling_server)

        app_port = free_port()
        server = stack.start(uvicorn_command(app_port), SERVER_CPU)
        _wait_for_port(app_port, "uvicorn")
        app = stack.load(
            app_port,
            "--mode",
            "app",
            "--path",
            path,
            "--room",
            room,
            "--overload",
            "2",
            "--server-pid",
            str(server.pid),
            "--redis-pid",
            str(redis.pid),
            *common,
        )
        stack.stop(server)

        two = measure_two_processes(stack, path, room, common, redis.pid)
        idle = measure_idle(stack, path, idle_target) if "idle" in parts else None
        load_avg_end = os.getloadavg()
    finally:
        stack.stop_all()
        shutil.rmtree(os.path.join(root, ".bench-redis"), ignore_errors=True)

    ctx.metrics.update({"fanout_saturation_window": window, "fanout_saturation_batch": batch})
    rows = report(ctx, Result, clients, ceiling, app, two, idle, load_avg, load_avg_end)
    rows.insert(-1 if idle is not None else len(rows), two_process_row(ctx, Result, app, two))
    return rows


def measure_two_processes(stack, path, room, common, redis_pid=0):
    """The same room's receivers split over two uvicorn processes on one Redis, one process per
    core (the load generator then shares the cores with them: this machine has two)."""
    from tests.harness import _wait_for_port, free_port

    ports = [free_port(), free_port()]
    servers = [stack.start(uvicorn_command(port), cpu) for cpu, port in enumerate(ports)]
    for port in ports:
        _wait_for_port(port, "uvicorn")
    try:
        return stack.load(
            ",".join(map(str, ports)),
            "--mode",
            "app",
            "--path",
            path,
            "--room",
            room,
            "--server-pid",
            ",".join(str(server.pid) for server in servers),
            "--redis-pid",
            str(redis_pid),
            *common,
            cpu=None,
        )
    finally:
        for server in servers:
            stack.stop(server)


def two_process_row(ctx, Result, one, two):
    single = one["saturation"]["deliveries_per_s"]
    double = two["saturation"]["deliveries_per_s"]
    ratio = double / single if single else 0.0
    cpu1, cpu2 = one["saturation"]["cpu"], two["saturation"]["cpu"]
    per_cpu1, per_cpu2 = cpu1["deliveries_per_server_cpu_s"], cpu2["deliveries_per_server_cpu_s"]
    cpu_ratio = per_cpu2 / per_cpu1 if per_cpu1 else 0.0
    ctx.metrics.update(
        {
            "fanout_two_process_deliveries_per_s": round(double),
            "fanout_two_process_ratio": round(ratio, 3),
            "fanout_two_process_lost_at_saturation": two["saturation"]["lost"],
            "fanout_two_process_p50_ms_at_50": round(two["rate"]["p50_ms"], 2),
            "fanout_two_process_p99_ms_at_50": round(two["rate"]["p99_ms"], 2),
            "fanout_two_process_lost_at_50": two["rate"]["lost"],
            # CPU-normalised: deliveries per CPU-second of the server processes, and the share
            # of one process's efficiency each of two keeps (1.0: they scale with the CPU given)
            "fanout_two_process_deliveries_per_server_cpu_s": per_cpu2,
            "fanout_two_process_cpu_efficiency": round(cpu_ratio, 3),
            "fanout_two_process_server_us_per_delivery": cpu2["server_us_per_delivery"],
            "fanout_two_process_generator_us_per_delivery": cpu2["generator_us_per_delivery"],
            "fanout_two_process_other_cpu_s": cpu2["other_cpu_s"],
        }
    )
    return Result(
        "lobby fan-out over two processes on one Redis vs one",
        [0.0],
        0,
        f"{double:,.0f}/s vs {single:,.0f}/s = {ratio:.2f}x (target >= 1.6), "
        f"lost {two['saturation']['lost']}; per server CPU-second {per_cpu2:,} vs {per_cpu1:,} "
        f"({cpu_ratio:.2f}); CPU per delivery: servers {cpu2['server_us_per_delivery']:.2f} us, "
        f"generator {cpu2['generator_us_per_delivery']:.2f} us; others used "
        f"{cpu2['other_cpu_s']:.1f} CPU-s in {cpu2['wall_s']:.1f} s; p50/p99 at 50 msg/s "
        f"{two['rate']['p50_ms']:.1f}/{two['rate']['p99_ms']:.1f} ms",
        ok=ratio >= 1.6 and two["saturation"]["lost"] == 0,
    )


def measure_idle(stack, path, target, warm=50, seconds=240):
    """Idle sockets on a fresh server process: RSS per socket after `warm` warm-up sockets."""
    from tests.harness import _wait_for_port, free_port

    port = free_port()
    server = stack.start(uvicorn_command(port), SERVER_CPU)
    _wait_for_port(port, "uvicorn")

    def idle(count):
        return stack.start(
            [
                sys.executable,
                "-m",
                "bench.fanout",
                "idle",
                "--port",
                str(port),
                "--cpu",
                str(LOAD_CPU),
                "--clients",
                str(count),
                "--path",
                path,
                "--seconds",
                str(seconds),
                "--concurrency",
                "50",
            ],
            LOAD_CPU,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    warm_up = idle(warm)
    json.loads(warm_up.stdout.readline())  # the first sockets load code and pools: not counted
    time.sleep(1)
    before = rss_kib(server.pid)
    holder = idle(target)
    held = json.loads(holder.stdout.readline() or '{"idle_sockets": 0}')
    time.sleep(3)
    after = rss_kib(server.pid)
    for process in (holder, warm_up):
        process.stdin.close()
    still = json.loads(holder.stdout.readline() or '{"still_open": 0}')["still_open"]
    for process in (holder, warm_up):
        stack.stop(process)
    stack.stop(server)
    opened = held["idle_sockets"]
    return {
        **held,
        "still_open_after_rss": still,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_socket": (after - before) / opened if opened else float("nan"),
    }


def report(ctx, Result, clients, ceiling, app, two, idle, load_avg, load_avg_end):
    sat, rate, over = app["saturation"], app["rate"], app.get("overload", {})
    csat, crate = ceiling["saturation"], ceiling["rate"]
    ratio = sat["deliveries_per_s"] / csat["deliveries_per_s"] if csat["deliveries_per_s"] else 0
    rss = over.get("rss_kib", {})
    server_rss = next(iter(rss.values()), {})
    server_over = over.get("server", {})
    drops = {
        f"fanout_{phase}_{key}": value
        for phase, data in (("saturation", sat), ("at_50", rate), ("overload", over))
        for key, value in data.get("server", {}).items()
        if key not in ("events", "deliveries")
    }
    ctx.metrics.update(
        {
            "fanout_clients": clients,
            "fanout_load_average_1m_before": round(load_avg[0], 2),
            "fanout_load_average_1m_after": round(load_avg_end[0], 2),
            "fanout_deliveries_per_s": round(sat["deliveries_per_s"]),
            "fanout_deliveries_per_server_cpu_s": sat["cpu"]["deliveries_per_server_cpu_s"],
            "fanout_server_us_per_delivery": sat["cpu"]["server_us_per_delivery"],
            "fanout_generator_us_per_delivery": sat["cpu"]["generator_us_per_delivery"],
            "fanout_other_cpu_s": sat["cpu"]["other_cpu_s"],
            "fanout_ceiling_deliveries_per_server_cpu_s": csat["cpu"][
                "deliveries_per_server_cpu_s"
            ],
            "fanout_ceiling_server_us_per_delivery": csat["cpu"]["server_us_per_delivery"],
            "fanout_ceiling_generator_us_per_delivery": csat["cpu"]["generator_us_per_delivery"],
            "fanout_ceiling_deliveries_per_s": round(csat["deliveries_per_s"]),
            "fanout_vs_ceiling": round(ratio, 3),
            "fanout_lost_at_saturation": sat["lost"],
            "fanout_ceiling_lost_at_saturation": csat["lost"],
            "fanout_lost_at_50": rate["lost"],
            "fanout_lost_at_50_gaps": rate["gaps"],
            "fanout_lost_at_50_not_arrived": rate["not_arrived"],
            "fanout_lost_at_50_closed_slow": rate["closed_slow"],
            "fanout_drain_s_at_50": rate["drain_s"],
            "fanout_p50_ms_at_50": round(rate["p50_ms"], 2),
            "fanout_p99_ms_at_50": round(rate["p99_ms"], 2),
            "fanout_ceiling_lost_at_50": crate["lost"],
            "fanout_ceiling_p50_ms_at_50": round(crate["p50_ms"], 2),
            "fanout_ceiling_p99_ms_at_50": round(crate["p99_ms"], 2),
            "fanout_overload_rate": round(over.get("rate", 0), 1),
            "fanout_overload_lost": over.get("lost", 0),
            "fanout_overload_counted_drops": sum(
                server_over.get(key, 0)
                for key in ("layer_lost_deliveries", "queue_dropped_deliveries", "slow_dropped")
            ),
            "fanout_overload_server_rss_start_kib": server_rss.get("start", 0),
            "fanout_overload_server_rss_peak_kib": server_rss.get("peak", 0),
            "fanout_overload_server_rss_end_kib": server_rss.get("end", 0),
            **drops,
        }
    )
    with open(RAW_FILE, "w") as out:  # every count of every phase, next to results.json
        json.dump({"ceiling": ceiling, "app": app, "two": two, "idle": idle}, out, indent=2)
    load_note = f"load avg {load_avg[0]:.2f} -> {load_avg_end[0]:.2f}"
    lost_sat = sat["lost"]
    rows = [
        Result(
            f"lobby fan-out, {clients} sockets: deliveries/s at saturation",
            [0.0],
            0,
            f"{sat['deliveries_per_s']:,.0f}/s vs ceiling {csat['deliveries_per_s']:,.0f}/s "
            f"= {ratio:.2f} (target >= 0.50), lost {lost_sat}; CPU per delivery: server "
            f"{sat['cpu']['server_us_per_delivery']:.2f} us (ceiling "
            f"{csat['cpu']['server_us_per_delivery']:.2f}), generator "
            f"{sat['cpu']['generator_us_per_delivery']:.2f} us; {load_note}",
            ok=ratio >= 0.5 and lost_sat == 0,
        ),
        Result(
            f"lobby fan-out, {clients} sockets: latency at 50 msg/s",
            [rate["p99_ms"]],
            20,
            f"p50 {rate['p50_ms']:.1f} ms, p99 {rate['p99_ms']:.1f} ms "
            f"(ceiling p50 {crate['p50_ms']:.1f}, p99 {crate['p99_ms']:.1f} ms)",
        ),
        Result(
            f"lobby fan-out, {clients} sockets: lost at 50 msg/s",
            [0.0],
            0,
            f"{rate['lost']} of {rate['expected']:,} (gaps {rate['gaps']}, not arrived "
            f"{rate['not_arrived']}, closed as slow {rate['closed_slow']}); drained in "
            f"{rate['drain_s'] * 1000:.0f} ms",
            ok=rate["lost"] == 0,
        ),
    ]
    if over:
        counted = ctx.metrics["fanout_overload_counted_drops"]
        uncounted = over["lost"] - counted - over["not_arrived"]
        grew = server_rss.get("peak", 0) - server_rss.get("start", 0)
        rows.append(
            Result(
                f"lobby fan-out at 2x sustainable ({over['rate']:.0f} msg/s)",
                [0.0],
                0,
                f"lost {over['lost']:,} of {over['expected']:,}: counted by the server "
                f"{counted:,} (layer {server_over.get('layer_lost_deliveries', 0)}, hub queue "
                f"{server_over.get('queue_dropped_deliveries', 0)}, slow sockets "
                f"{server_over.get('slow_dropped', 0)}), not arrived {over['not_arrived']}; "
                f"server RSS +{grew / 1024:.1f} MiB at peak",
                ok=uncounted <= 0 and grew < 256 * 1024,
            )
        )
    if idle is not None:
        rows.append(idle_row(ctx, Result, idle))
    return rows


def idle_row(ctx, Result, idle):
    ctx.metrics.update(
        {
            "idle_sockets": idle["idle_sockets"],
            "idle_sockets_per_process": idle["idle_sockets"],
            "idle_connects_per_s": idle["connects_per_s"],
            "idle_socket_kib": round(idle["kib_per_socket"], 1),
        }
    )
    return Result(
        "idle lobby sockets on one process",
        [0.0],
        0,
        f"{idle['idle_sockets']:,} sockets (target >= 15,000) at "
        f"{idle['kib_per_socket']:.1f} KiB each (target <= 35), "
        f"{idle['connects_per_s']:,.0f} connects/s",
        ok=idle["idle_sockets"] >= 15000 and idle["kib_per_socket"] <= 35,
    )
