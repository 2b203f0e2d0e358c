"""Per-process fan-out: one channel-layer subscription per room per server process.

Stock Channels puts every socket in the group, so one event to a room of N sockets costs N
channel-layer messages and N consumer wake-ups, each behind a hop through asgiref's sync thread
(aclose_old_connections). Here each process keeps a registry room -> local sockets and joins the
channel-layer group of a room once, with a single hub channel. An event published to a room
arrives once per process and is written straight to each local socket's ASGI send: no thread
hop, no per-socket task (docs/performance.md).

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

Faults (Redis restarts, a subscription that fails): a failed subscription is never kept. The
join that failed is refused (HubUnavailable: the consumer closes with 4503 and the client
reconnects), the room is recorded in Hub.failed with a retry time (exponential backoff with
jitter), and the next join after that time subscribes afresh; joins before it fail fast without
touching Redis. A supervisor task probes the layer through the hub's own channel every
CHAT_HUB_PROBE_SECONDS; when a probe fails the hub counts the layer as down, and when probes pass
again it subscribes every room again and tells every local socket to resync from the database
(events published meanwhile were lost on the way). A publisher whose publish fails remembers
the room and, once publishing works again, tells that room to resync. Hub.health() is what
/healthz reports for the process.
"""

import asyncio
import collections
import logging
import os
import random
import secrets
import time
import weakref

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

EVENT_TYPE = "chat.fanout"
STATS_GROUP = "chat.fanout.stats"  # every hub joins it: collect_stats() asks them all
STATS_REPLY_TYPE = "chat.fanout.stats"
PROBE_ROOM = "chat.fanout.probe"  # the hub's probes to its own channel carry this room
RESYNC = {"kind": "resync"}  # a control: sockets tell their clients to sync from the database

# Backoff between attempts to subscribe a room that failed: 0.5 s doubling to 15 s, jittered.
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_SECONDS = 15.0
SUBSCRIBE_TIMEOUT_SECONDS = 5.0


