"""A minimal raw websocket load generator: many receivers in one asyncio process.

The `websockets` client library saturates its own core near 75,000 messages/s (docs/performance.md),
which would hide any server faster than that. These receivers do the HTTP upgrade by hand and parse
only the headers of the (unmasked) server frames; they answer pings (uvicorn and `websockets` close
a socket that does not) and record close codes.

Each benchmark event's text starts with its send time and number at fixed offsets
('{"t":<17 chars>,"n":<9 chars>,...'), so a receiver reads both without parsing JSON; every
receiver tracks the numbers it got, so a phase's missing deliveries can be told apart: gaps in
the middle of a socket's stream (dropped on the way), a missing tail (not yet arrived when the
phase stopped waiting), or a closed socket (closed as too slow with 4409, or otherwise).
"""

import asyncio
import base64
import os
import resource
import time

CLOSE_TOO_SLOW = 4409
PAD = "x" * 40


def event_text(n, t):
    # '{"t":<17 chars>,"n":<9 chars>,...}' -> t at [5:22], n at [27:36]
    return f'{{"t":{t:17.6f},"n":{n:9d},"type":"message","pad":"{PAD}"}}'


def raise_open_file_limit():
    """Soft limit of open files up to the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


class Phase:
    """Events first..last (inclusive) of one phase of a run, and what became of them."""

    def __init__(self, name, first):
        self.name, self.first, self.last = name, first, first - 1
        self.recording = False
        self.latencies = []  # seconds, when recording
        self.delivered = 0
        self.last_delivery_at = 0.0


class Room:
    """Shared state of all receivers of one run."""

    def __init__(self):
        self.receivers = []
        self.phase = None
        self.counts = {}  # event number -> deliveries (for completion at saturation)
        self.on_complete = None  # called with n once every open receiver has event n
        self.open = 0
        self.total = 0

    def start_phase(self, name, first):
        self.phase = Phase(name, first)
        for receiver in self.receivers:
            receiver.phase_start(first)
        return self.phase


class Receiver(asyncio.Protocol):
    __slots__ = (
        "room",
        "request",
        "ready",
        "buffer",
        "handshaken",
        "transport",
        "last",
        "gap_missing",
        "first",
        "close_code",
        "lost",
    )

    def __init__(self, room, host, path, ready, offer_deflate=False):
        self.room, self.ready = room, ready
        key = base64.b64encode(os.urandom(16)).decode()
        extensions = (
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            if offer_deflate
            else ""
        )
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{extensions}Origin: http://localhost\r\n\r\n"
        ).encode()
        self.buffer = b""
        self.handshaken = False
        self.transport = None
        self.first = self.last = 0
        self.gap_missing = 0
        self.close_code = None
        self.lost = False

    def phase_start(self, first):
        self.first, self.last, self.gap_missing = first, first - 1, 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if self.handshaken and not self.lost:
            self.room.open -= 1
        self.lost = True
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed before the handshake"))

    def _pong(self, payload):
        # Client frames are masked; a zero mask leaves the payload as it is.
        self.transport.write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)

    def data_received(self, data):
        buffer = self.buffer + data if self.buffer else data
        if not self.handshaken:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if b" 101 " not in buffer[:16]:
                self.transport.close()
                if not self.ready.done():
                    self.ready.set_exception(ConnectionError(buffer[:60].decode("latin-1")))
                return
            self.handshaken = True
            self.room.open += 1
            buffer = buffer[end + 4 :]
            if not self.ready.done():
                self.ready.set_result(True)
        now = time.time()
        room = self.room
        phase = room.phase
        counts = room.counts
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
            end = pos + head + length
            if end > size:
                break
            opcode = buffer[pos] & 0x0F
            start = pos + head
            pos = end
            if opcode == 1:
                if buffer[start : start + 5] != b'{"t":':
                    continue  # hello, summaries...
                n = int(buffer[start + 27 : start + 36])
                room.total += 1
                if phase is not None and n >= phase.first:
                    if n > self.last + 1:
                        self.gap_missing += n - self.last - 1
                    if n > self.last:
                        self.last = n
                    phase.delivered += 1
                    phase.last_delivery_at = now
                    if phase.recording:
                        phase.latencies.append(now - float(buffer[start + 5 : start + 22]))
                count = counts.get(n, 0) + 1
                counts[n] = count
                if count >= room.open and room.on_complete is not None:
                    room.on_complete(n)
            elif opcode == 9:
                self._pong(buffer[start:end])
            elif opcode == 8:
                if length >= 2:
                    self.close_code = int.from_bytes(buffer[start : start + 2], "big")
                self.transport.close()
        self.buffer = buffer[pos:] if pos < size else b""


async def open_receivers(room, port, path, count, concurrency=100, offer_deflate=False):
    """Open `count` receivers with at most `concurrency` handshakes in flight; returns the
    number opened (failures are counted, not raised)."""
    loop = asyncio.get_running_loop()
    semaphore = asyncio.Semaphore(concurrency)
    host = f"127.0.0.1:{port}"
    failed = 0

    async def one():
        nonlocal failed
        async with semaphore:
            ready = loop.create_future()
            receiver = Receiver(room, host, path, ready, offer_deflate)
            try:
                await loop.create_connection(lambda: receiver, "127.0.0.1", port)
                await asyncio.wait_for(ready, 60)
            except (OSError, TimeoutError, ConnectionError):
                failed += 1
                if receiver.transport is not None:
                    receiver.transport.close()
                return
            room.receivers.append(receiver)

    await asyncio.gather(*(one() for _ in range(count)))
    return count - failed


def classify(room, phase):
    """What became of the deliveries of one phase, per receiver (see the module docstring)."""
    sent = phase.last - phase.first + 1
    result = {
        "events": sent,
        "expected": 0,
        "delivered": phase.delivered,
        "gaps": 0,  # missing in the middle of an open socket's stream: dropped on the way
        "not_arrived": 0,  # missing tail of an open socket: still on the way at the deadline
        "closed_slow": 0,  # missing on sockets closed with 4409
        "closed_other": 0,  # missing on sockets closed otherwise
        "sockets_closed_slow": 0,
        "sockets_closed_other": 0,
    }
    if sent <= 0:
        return result
    for receiver in room.receivers:
        result["expected"] += sent
        got_until = min(receiver.last, phase.last)
        missing_tail = phase.last - got_until
        missing = receiver.gap_missing + missing_tail
        if receiver.lost or receiver.close_code is not None:
            if receiver.close_code == CLOSE_TOO_SLOW:
                result["closed_slow"] += missing
                result["sockets_closed_slow"] += missing > 0
            else:
                result["closed_other"] += missing
                result["sockets_closed_other"] += missing > 0
        else:
            result["gaps"] += receiver.gap_missing
            result["not_arrived"] += missing_tail
    result["lost"] = result["expected"] - result["delivered"]
    return result
