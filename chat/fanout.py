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
gapless per-room id, and clients replay what they missed (see chat.models).
"""

import asyncio
import logging
import weakref

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

EVENT_TYPE = "chat.fanout"

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel = None
        self.rooms: dict[str, dict] = {}  # room -> {member: wants_text}
        self.subscriptions: dict[str, asyncio.Future] = {}
        self._opened = None
        self._task = None
        self.stats = {"events": 0, "deliveries": 0, "slow_sockets_closed": 0}

    async def _ensure_open(self):
        if self._opened is None:
            self._opened = asyncio.ensure_future(self._open())
        await asyncio.shield(self._opened)

    async def _open(self):
        self.channel = await self.layer.new_channel("fanout.")
        self._task = asyncio.ensure_future(self._run())

    async def _run(self):
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
                self.dispatch(message)
            except Exception:
                logger.exception("chat fan-out: dispatch failed")

    def dispatch(self, message):
        room = message.get("room")
        members = self.rooms.get(room)
        self.stats["events"] += 1
        if not members:
            return
        control = message.get("control")
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


async def publish(room: str, text: str, event_id: int | None = None) -> None:
    """Send one pre-serialised event to every socket in the room, in every process."""
    await get_channel_layer().group_send(
        room, {"type": EVENT_TYPE, "room": room, "id": event_id, "text": text}
    )


async def publish_control(room: str, control: dict) -> None:
    await get_channel_layer().group_send(
        room, {"type": EVENT_TYPE, "room": room, "control": control}
    )