def _stop_if_cancelled():
    """End a hub loop whose cancellation was swallowed on the way. On Python 3.11
    asyncio.wait_for returns the inner result when it completes in the same loop turn as the
    cancellation, dropping the CancelledError; the task stays "cancelling" and a `while True`
    loop would go on forever (a server shutdown, or a test's event loop closing, then hangs)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class HubUnavailable(Exception):
    """The room could not be subscribed (the channel layer is down): refuse and retry later."""


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()

# Publisher side: (process token, per-room sequence number) on every published event.
_SEQ_ROOMS_MAX = 50_000
_source = secrets.token_hex(6)
_seqs: dict[str, int] = {}
publisher_stats = {"published": 0, "publish_failed": 0, "resyncs_published": 0}
_failed_rooms: set[str] = set()  # rooms whose publish failed: told to resync once it works
_FAILED_ROOMS_MAX = 10_000


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
        "subscribe_failed": 0,  # group_add calls that failed (a room is retried with backoff)
        "layer_down": 0,  # times the probe found the layer unreachable
        "layer_recovered": 0,  # times it came back (every room resubscribed and resynced)
    }


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter (half fixed, half random) for the n-th failed attempt."""
    delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return delay / 2 + random.random() * delay / 2  # noqa: S311 (jitter, not a secret)


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.loop = asyncio.get_running_loop() if _loop_running() else None
        self.channel = None
        self.rooms: dict[str, dict] = {}  # room -> {member: wants_text}
        self.subscriptions: dict[str, asyncio.Future] = {}  # in flight or succeeded, never failed
        self.failed: dict[str, dict] = {}  # room -> {"error", "attempts", "retry_at", "since"}
        self.layer_ok = True
        self.last_probe_ok = None  # time.time() of the last probe that came back
        self._probes: dict[int, asyncio.Future] = {}
        self._probe_count = 0
        self.probe_seconds = getattr(settings, "CHAT_HUB_PROBE_SECONDS", 1.0)
        self._opened = None
        self._task = None
        self._dispatcher = None
        self._supervisor = None
        self.pending: collections.deque = collections.deque()
        self._wakeup = asyncio.Event()
        self._seen: dict[str, dict[str, int]] = {}  # room -> {source: last sequence number}
        self.backlog_limit = getattr(settings, "CHAT_HUB_BACKLOG", 500)
        self.stats = _new_stats()

    async def _ensure_open(self):
        if self._opened is None or (self._opened.done() and self._opened.exception()):
            self._opened = asyncio.ensure_future(self._open())  # a failed open is retried
        try:
            await asyncio.shield(self._opened)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            raise HubUnavailable(f"opening the hub's channel failed: {error!r}") from error

    async def _open(self):
        if self.channel is None:
            self.channel = await asyncio.wait_for(
                self.layer.new_channel("fanout."), SUBSCRIBE_TIMEOUT_SECONDS
            )
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())
            self._dispatcher = asyncio.ensure_future(self._dispatch_pending())
            self._supervisor = asyncio.ensure_future(self._supervise())
        try:
            await self.layer.group_add(STATS_GROUP, self.channel)
        except Exception:
            logger.exception("chat fan-out: joining the stats group failed")

    async def _run(self):
        """Read the layer as fast as it delivers; text events wait in self.pending (bounded)."""
        while True:
            _stop_if_cancelled()
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
        if room == PROBE_ROOM:
            future = self._probes.pop((message.get("control") or {}).get("n"), None)
            if future is not None and not future.done():
                future.set_result(True)
            return
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
            _stop_if_cancelled()
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
            "room_sockets": dict(  # the 50 busiest rooms: where registrations are
                sorted(((r, len(m)) for r, m in self.rooms.items()), key=lambda i: -i[1])[:50]
            ),
            "failed_rooms": sorted(self.failed),
            "layer_ok": self.layer_ok,
        }

    def health(self) -> dict:
        """What /healthz says about this hub: broken when a room's subscription failed or the
        layer does not answer its probes."""
        return {
            "ok": self.layer_ok and not self.failed,
            "layer_ok": self.layer_ok,
            "rooms": len(self.rooms),
            "sockets": sum(len(members) for members in self.rooms.values()),
            "failed_rooms": sorted(self.failed)[:20],
            "failed_count": len(self.failed),
            "last_probe_age_s": (
                None if self.last_probe_ok is None else round(time.time() - self.last_probe_ok, 1)
            ),
        }

    # --- Probing and recovery ------------------------------------------------------------
    async def probe(self, timeout: float = 2.0) -> bool:
        """Send a message to the hub's own channel and wait for it to come back."""
        self._probe_count += 1
        n = self._probe_count
        future = self._probes[n] = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(
                self.layer.send(
                    self.channel,
                    {"type": EVENT_TYPE, "room": PROBE_ROOM, "control": {"kind": "probe", "n": n}},
                ),
                timeout,
            )
            await asyncio.wait_for(future, timeout)
        except asyncio.CancelledError:
            raise
        except Exception:
            return False
        finally:
            self._probes.pop(n, None)
        self.last_probe_ok = time.time()
        return True

    async def _supervise(self):
        """Probe the layer; after an outage resubscribe every room and resync every socket;
        retry rooms whose subscription failed once their backoff has passed."""
        while True:
            _stop_if_cancelled()
            try:
                await asyncio.sleep(self.probe_seconds)
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("chat fan-out: supervising the hub failed")

    async def check(self):
        ok = await self.probe(timeout=max(1.0, self.probe_seconds))
        if not ok:
            if self.layer_ok:
                self.layer_ok = False
                self.stats["layer_down"] += 1
                logger.warning("chat fan-out: the channel layer does not answer")
            return
        if not self.layer_ok:
            await self.recover()
        elif self.failed:
            await self._retry_failed(only_due=True)
        await flush_failed_publishes()

    async def recover(self):
        """The layer answers again: subscribe every room again (a subscription made during
        the outage may never have reached Redis) and tell every local socket to resync."""
        self.layer_ok = True
        self.stats["layer_recovered"] += 1
        logger.warning(
            "chat fan-out: the channel layer is back; resubscribing %d rooms", len(self.rooms)
        )
        for room in list(self.rooms):
            future = self.subscriptions.get(room)
            if future is not None and not future.done():
                continue  # a join is subscribing it right now
            self.subscriptions[room] = asyncio.ensure_future(self._subscribe(room))
        await asyncio.gather(
            *[self.subscriptions[r] for r in list(self.subscriptions) if r in self.rooms],
            return_exceptions=True,
        )
        for room in list(self.rooms):
            if room not in self.failed:
                self.dispatch({"room": room, "control": RESYNC})

    async def _retry_failed(self, only_due=False):
        now = asyncio.get_running_loop().time()
        for room in list(self.failed):
            if room not in self.rooms:  # nobody waits for it any more
                self.failed.pop(room, None)
                continue
            if only_due and self.failed[room]["retry_at"] > now:
                continue
            if room in self.subscriptions:
                continue
            self.subscriptions[room] = future = asyncio.ensure_future(self._subscribe(room))
            try:
                await future
            except Exception:  # noqa: S112 (recorded in self.failed by _subscribe)
                continue
            self.dispatch({"room": room, "control": RESYNC})

    async def _subscribe(self, room):
        """group_add with a timeout; a failure is recorded (backoff) and the future dropped, so
        that a later attempt subscribes afresh instead of re-raising this error forever."""
        try:
            await asyncio.wait_for(
                self.layer.group_add(room, self.channel), SUBSCRIBE_TIMEOUT_SECONDS
            )
        except asyncio.CancelledError:
            self.subscriptions.pop(room, None)
            raise
        except Exception as error:
            self.stats["subscribe_failed"] += 1
            failure = self.failed.get(room) or {"attempts": 0, "since": time.time()}
            failure["attempts"] += 1
            failure["error"] = f"{error.__class__.__name__}: {error}"[:200]
            failure["retry_at"] = asyncio.get_running_loop().time() + retry_delay(
                failure["attempts"]
            )
            self.failed[room] = failure
            self.subscriptions.pop(room, None)
            logger.warning("chat fan-out: subscribing %s failed: %s", room, failure["error"])
            raise HubUnavailable(room) from error
        self.failed.pop(room, None)
        if room not in self.rooms:  # everyone left while it was subscribing
            self.subscriptions.pop(room, None)
            await self._discard(room)

    async def _reply_stats(self, reply):
        try:
            await self.layer.send(reply, {"type": STATS_REPLY_TYPE, "stats": self.snapshot()})
        except Exception:
            logger.exception("chat fan-out: replying with stats failed")

    async def join(self, room: str, member, wants_text: bool = True) -> None:
        """Register a local socket; subscribes the process to the room on first use. Returns
        once the subscription is in place, so a replay from the database after this misses
        nothing. Raises HubUnavailable (and registers nothing) when the room cannot be
        subscribed: within the backoff after a failure at once, without asking Redis."""
        await self._ensure_open()
        members = self.rooms.setdefault(room, {})
        members[member] = members.get(member, False) or wants_text
        try:
            future = self.subscriptions.get(room)
            if future is None:
                failure = self.failed.get(room)
                if failure and failure["retry_at"] > asyncio.get_running_loop().time():
                    raise HubUnavailable(room)
                future = self.subscriptions[room] = asyncio.ensure_future(self._subscribe(room))
            await asyncio.shield(future)
        except BaseException:
            self._forget(room, member)
            raise

    def _forget(self, room, member):
        """Remove a member; returns True when that left the room empty."""
        members = self.rooms.get(room)
        if members is None or member not in members:
            return False
        del members[member]
        if members:
            return False
        del self.rooms[room]
        self._seen.pop(room, None)  # a later subscription starts a fresh baseline
        future = self.subscriptions.get(room)
        if future is None or future.done():
            self.subscriptions.pop(room, None)
        return True

    async def leave(self, room: str, member) -> None:
        if not self._forget(room, member) or room in self.subscriptions:
            return  # others remain, or a new join is subscribing the room again already
        self.failed.pop(room, None)
        try:
            await self.layer.group_discard(room, self.channel)
        except Exception:
            logger.exception("chat fan-out: leaving %s failed", room)

    def forget_everywhere(self, member, rooms) -> None:
        """Synchronous last resort for a consumer that ends without leaving (see
        LiveConsumer.__call__): drop its memberships now, unsubscribe emptied rooms later."""
        for room in rooms:
            if self._forget(room, member) and room not in self.subscriptions:
                self.failed.pop(room, None)
                asyncio.ensure_future(self._discard(room))

    async def _discard(self, room):
        try:
            await self.layer.group_discard(room, self.channel)
        except Exception:
            logger.exception("chat fan-out: leaving %s failed", room)

    def member_count(self) -> int:
        return sum(len(members) for members in self.rooms.values())

    def local_count(self, room: str) -> int:
        return len(self.rooms.get(room, ()))


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class HubBroken(RuntimeError):
    pass


