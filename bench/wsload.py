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

Cheap per delivery, so that the generator's CPU is small beside the servers' (bench.fanout): a
read that holds nothing but whole benchmark frames in order (the common case at saturation,
where Room.wake_every lets 8 of them gather in the socket) is checked with two sliced compares
and two number parses, whatever its length; completion (every open receiver has event n) is
tracked in O(1) per read instead of a count per event and frame.
"""

import asyncio
import base64
import os
import resource
import socket
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


FRAME = len(event_text(0, 0.0)) + 2  # every benchmark event's frame: 2-byte header + text
_HEADS = bytes((0x81,)) * 256  # first bytes of up to 256 frames in a row (FIN, text)
_SIZES = bytes((FRAME - 2,)) * 256  # their second bytes (unmasked, the payload's length)


class Room:
    """Shared state of all receivers of one run.

    Completion (an event every open receiver has) is tracked in O(1) per read, not per frame:
    `tops` counts receivers by the highest event number each has (receivers get a room's events
    in order), `reached` is the number of open receivers at or past `next`, the first event not
    yet complete."""

    def __init__(self):
        self.receivers = []
        self.phase = None
        self.on_complete = None  # called with n once every open receiver has event n
        self.open = 0
        self.total = 0
        self.tops = {}  # highest event number -> open receivers that have it as their top
        self.next = 1
        self.reached = 0

    def raised(self, old, new):
        """An open receiver's top moved from old to new (new > old)."""
        tops = self.tops
        if old >= self.next:  # those below `next` were dropped as it passed them
            tops[old] -= 1
        tops[new] = tops.get(new, 0) + 1
        if old < self.next <= new:
            self.reached += 1
            if self.reached >= self.open:
                self._advance()

    def joined(self):
        self.open += 1

    def left(self, top):
        self.open -= 1
        if top >= self.next:
            self.tops[top] -= 1
            self.reached -= 1
        if self.open and self.reached >= self.open:
            self._advance()

    def _advance(self):
        tops = self.tops
        while self.open and self.reached >= self.open:
            n = self.next
            self.reached -= tops.pop(n, 0)  # those whose top is n are not past n
            self.next = n + 1
            if self.on_complete is not None:
                self.on_complete(n)

    def wake_every(self, frames):
        """Wake a receiver only once `frames` benchmark events wait in its socket (SO_RCVLOWAT:
        the kernel holds the wake-up); 1 is the default, wake on every byte."""
        low_water = 1 if frames <= 1 else frames * FRAME
        for receiver in self.receivers:
            if not receiver.lost:
                sock = receiver.transport.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, low_water)

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
        "top",
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
        self.top = 0  # the highest event number received (never reset: for completion)

    def phase_start(self, first):
        self.first, self.last, self.gap_missing = first, first - 1, 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if self.handshaken and not self.lost:
            self.room.left(self.top)
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
            self.room.joined()
            buffer = buffer[end + 4 :]
            if not self.ready.done():
                self.ready.set_result(True)
        now = time.time()
        room = self.room
        phase = room.phase
        size = len(buffer)
        count = size // FRAME
        if (  # the common case at saturation: whole benchmark events, in order, nothing else
            count
            and count * FRAME == size
            and phase is not None
            and not phase.recording
            and buffer[::FRAME] == _HEADS[:count]
            and buffer[1::FRAME] == _SIZES[:count]
        ):
            first = int(buffer[29:38])
            last = int(buffer[size - FRAME + 29 : size - FRAME + 38]) if count > 1 else first
            if last - first == count - 1 and first >= phase.first and first > self.top:
                if first > self.last + 1:
                    self.gap_missing += first - self.last - 1
                self.last = last
                phase.delivered += count
                phase.last_delivery_at = now
                room.total += count
                if not self.lost:
                    top, self.top = self.top, last
                    room.raised(top, last)
                self.buffer = b""
                return
        pos = 0
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
                if n > self.top and not self.lost:
                    top, self.top = self.top, n
                    room.raised(top, n)
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
