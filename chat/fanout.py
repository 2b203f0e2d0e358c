"""Per-process fan-out: one channel-layer subscription per room per server process.

Stock Channels puts every socket in the group, so one event to a room of N sockets costs N
channel-layer messages and N consumer wake-ups, each behind a hop through asgiref's sync thread
(aclose_old_connections). Here each process keeps a registry room -> local sockets and joins the
channel-layer group of a room once, with a single hub channel. An event published to a room
arrives once per process and is written straight to each local socket's ASGI send: no thread
hop, no per-socket task (PERF.md).

Events are pre-serialised JSON text (serialised once by the publisher). Control events
({"kind": "revoke"} ...) go to each member's async fanout_control() instead.

The layer promises at most once delivery: every event that matters is in the database with a
gapless per-room id, and clients replay what they missed (see chat.models). Nothing is dropped
silently, though (Hub.stats, collected from every process with collect_stats()):

- layer_lost: every published event carries (publisher process, per-room sequence number); a
  hub that sees a gap counts the events the channel layer (or Redis) lost on the way.
- queue_dropped: the hub reads the layer as fast as it arrives into its own queue of at most
  CHAT_HUB_BACKLOG events and drops the oldest beyond that (bounded memory under overload, where
  Redis would otherwise buffer up to its pub/sub output limit and then cut the connection).
- slow_sockets_closed / slow_dropped: a socket whose backlog reaches CHAT_SOCKET_BACKLOG is
  closed with 4409 (chat.consumers) and its undelivered events counted.
- write_failed, publish_failed: a write to a vanished client, a failed publish.
"""

import asyncio
import collections
import logging
import os
import secrets
import weakref

from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

EVENT_TYPE = "chat.fanout"
STATS_GROUP = "chat.fanout.stats"  # every hub joins it: collect_stats() asks them all
STATS_REPLY_TYPE = "chat.fanout.stats"

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()

# Publisher side: (process token, per-room sequence number) on every published event.
_SEQ_ROOMS_MAX = 50_000
_source = secrets.token_hex(6)
_seqs: dict[str, int] = {}
publisher_stats = {"published": 0, "publish_failed": 0}


def _next_seq(room):
    global _source
    if len(_seqs) >= _SEQ_ROOMS_MAX:  # bounded: start afresh under a new source token
        _seqs.clear()
        _source = secrets.token_hex(6)
    seq = _seqs[room] = _seqs.get(room, 0) + 1
    return _source, seq