def health_check() -> str:
    """The fan-out hub(s) of this process, for /healthz (registered in chat.apps): raises when
    a room's subscription failed or the channel layer does not answer the hub's probes."""
    hubs = [
        h
        for h in list(_hubs.values())
        if h.channel is not None and not (h.loop is not None and h.loop.is_closed())
    ]
    if not hubs:
        return f"pid {os.getpid()}: no live sockets in this process"
    reports = [h.health() for h in hubs]
    rooms = sum(r["rooms"] for r in reports)
    sockets = sum(r["sockets"] for r in reports)
    failed = [room for r in reports for room in r["failed_rooms"]]
    failed_count = sum(r["failed_count"] for r in reports)
    if failed_count:
        raise HubBroken(
            f"pid {os.getpid()}: {failed_count} rooms whose subscription failed "
            f"(retrying): {', '.join(failed[:10])}"
        )
    if not all(r["layer_ok"] for r in reports):
        raise HubBroken(f"pid {os.getpid()}: the channel layer does not answer the hub's probe")
    return f"pid {os.getpid()}: {rooms} rooms, {sockets} sockets, no failed subscription"


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
        if room != STATS_GROUP and len(_failed_rooms) < _FAILED_ROOMS_MAX:
            _failed_rooms.add(room)
        raise
    publisher_stats["published"] += 1
    if _failed_rooms:
        await flush_failed_publishes()


