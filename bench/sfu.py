"""Attendees per media server: one Janus process pinned to one core, one publisher, N
subscribers pulling its stream; the largest N with under 1% packet loss, and Janus's CPU per
subscriber.

    python -m bench.sfu load --janus URL --admin URL --secret S [--steps 10,25,...]

measure() (called by bench.run) starts a Janus of its own with deploy/janus/start.sh, pinned to
core 0 (sched_setaffinity, inherited by exec), ICE on the harness's TUN interface (run it
through tests.harness as root: inside the loopback-only network namespace), and the load
generator pinned to core 1. The generator is one asyncio process of aiortc peers (PyPI):

- the publisher sends a synthetic 640x360 picture in VP8 at 30 frames/s (a moving pattern, so
  the encoder produces real bits; aiortc's default target of about 500 kbit/s) and Opus audio;
- each subscriber is a Janus VideoRoom subscriber handle on one shared Janus session with its
  own PeerConnection (ICE, DTLS, SRTP, RTCP and NACKs as a browser would), but it does not
  decode: the packets are counted by aiortc's receiver (RTP sequence numbers: received and
  lost) and the frames dropped, so that the generator's core is spent on receiving.

Steps add subscribers (10, 25, 50, 100, ...). After each step settles, a 10 s window measures
every subscriber's packets received and lost (both directions of loss: Janus that cannot keep
up, or a generator that cannot) and Janus's CPU time (/proc/<pid>/stat). A step passes with less
than 1% loss; the ramp stops at the first failing step, when Janus's core is saturated, or when
the generator's own core is (then the figure is a lower bound, said so in the note).
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = (10, 25, 50, 100, 150, 200, 300, 400, 500, 650, 800)
WINDOW_S = 10.0
SETTLE_S = 3.0
MAX_LOSS = 0.01
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- Janus's HTTP API ------------------------------------------------------------------------
def _post(url, body, timeout=10):
    body = {**body, "transaction": secrets.token_hex(6)}
    request = urllib.request.Request(  # noqa: S310 (loopback inside the namespace)
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        answer = json.loads(response.read())
    if answer.get("janus") == "error":
        raise RuntimeError(answer["error"])
    return answer


def _get(url, timeout=35):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


class JanusSession:
    """One Janus API session with many handles; events come from one long poll."""

    def __init__(self, url, token):
        self.url, self.token = url, token
        self.waiters = {}  # handle id -> future of its next event with a jsep
        self.session = None

    async def call(self, path, body):
        return await asyncio.to_thread(_post, self.url + path, {**body, "token": self.token})

    async def open(self):
        self.session = (await self.call("", {"janus": "create"}))["data"]["id"]
        self.poller = asyncio.ensure_future(self._poll())
        self.keeper = asyncio.ensure_future(self._keepalive())

    async def _poll(self):
        url = f"{self.url}/{self.session}?maxev=50&token={self.token}"
        while True:
            try:
                events = await asyncio.to_thread(_get, url)
            except OSError:
                continue
            for event in events if isinstance(events, list) else [events]:
                waiter = self.waiters.pop(event.get("sender"), None)
                if waiter is not None and not waiter.done() and "jsep" in event:
                    waiter.set_result(event)
                elif waiter is not None:
                    self.waiters[event.get("sender")] = waiter  # not the one awaited yet

    async def _keepalive(self):
        while True:
            await asyncio.sleep(20)
            await self.call(f"/{self.session}", {"janus": "keepalive"})

    async def attach(self):
        answer = await self.call(
            f"/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}
        )
        return answer["data"]["id"]

    async def message(self, handle, body, jsep=None, expect_jsep=False):
        waiter = None
        if expect_jsep:
            waiter = self.waiters[handle] = asyncio.get_running_loop().create_future()
        message = {"janus": "message", "body": body}
        if jsep:
            message["jsep"] = jsep
        await self.call(f"/{self.session}/{handle}", message)
        if waiter is not None:
            return await asyncio.wait_for(waiter, 30)
        return None


# --- The peers ---------------------------------------------------------------------------------
def _synthetic_tracks():
    from aiortc import AudioStreamTrack, VideoStreamTrack
    from av import VideoFrame

    width, height, frames = 640, 360, 60
    base = bytes(i % 256 for i in range(width + 512))

    def plane(line_size, rows, cols, shift):
        pad = bytes(line_size - cols)
        return b"".join(
            base[(row + shift) % 256 : (row + shift) % 256 + cols] + pad for row in range(rows)
        )

    def picture(number):
        frame = VideoFrame(width=width, height=height, format="yuv420p")
        for index, (rows, cols) in enumerate(
            [(height, width), (height // 2, width // 2), (height // 2, width // 2)]
        ):
            target = frame.planes[index]
            target.update(plane(target.line_size, rows, cols, 7 * number + 50 * index))
        return frame

    pictures = [picture(number) for number in range(frames)]

    class Pattern(VideoStreamTrack):
        """A moving pattern at 640x360: real work for the encoder, cheap to draw."""

        count = 0

        async def recv(self):
            pts, time_base = await self.next_timestamp()
            self.count += 1
            frame = pictures[self.count % frames]
            frame.pts, frame.time_base = pts, time_base
            return frame

    return Pattern(), AudioStreamTrack()


def _count_only():
    """Subscribers count packets but never decode (the generator's core is for receiving)."""
    import aiortc.rtcrtpreceiver as receiver

    def drain(loop, input_q, output_q, decode_error):
        while input_q.get() is not None:
            pass

    receiver.decoder_worker = drain


async def publish(janus, room, feed):
    from aiortc import RTCPeerConnection, RTCSessionDescription

    pc = RTCPeerConnection()
    video, audio = _synthetic_tracks()
    pc.addTrack(audio)
    pc.addTrack(video)
    handle = await janus.attach()
    await janus.message(handle, {"request": "join", "ptype": "publisher", "room": room, "id": feed})
    await pc.setLocalDescription(await pc.createOffer())
    offer = {"type": "offer", "sdp": pc.localDescription.sdp}
    event = await janus.message(
        handle, {"request": "configure", "audio": True, "video": True}, offer, expect_jsep=True
    )
    await pc.setRemoteDescription(RTCSessionDescription(**event["jsep"]))
    return pc


async def subscribe(janus, room, feed):
    from aiortc import RTCPeerConnection, RTCSessionDescription

    pc = RTCPeerConnection()
    handle = await janus.attach()
    event = await janus.message(
        handle,
        {"request": "join", "ptype": "subscriber", "room": room, "streams": [{"feed": feed}]},
        expect_jsep=True,
    )
    await pc.setRemoteDescription(RTCSessionDescription(**event["jsep"]))
    await pc.setLocalDescription(await pc.createAnswer())
    answer = {"type": "answer", "sdp": pc.localDescription.sdp}
    await janus.message(handle, {"request": "start", "room": room}, answer)
    return pc


async def counts(pcs):
    """(packets received, packets lost, bytes) of every subscriber, per subscriber."""
    result = []
    for pc in pcs:
        received = lost = 0
        for receiver in pc.getReceivers():
            for stats in (await receiver.getStats()).values():
                if stats.type == "inbound-rtp":
                    received += stats.packetsReceived
                    lost += stats.packetsLost
        result.append((received, lost))
    return result


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


async def run_load(args):
    _count_only()
    janus_pid = args.janus_pid
    token = secrets.token_urlsafe(24)
    _post(
        args.admin,
        {
            "janus": "add_token",
            "token": token,
            "admin_secret": args.secret,
            "plugins": ["janus.plugin.videoroom"],
        },
    )
    room = secrets.randbelow(2**40) + 1
    _post(
        args.admin,
        {
            "janus": "message_plugin",
            "admin_secret": args.secret,
            "plugin": "janus.plugin.videoroom",
            "request": {
                "request": "create",
                "admin_key": args.secret,
                "room": room,
                "publishers": 1,
                "videocodec": "vp8",
                "audiocodec": "opus",
                "bitrate": 1_200_000,
            },
        },
    )
    janus = JanusSession(args.janus, token)
    await janus.open()
    feed = 1
    publisher = await publish(janus, room, feed)
    await asyncio.sleep(SETTLE_S)  # the publisher's first keyframe and layers
    steps, subscribers = [], []
    for target in args.steps:
        started = time.monotonic()
        while len(subscribers) < target:
            batch = min(10, target - len(subscribers))
            subscribers += await asyncio.gather(
                *(subscribe(janus, room, feed) for _ in range(batch))
            )
        setup_s = time.monotonic() - started
        await asyncio.sleep(SETTLE_S)
        before, cpu_before, own_before = (
            await counts(subscribers),
            cpu_seconds(janus_pid),
            (time.process_time()),
        )
        began = time.monotonic()
        await asyncio.sleep(WINDOW_S)
        after, cpu_after, own_after = (
            await counts(subscribers),
            cpu_seconds(janus_pid),
            (time.process_time()),
        )
        window = time.monotonic() - began
        received = [a[0] - b[0] for a, b in zip(after, before, strict=True)]
        lost = [a[1] - b[1] for a, b in zip(after, before, strict=True)]
        expected_each = max(received) if received else 0
        # A subscriber that got nothing lost everything it should have got.
        lost_total = sum(lost) + sum(expected_each for r in received if r == 0)
        total = sum(received) + lost_total
        loss = lost_total / total if total else 1.0
        janus_cpu = (cpu_after - cpu_before) / window
        own_cpu = (own_after - own_before) / window
        step = {
            "subscribers": target,
            "loss": round(loss, 5),
            "janus_cpu_core": round(janus_cpu, 3),
            "janus_cpu_ms_per_subscriber_s": round(1000 * janus_cpu / target, 3),
            "generator_cpu_core": round(own_cpu, 3),
            "packets_per_subscriber_s": round(sum(received) / target / window, 1),
            "setup_s": round(setup_s, 1),
            "silent_subscribers": sum(1 for r in received if r == 0),
        }
        steps.append(step)
        print(json.dumps(step), file=sys.stderr, flush=True)
        if loss >= MAX_LOSS or janus_cpu >= 0.95 or own_cpu >= 0.9:
            break
    await asyncio.gather(*(pc.close() for pc in subscribers), publisher.close())
    return steps


def summarise(steps):
    passing = [s for s in steps if s["loss"] < MAX_LOSS]
    best = passing[-1] if passing else None
    last = steps[-1] if steps else None
    bound = "none"
    if last is not None:
        if last["loss"] >= MAX_LOSS:
            bound = "loss"
        elif last["janus_cpu_core"] >= 0.95:
            bound = "janus_cpu"
        elif last["generator_cpu_core"] >= 0.9:
            bound = "generator_cpu"
        else:
            bound = "steps"
    return best, bound


# --- Called by bench.run ----------------------------------------------------------------------
def measure(ctx, Result):
    import socket

    from tests.harness import TUN_NAME, free_port, janus_request

    if TUN_NAME not in {name for _index, name in socket.if_nameindex()}:
        return [
            Result(
                "sfu subscribers per Janus core",
                [0.0],
                0,
                note="ERROR: run through tests.harness as root (loopback namespace with tun0)",
                ok=False,
            )
        ]
    secret = secrets.token_urlsafe(24)
    http_port, admin_port = free_port(), free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-sfu-"))
    env = {
        **os.environ,
        "JANUS_ADMIN_SECRET": secret,
        "JANUS_HTTP_PORT": str(http_port),
        "JANUS_ADMIN_PORT": str(admin_port),
        "JANUS_BIND_IP": "127.0.0.1",
        "JANUS_RTP_PORTS": "30000-39999",
        "JANUS_ICE_INTERFACES": TUN_NAME,
        "JANUS_CONFIG_DIR": str(workdir / "conf"),
        "JANUS_DEBUG_LEVEL": "2",
        "JANUS_SESSION_TIMEOUT": "120",
    }
    log = open(workdir / "log", "wb")  # noqa: SIM115 (closed below)
    janus = subprocess.Popen(
        ["sh", str(ROOT / "deploy" / "janus" / "start.sh")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: os.sched_setaffinity(0, {0}),  # noqa: PLW1509 (no threads yet)
    )
    admin = f"http://127.0.0.1:{admin_port}/admin"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ping = {"janus": "ping", "transaction": "b", "admin_secret": secret}
                if janus_request(admin, ping, 1).get("janus") == "pong":
                    break
            except OSError:
                if time.monotonic() > deadline or janus.poll() is not None:
                    raise RuntimeError("the benchmark's Janus did not start") from None
                time.sleep(0.1)
        generator = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.sfu",
                "load",
                "--janus",
                f"http://127.0.0.1:{http_port}/janus",
                "--admin",
                admin,
                "--secret",
                secret,
                "--janus-pid",
                str(janus.pid),
                "--steps",
                os.environ.get("BENCH_SFU_STEPS", ",".join(map(str, STEPS))),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
            preexec_fn=lambda: os.sched_setaffinity(0, {1}),  # noqa: PLW1509
        )
        if generator.returncode:
            raise RuntimeError(generator.stderr[-2000:])
        steps = json.loads(generator.stdout)
    except Exception as error:  # noqa: BLE001 - reported in the table
        return [
            Result("sfu subscribers per Janus core", [0.0], 0, note=f"ERROR: {error}", ok=False)
        ]
    finally:
        janus.terminate()
        try:
            janus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            janus.kill()
        log.close()
    (ROOT / "bench" / "sfu_raw.json").write_text(json.dumps(steps, indent=2))
    best, bound = summarise(steps)
    if best is None:
        return [Result("sfu subscribers per Janus core", [0.0], 0, note="ERROR: no step passed")]
    per_sub = best["janus_cpu_ms_per_subscriber_s"]
    ctx.metrics["sfu_subscribers_max"] = best["subscribers"]
    ctx.metrics["sfu_cpu_ms_per_subscriber_s"] = per_sub
    # What one core would carry at 80% busy, from the measured cost per subscriber: the figure
    # to plan with when the ramp stopped before Janus's core was full (the generator's was).
    ctx.metrics["sfu_subscribers_per_core_at_80pct"] = int(800 / per_sub) if per_sub else 0
    ctx.metrics["sfu_packets_per_subscriber_s"] = best["packets_per_subscriber_s"]
    ctx.metrics["sfu_limited_by"] = bound
    note = (
        f"{best['subscribers']} subscribers, loss {100 * best['loss']:.2f}%, Janus "
        f"{100 * best['janus_cpu_core']:.0f}% of a core = {per_sub:.2f} ms CPU per subscriber-s; "
        f"ramp stopped by {bound}"
    )
    return [
        Result(
            "sfu subscribers per Janus core (loss < 1%)",
            [float(best["subscribers"])],
            0,
            note=note,
            ok=True,
        )
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load")
    load.add_argument("--janus", required=True)
    load.add_argument("--admin", required=True)
    load.add_argument("--secret", required=True)
    load.add_argument("--janus-pid", type=int, required=True)
    load.add_argument("--steps", type=lambda v: [int(x) for x in v.split(",")], default=STEPS)
    args = parser.parse_args(argv)
    steps = asyncio.run(run_load(args))
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