def _new_stats():
    return {
        "received": 0,  # text events taken from the layer
        "events": 0,  # text events dispatched
        "deliveries": 0,  # writes handed to local sockets
        "layer_lost": 0,  # gaps in publisher sequence numbers (events)
        "layer_lost_deliveries": 0,  # the same times the local sockets of the room
        "queue_dropped": 0,  # dropped from the hub's own queue (overload; events)
        "queue_dropped_deliveries": 0,
        "queue_peak": 0,
        "slow_sockets_closed": 0,
        "slow_dropped": 0,  # events not delivered to sockets closed as too slow
        "write_failed": 0,  # the client vanished under a write
    }


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel = None
        self.rooms: dict[str, dict] = {}  # room -> {member: wants_text}
        self.subscriptions: dict[str, asyncio.Future] = {}
        self._opened = None
        self._task = None
        self._dispatcher = None
        self.pending: collections.deque = collections.deque()
        self._wakeup = asyncio.Event()
        self._seen: dict[str, dict[str, int]] = {}  # room -> {source: last sequence number}
        self.backlog_limit = getattr(settings, "CHAT_HUB_BACKLOG", 500)
        self.stats = _new_stats()

    async def _ensure_open(self):
        if self._opened is None:
            self._opened = asyncio.ensure_future(self._open())
        await asyncio.shield(self._opened)

    async def _open(self):
        self.channel = await self.layer.new_channel("fanout.")
        self._task = asyncio.ensure_future(self._run())
        self._dispatcher = asyncio.ensure_future(self._dispatch_pending())
        try:
            await self.layer.group_add(STATS_GROUP, self.channel)
        except Exception:
            logger.exception("chat fan-out: joining the stats group failed")

    async def _run(self):
        """Read the layer as fast as it delivers; text events wait in self.pending (bounded)."""
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("chat fan-out: receiving from the channel layer failed")
                await asyncio.sleep(0.5)
                continue
            try:
                self.accept(message)
            except Exception:
                logger.exception("chat fan-out: dispatch failed")

    def accept(self, message):
        room = message.get("room")
        if room == STATS_GROUP:
            reply = (message.get("control") or {}).get("reply")
            if reply:
                asyncio.ensure_future(self._reply_stats(reply))
            return
        if message.get("control") is not None:
            self.dispatch(message)  # controls skip the queue: never dropped, rarely many
            return
        self.stats["received"] += 1
        self._check_sequence(room, message)
        pending = self.pending
        pending.append(message)
        if len(pending) > self.backlog_limit:
            dropped = pending.popleft()
            self.stats["queue_dropped"] += 1
            self.stats["queue_dropped_deliveries"] += len(self.rooms.get(dropped.get("room"), ()))
            if self.stats["queue_dropped"] in (1, 100, 10_000) or (
                self.stats["queue_dropped"] % 100_000 == 0
            ):
                logger.warning(
                    "chat fan-out: overloaded, %d events dropped so far (room %s)",
                    self.stats["queue_dropped"],
                    dropped.get("room"),
                )
        if len(pending) > self.stats["queue_peak"]:
            self.stats["queue_peak"] = len(pending)
        self._wakeup.set()

    def _check_sequence(self, room, message):
        source, seq = message.get("src"), message.get("sq")
        if source is None or seq is None or room not in self.rooms:
            return
        seen = self._seen.setdefault(room, {})
        last = seen.get(source)
        if last is not None and seq > last + 1:
            self.stats["layer_lost"] += seq - last - 1
            self.stats["layer_lost_deliveries"] += (seq - last - 1) * len(self.rooms[room])
            logger.warning("chat fan-out: the channel layer lost %d events", seq - last - 1)
        if last is None or seq > last:
            seen[source] = seq

    async def _dispatch_pending(self):
        pending = self.pending
        while True:
            if not pending:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            try:
                self.dispatch(pending.popleft())
            except Exception:
                logger.exception("chat fan-out: dispatch failed")
            await asyncio.sleep(0)  # let sockets and the layer reader run between events

    def dispatch(self, message):
        room = message.get("room")
        members = self.rooms.get(room)
        control = message.get("control")
        if control is None:
            self.stats["events"] += 1
        if not members:
            return
        if control is not None:
            for member in list(members):
                asyncio.ensure_future(member.fanout_control(room, control))
            return
        text, event_id = message["text"], message.get("id")
        delivered = 0
        for member, wants_text in list(members.items()):
            if wants_text:
                member.fanout_push(room, event_id, text)
                delivered += 1
        self.stats["deliveries"] += delivered

    def snapshot(self):
        return {
            **self.stats,
            **publisher_stats,
            "pid": os.getpid(),
            "queued": len(self.pending),
            "rooms": len(self.rooms),
            "sockets": sum(len(members) for members in self.rooms.values()),
        }

    async def _reply_stats(self, reply):
        try:
            await self.layer.send(reply, {"type": STATS_REPLY_TYPE, "stats": self.snapshot()})
        except Exception:
            logger.exception("chat fan-out: replying with stats failed")

    async def join(self, room: str, member, wants_text: bool = True) -> None:
        """Register a local socket; subscribes the process to the room on first use. Returns
        once the subscription is in place, so a replay from the database after this misses
        nothing."""
        await self._ensure_open()
        members = self.rooms.get(room)
        if members is None:
            members = self.rooms[room] = {}
            self.subscriptions[room] = asyncio.ensure_future(
                self.layer.group_add(room, self.channel)
            )
        members[member] = members.get(member, False) or wants_text
        await asyncio.shield(self.subscriptions[room])

    async def leave(self, room: str, member) -> None:
        members = self.rooms.get(room)
        if members is None or member not in members:
            return
        del members[member]
        if not members:
            del self.rooms[room]
            self.subscriptions.pop(room, None)
            self._seen.pop(room, None)  # a later subscription starts a fresh baseline
            try:
                await self.layer.group_discard(room, self.channel)
            except Exception:
                logger.exception("chat fan-out: leaving %s failed", room)

    def local_count(self, room: str) -> int:
        return len(self.rooms.get(room, ()))


def hub() -> Hub:
    """The hub of the running event loop (one per process in production; tests run a loop per
    test, and each gets its own)."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    current = _hubs.get(loop)
    if current is None or current.layer is not layer:
        current = _hubs[loop] = Hub(layer)
    return current


async def _group_send(room, message):
    try:
        await get_channel_layer().group_send(room, message)
    except Exception:
        publisher_stats["publish_failed"] += 1
        raise
    publisher_stats["published"] += 1


async def publish(room: str, text: str, event_id: int | None = None) -> None:
    """Send one pre-serialised event to every socket in the room, in every process."""
    source, seq = _next_seq(room)
    await _group_send(
        room,
        {"type": EVENT_TYPE, "room": room, "id": event_id, "text": text, "src": source, "sq": seq},
    )


async def publish_control(room: str, control: dict) -> None:
    await _group_send(room, {"type": EVENT_TYPE, "room": room, "control": control})


async def collect_stats(timeout: float = 1.0, expect: int | None = None) -> list[dict]:
    """Ask every server process's hub for its counters (Hub.snapshot) through the channel
    layer; returns the replies that arrive within `timeout` (or once `expect` have)."""
    layer = get_channel_layer()
    reply = await layer.new_channel("fanout-stats.")
    await layer.group_send(
        STATS_GROUP,
        {"type": EVENT_TYPE, "room": STATS_GROUP, "control": {"kind": "stats", "reply": reply}},
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    replies = []
    while expect is None or len(replies) < expect:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            message = await asyncio.wait_for(layer.receive(reply), remaining)
        except TimeoutError:
            break
        replies.append(message["stats"])
    return replies