async def flush_failed_publishes() -> None:
    """Rooms whose events could not be published are told to resync from the database once
    publishing works again (the events themselves are in the database already)."""
    layer = get_channel_layer()
    while _failed_rooms:
        room = _failed_rooms.pop()
        try:
            await layer.group_send(room, {"type": EVENT_TYPE, "room": room, "control": RESYNC})
        except Exception:
            _failed_rooms.add(room)
            return
        publisher_stats["resyncs_published"] += 1


async def publish(room: str, text: str, event_id: int | None = None) -> None:
    """Send one pre-serialised event to every socket in the room, in every process."""
    source, seq = _next_seq(room)
    await _group_send(
        room,
        {"type": EVENT_TYPE, "room": room, "id": event_id, "text": text, "src": source, "sq": seq},
    )


class _Outgoing:
    """Events committed by synchronous code of a server process, waiting in commit order for
    the one task of the process's event loop that publishes them (see publish_after_commit)."""

    def __init__(self):
        self.items: collections.deque = collections.deque()
        self.task = None

    def put(self, room, text, event_id):
        if len(self.items) >= OUTGOING_MAX:  # the layer is stuck: bounded, and replay covers it
            dropped_room = self.items.popleft()[0]
            publisher_stats["publish_failed"] += 1
            if len(_failed_rooms) < _FAILED_ROOMS_MAX:
                _failed_rooms.add(dropped_room)
        self.items.append((room, text, event_id))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())

    async def _drain(self):
        items = self.items
        while items:
            room, text, event_id = items.popleft()
            try:
                await publish(room, text, event_id)
            except Exception as error:  # noqa: BLE001 - counted in publisher_stats
                logger.warning(
                    "chat fan-out: publishing to %s failed (clients resync): %r", room, error
                )


OUTGOING_MAX = 10_000
_outgoing: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outgoing]" = (
    weakref.WeakKeyDictionary()
)


def _enqueue(room, text, event_id):
    loop = asyncio.get_running_loop()
    outgoing = _outgoing.get(loop)
    if outgoing is None:
        outgoing = _outgoing[loop] = _Outgoing()
    outgoing.put(room, text, event_id)


def _server_loop():
    """The loop of the server whose sync_to_async call this thread runs (asgiref records it),
    if it still runs; None in a worker or a management command."""
    threadlocal = SyncToAsync.threadlocal
    loop = getattr(threadlocal, "main_event_loop", None)
    if (
        loop is None
        or getattr(threadlocal, "main_event_loop_pid", None) != os.getpid()
        or loop.is_closed()
        or not loop.is_running()
    ):
        return None
    return loop


def publish_after_commit(room: str, text: str, event_id: int | None = None) -> None:
    """publish() from synchronous code after a commit. A failure is logged, counted and never
    raised: the change is committed and its event in the database, and the room is told to
    resync once publishing works again (a caller must not report a committed change as failed).

    In a server process the event is handed to the event loop and published from there in
    commit order, without waiting: a chat post used to hold asgiref's one sync thread until the
    loop had published it, so when the loop was busy (a reconnect storm) every other piece of
    synchronous work of the process queued behind it. Elsewhere (a Celery worker, a management
    command) it is published before this returns.
    """
    if _loop_running():  # sync code called on the loop's own thread
        _enqueue(room, text, event_id)
        return
    loop = _server_loop()
    if loop is not None:
        try:
            loop.call_soon_threadsafe(_enqueue, room, text, event_id)
            return
        except RuntimeError:  # the loop closed meanwhile: publish from here
            pass
    try:
        async_to_sync(publish)(room, text, event_id)
    except Exception as error:  # noqa: BLE001 - counted in publisher_stats; replay covers it
        logger.warning("chat fan-out: publishing to %s failed (clients resync): %r", room, error)


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
