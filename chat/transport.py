"""How an event reaches a socket: the half of a consumer that the fan-out hub talks to.

The hub calls fanout_push() for every event in a room the socket joined, with no thread hop
and no task: the text is written at once when the socket keeps up (the common case), queued
behind a write that had to wait, and when the queue passes CHAT_SOCKET_BACKLOG the socket is
closed with CLOSE_TOO_SLOW (it reconnects and replays from the database). Events that arrive
between joining and accepting wait in a small buffer so nothing is missed; events of a room
being replayed wait in _buffering[room] (see LiveConsumer.replay). Counters go to the hub's
stats. The consumers (chat/consumers.py) handle frames and rights; this module only writes.
"""

import asyncio
from collections import deque

from django.conf import settings

from . import fanout

CLOSE_TOO_SLOW = 4409  # the socket could not keep up: reconnect and replay from the database

try:  # uvicorn's default websockets implementation (production: docker-compose.yml)
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from websockets.protocol import OPEN
except ImportError:  # pragma: no cover - uvicorn or websockets without it: the ASGI send only
    WebSocketsSansIOProtocol = OPEN = None

_frame_of = [None, b""]  # [text, its frame]: the hub hands every socket the same str object


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented, uncompressed websocket text frame (RFC 6455 5.2), as a server
    sends it; built once per event and reused for every socket of the room."""
    if text is _frame_of[0]:
        return _frame_of[1]
    payload = text.encode()
    size = len(payload)
    if size < 126:
        head = bytes((0x81, size))
    elif size < 65536:
        head = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + size.to_bytes(8, "big")
    frame = head + payload
    _frame_of[0], _frame_of[1] = text, frame
    return frame


def direct_protocol(send):
    """The uvicorn protocol behind an ASGI send, when hub events may be written straight to
    its transport as ready frames: uvicorn's sansio implementation (the default), found by
    type and by the attributes the checks in HubSocket._write read. None otherwise (daphne
    under runserver, wsproto, the test communicator): then every event takes the ASGI send."""
    protocol = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is None or not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    needed = ("conn", "transport", "writable", "close_sent", "disconnected", "initial_response")
    if not all(hasattr(protocol, name) for name in needed):
        return None
    conn = protocol.conn
    if not all(hasattr(conn, name) for name in ("extensions", "writes", "state")):
        return None
    return protocol


class HubSocket:
    """Mixed into a Channels websocket consumer before AsyncJsonWebsocketConsumer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._buffering = {}
        self._backlog = None
        self._closed = False
        self._too_slow = False
        self._accepted = False
        self._early = []  # events that arrived between joining and accepting
        self._raw_send = None
        self._direct = None  # the uvicorn protocol, when frames may go straight to it

    def fanout_push(self, room, event_id, text):
        """Called by the hub for every event in a joined room: no thread hop, no task."""
        if self._closed:
            fanout.hub().stats["slow_dropped" if self._too_slow else "write_failed"] += 1
            return
        if not self._accepted:  # joined before accepting, so that nothing is missed
            if len(self._early) < settings.CHAT_SOCKET_BACKLOG:
                self._early.append((room, event_id, text))
            else:
                fanout.hub().stats["slow_dropped"] += 1
            return
        buffer = self._buffering.get(room)
        if buffer is not None and event_id is not None:
            buffer.append((event_id, text))
            return
        self._write(text)

    def _write(self, text):
        if self._backlog is not None:  # a previous write is waiting on a slow client
            if len(self._backlog) >= settings.CHAT_SOCKET_BACKLOG:
                self._closed = self._too_slow = True
                stats = fanout.hub().stats
                stats["slow_sockets_closed"] += 1
                stats["slow_dropped"] += len(self._backlog) + 1  # the backlog and this event
                self._backlog.clear()
                asyncio.ensure_future(self._close_slow())
            else:
                self._backlog.append(text)
            return
        send = self._raw_send or self._unwrap_send()
        direct = self._direct
        if direct is not None:
            conn = direct.conn
            if (
                conn.state is OPEN  # a close neither sent nor received
                and not conn.extensions  # no permessage-deflate: the frame is the same for all
                and not conn.writes  # nothing of the protocol's own waits to go out first
                and direct.writable.is_set()  # the transport takes more without waiting
                and not direct.close_sent
                and not direct.disconnected
                and direct.initial_response is None
            ):
                direct.transport.write(text_frame(text))
                return
        coro = send({"type": "websocket.send", "text": text})
        try:
            waiting_on = coro.send(None)
        except StopIteration:
            return  # written synchronously: the common case
        except Exception:
            self._closed = True  # the client is gone
            fanout.hub().stats["write_failed"] += 1
            return
        self._backlog = deque()
        asyncio.ensure_future(self._drain(coro, waiting_on))

    def _unwrap_send(self):
        """The server's own send, under Channels' session middleware wrapper: that wrapper
        inspects the lazy session on every message (several microseconds, per delivery) and
        acts only on HTTP responses, never on websocket.send."""
        send = self.base_send
        while hasattr(getattr(send, "__self__", None), "real_send"):
            send = send.__self__.real_send
        self._raw_send = send
        self._direct = direct_protocol(send)
        return send

    async def _drain(self, coro, waiting_on):
        """Finish a send that had to wait (slow client), then the backlog behind it."""
        try:
            while True:
                if waiting_on is not None:
                    waiting_on._asyncio_future_blocking = False
                    await asyncio.wait([waiting_on])
                else:
                    await asyncio.sleep(0)
                try:
                    waiting_on = coro.send(None)
                except StopIteration:
                    break
            send = self._raw_send or self._unwrap_send()
            while self._backlog:
                await send({"type": "websocket.send", "text": self._backlog.popleft()})
        except Exception:
            if not self._closed:
                self._closed = True
                fanout.hub().stats["write_failed"] += 1 + len(self._backlog or ())
        finally:
            self._backlog = None

    async def _close_slow(self):
        try:
            await self.base_send(
                {"type": "websocket.close", "code": CLOSE_TOO_SLOW, "reason": "Too slow."}
            )
        except Exception:  # noqa: S110 (the client may be gone already)
            pass

    def release_early(self):
        early, self._early = self._early, []
        if self._closed:  # refused: nothing goes out but the reason
            return
        for room, event_id, text in early:
            self.fanout_push(room, event_id, text)
