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
