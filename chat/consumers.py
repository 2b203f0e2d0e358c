"""Websocket consumers. They stay thin: authorise, validate frames, call chat.actions.

Sockets do not get a channel-layer channel each: they register in the per-process fan-out hub
(chat.fanout), which holds one subscription per room per process and writes events straight to
the local sockets. Every frame a client sends is authorised again (the check_* functions of
chat.actions).

Client frames (JSON objects with a "type"):
  ping                                  -> pong (and presence heartbeats)
  sync {room, last_event_id}            -> the events missed since, from the database
  history {room, before}                -> up to 50 earlier messages ("load earlier")
  post {body, client_id}                -> ack {client_id, id}; the message arrives as an event
  booth socket:  queue.join, queue.leave, leave_message {body, client_id}
  console:       take {entry?}, pick_up {conversation}
  conversation:  typing, read {up_to}, queue.check (the recruiter's wait for the talent ran out)
  notifications: queue.leave {booth}, queue.check (the live bar's countdown ran out)
  moderation:    delete {message}, mute {user, minutes}, report {message, reason}
  calls:         call.ring/accept/decline/hangup/rejoin/turn and the relayed signalling
                 call.offer/answer/ice/media/restart (chat/calls/consumer.py, frames.py)
"""

import asyncio
import json
import logging
import secrets

import redis.exceptions
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django import db
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from booths import presence
from expo.lib.realtime import user_group

from . import fanout, limits, live, schemas
from .actions.access import check_booth_staff, check_conversation_access, get_booth
from .actions.conversations import do_mark_read, do_post_conversation_message
from .actions.lobby import do_post_lobby_message
from .actions.moderation import do_delete_message, do_mute, do_report
from .actions.queue import (
    booth_summary,
    do_join_queue,
    do_leave_message,
    do_leave_queue,
    do_pick_up,
    do_take,
    my_queue_entry,
    publish_booth_summary_on_commit,
    queue_snapshot,
    touch_queue_entries,
)
from .actions.rooms import (
    REPLAY_LIMIT,
    ChatError,
    booth_room,
    events_since,
    history,
    lobby_room,
    room_last_seq,
    staff_room,
)
from .actions.typing import do_send_typing
from .calls.consumer import CALL_FRAME_TYPES, CallFramesMixin
from .models import QueueEntry
from .shared import Shared
from .transport import HubSocket

__all__ = ["user_group"]

logger = logging.getLogger(__name__)

# Close codes (4xxx: refused by the application).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_REVOKED = 4408  # rights changed: the client reconnects and is authorised afresh
CLOSE_ABUSIVE = 4429
CLOSE_UNAVAILABLE = 4503  # a dependency (Redis, PostgreSQL) is down: reconnect with backoff

# Failures of the infrastructure rather than of the request: the client is told to retry.
try:  # what uvicorn raises when a socket's client has gone (its send, mid-frame)
    from uvicorn.protocols.utils import ClientDisconnected
except ImportError:  # served by another ASGI server

    class ClientDisconnected(Exception):
        pass


TRANSIENT_ERRORS = (
    fanout.HubUnavailable,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    db.OperationalError,
    db.InterfaceError,
    ConnectionError,
    TimeoutError,
)

MAX_FRAME_BYTES = 16 * 1024
MAX_BAD_FRAMES = 20
NO_CHANNEL_LAYER = "chat-sockets-use-the-fanout-hub"


class ValidatingConsumerMixin:
    """Frame parsing shared by every consumer: a frame that does not parse gets an error event
    and the socket stays up, until a client sends too many (then it is closed as abusive)."""

    bad_frames = 0
    max_frame_bytes = MAX_FRAME_BYTES

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > self.max_frame_bytes:
            return await self.reject_frame(
                "frame_invalid",
                f"Send JSON text frames up to {self.max_frame_bytes // 1024} KiB.",
            )
        try:
            content = json.loads(text_data)
        except ValueError:
            return await self.reject_frame("frame_invalid", "The frame is not valid JSON.")
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            return await self.reject_frame("frame_invalid", 'A frame is an object with a "type".')
        await self.receive_json(content)

    async def reject_frame(self, code, message, **extra):
        self.bad_frames += 1
        await self.send_json({"type": "error", "code": code, "message": message, **extra})
        if self.bad_frames >= MAX_BAD_FRAMES:
            await self.close(code=CLOSE_ABUSIVE, reason="Too many rejected frames.")


_shared_caches = {}


def share_caches():
    """Make this socket's task use the process's one cache backend per alias.

    Django keeps cache backends in an asgiref Local, which in async code is per task: every
    socket's task (and the sync threads its calls run in, which copy its context) built its own
    RedisCache with its own connection pool, and kept one Redis connection open for as long as
    the socket lived: one file descriptor and ~10 KiB per idle socket, and a process ran out of
    open files near 10,000 sockets. redis-py's pools are thread-safe, so one backend serves all.
    """
    from django.core.cache import caches

    for alias in settings.CACHES:
        shared = _shared_caches.get(alias)
        if shared is None:
            shared = _shared_caches[alias] = caches.create_connection(alias)
        setattr(caches._connections, alias, shared)


def _replay_work(room, since):
    return events_since(room, since)


_shared_replays = Shared(_replay_work, merge=min)


async def batched_events_since(room, last):
    """events_since, with the replays of one room that sockets of this process ask for at
    nearly the same time (a reconnect storm, a resync after an outage) answered by one database
    query from the oldest of their event ids (chat.shared), each socket getting its own part.
    A member whose part the shared query's limit may have cut off asks on its own."""
    events = await _shared_replays(room, last)
    if len(events) >= REPLAY_LIMIT and events[0]["id"] <= last:
        return await database_sync_to_async(events_since, thread_sensitive=False)(room, last)
    return [event for event in events if event["id"] > last]


def _booth_state(booth_id, _arg):
    booth = get_booth(booth_id)
    return booth, booth_summary(booth)


_shared_booth_states = Shared(_booth_state)


class LiveConsumer(HubSocket, ValidatingConsumerMixin, AsyncJsonWebsocketConsumer):
    """A socket registered in the fan-out hub. Subclasses say which rooms they join and which
    frame types they handle (handle_<type> methods)."""

    channel_layer_alias = NO_CHANNEL_LAYER  # no per-socket channel (see module docstring)
    frame_types: tuple = ("ping", "sync", "history")
    replay_rooms: tuple = ()  # rooms whose numbered events this socket may sync

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.joined = []

    async def __call__(self, scope, receive, send):
        """Whatever ends the consumer (a disconnect, a handler's exception, a refused or
        abandoned handshake, a cancelled task), its registrations in the hub go with it."""
        share_caches()
        try:
            return await super().__call__(scope, receive, send)
        finally:
            self._closed = True
            if self.joined:
                fanout.hub().forget_everywhere(self, self.joined)
                self.joined = []

    async def websocket_connect(self, message):
        """A connect that fails on a dependency (Redis, PostgreSQL) is refused cleanly with
        4503 (the client retries with backoff), never an HTTP 500 on the handshake."""
        try:
            await super().websocket_connect(message)
        except TRANSIENT_ERRORS as error:
            logger.warning("chat: refusing a socket, a dependency failed: %r", error)
            await self.leave_all()
            await self.refuse(
                CLOSE_UNAVAILABLE, _("The chat is unavailable for a moment. Reconnecting...")
            )

    async def dispatch(self, message):
        """Channels 4.2+ hops through asgiref's sync thread (aclose_old_connections) before every
        handler call: per connect and per received frame (pings of idle sockets too). Every
        database access here goes through database_sync_to_async, which closes old connections
        itself, so the extra hop buys nothing (docs/performance.md)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- Hub membership ---------------------------------------------------------------------
    async def join(self, room, wants_text=True):
        self.joined.append(room)  # before the await: whatever happens, __call__ cleans it up
        try:
            await fanout.hub().join(room, self, wants_text)
        except BaseException:
            self.joined.remove(room)  # the hub registered nothing
            raise

    async def leave(self, room):
        if room in self.joined:
            self.joined.remove(room)
            await fanout.hub().leave(room, self)

    async def leave_all(self):
        hub = fanout.hub()
        joined, self.joined = self.joined, []
        for room in joined:
            await hub.leave(room, self)

    async def fanout_control(self, room, control):
        kind = control.get("kind")
        if kind == "resync":  # the channel layer may have lost events: replay from the database
            if room in self.replay_rooms and self._accepted and not self._closed:
                await self.send_json({"type": "resync", "room": room})
        elif kind == "revoke":
            await self.refuse(CLOSE_REVOKED, _("Your access changed. Reconnecting..."))
        elif kind == "recheck":
            if not await self.still_allowed():
                await self.refuse(CLOSE_FORBIDDEN, _("You no longer have access here."))
        else:
            await self.on_control(control)

    async def on_control(self, control):
        pass

    async def still_allowed(self):
        return True

    # --- Connection --------------------------------------------------------------------------
    @property
    def user(self):
        return self.scope.get("user")

    async def refuse(self, code, reason):
        """Accept, say why, close with a 4xxx code: browsers see the code and the reason."""
        if self._closed:
            return
        self._closed = True
        try:
            if not getattr(self, "_accepted", False):
                await self.accept()
            await self.send_json({"type": "error", "code": "refused", "message": str(reason)})
            await self.close(code=code, reason=str(reason)[:120])
        except Exception:  # noqa: S110 (the client may be gone already)
            pass

    async def accept(self, subprotocol=None, headers=None, release=True):
        """Accept; then write the events that arrived since joining (unless release is False:
        the caller sends its hello first, then calls release_early())."""
        await super().accept(subprotocol, headers)
        self._accepted = True
        if release:
            self.release_early()

    async def join_user_room(self):
        if self.user is not None and self.user.is_authenticated:
            await self.join(user_group(self.user.pk), wants_text=False)

    async def disconnect(self, code):
        self._closed = True
        await self.leave_all()
        try:
            await self.on_disconnect()
        except TRANSIENT_ERRORS as error:  # presence expires by itself
            logger.warning("chat: cleaning up a socket failed on a dependency: %r", error)

    async def on_disconnect(self):
        pass

    # --- Frames --------------------------------------------------------------------------------
    async def receive_json(self, content, **kwargs):
        """Unknown type -> error; then the frame's schema (chat/schemas.py) and, for frames that
        broadcast, its rate limit; only then its handler, which sees the clean frame. Whatever
        goes wrong becomes an error event: a frame never takes the socket down."""
        kind = content["type"]
        if kind not in self.frame_types or not schemas.has_schema(kind):
            return await self.reject_frame("unknown_type", f"Unknown frame type {kind[:40]!r}.")
        ref = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        try:
            frame = schemas.validate(content)
            await self.check_frame_rate(kind)
            await getattr(self, "handle_" + kind.replace(".", "_"))(frame)
        except ChatError as error:
            # A rate-limited post stays in the client's outbox and goes again after a backoff
            # (retries after an outage spend tokens too): it is late, never silently dropped.
            extra = {"retry": True} if error.code == "rate_limited" else {}
            if isinstance(error, schemas.FrameError):
                extra["field"] = error.field
            await self.reject_frame(error.code, error.message, ref=ref, **extra)
        except TRANSIENT_ERRORS as error:
            # Not the client's fault: not counted as a bad frame; a post stays in the
            # client's outbox and is sent again (its client_id makes the retry idempotent).
            logger.warning("chat: a %s frame failed on a dependency: %r", kind, error)
            await self.send_json(
                {
                    "type": "error",
                    "code": "unavailable",
                    "retry": True,
                    "ref": ref,
                    "message": _("Not sent: the chat is unavailable for a moment. Retrying..."),
                }
            )
        except ClientDisconnected:
            # The client closed while its frame was handled (a queue.leave and a close at
            # once): nobody to answer, nothing went wrong.
            logger.debug("chat: the client of a %s frame left before its answer", kind)
        except Exception:
            logger.exception("frame %r failed on %s", kind, type(self).__name__)
            await self.reject_frame("failed", _("That did not work. Please try again."), ref=ref)

    @property
    def rate_room(self):
        return self.replay_rooms[0] if self.replay_rooms else type(self).__name__

    async def check_frame_rate(self, kind):
        bucket = schemas.RATE_LIMITED.get(kind)
        if bucket is None or self.user is None or not self.user.is_authenticated:
            return  # not a broadcast, or refused by its handler (sign in first)
        burst, rate = settings.CHAT_RATE_LIMITS[bucket]
        allowed = await database_sync_to_async(limits.allow, thread_sensitive=False)(
            self.user.pk, f"{bucket}:{self.rate_room}", burst, rate
        )
        if not allowed:
            raise ChatError("rate_limited", _("Slow down: you are doing that too often."))

    idle = 0  # seconds since the person's last input, as their page reports it with pings

    async def handle_ping(self, content):
        idle = content.get("idle", 0)
        self.idle = idle if isinstance(idle, int) and 0 <= idle <= 10**7 else 0
        try:
            await self.heartbeat()
        except TRANSIENT_ERRORS as error:  # presence is best effort: the socket still answers
            logger.warning("chat: a heartbeat failed on a dependency: %r", error)
        await self.send_json({"type": "pong"})

    async def heartbeat(self):
        pass

    def room_of(self, content):
        room = content.get("room")
        if room not in self.replay_rooms:
            raise ChatError("invalid", _("Unknown room."))
        return room

    async def handle_sync(self, content):
        room = self.room_of(content)
        last = content.get("last_event_id")
        if not isinstance(last, int) or last < 0:
            raise ChatError("invalid", _("last_event_id is a number."))
        await self.replay(room, last)

    async def replay(self, room, last):
        """Send what the client missed from the database, holding back live events meanwhile
        so they arrive after the replay and in order."""
        self._buffering[room] = buffer = []
        try:
            events = await self.load_missed(room, last)
            sent = last
            for event in events:
                await self.send_json(event)
                sent = event["id"]
            await self.send_json({"type": "synced", "room": room, "last_event_id": sent})
        finally:
            self._buffering.pop(room, None)
        for event_id, text in buffer:
            if event_id > sent:
                self._write(text)

    async def load_missed(self, room, last):
        cls = type(self)
        if cls._load_missed is not LiveConsumer._load_missed:  # a room with its own replay
            return await database_sync_to_async(self._load_missed)(room, last)
        if cls.check_room_access_sync is not LiveConsumer.check_room_access_sync:
            await database_sync_to_async(self.check_room_access_sync)(room)  # on replay too
        return await batched_events_since(room, last)

    def _load_missed(self, room, last):
        self.check_room_access_sync(room)  # checked on replay too
        return events_since(room, last)

    def check_room_access_sync(self, room):
        pass

    async def handle_history(self, content):
        room = self.room_of(content)
        before = content.get("before")
        if before is not None and (not isinstance(before, int) or before < 0):
            raise ChatError("invalid", _("before is an event id."))
        page = await database_sync_to_async(self._history)(room, before)
        await self.send_json({"type": "history", "room": room, **page})

    def _history(self, room, before):
        self.check_room_access_sync(room)
        return history(room, before)

    async def check_rate(self, room):
        allowed = await database_sync_to_async(limits.allow, thread_sensitive=False)(
            self.user.pk, room
        )
        if not allowed:
            raise ChatError("rate_limited", _("Slow down: you are sending messages too fast."))

    async def ack(self, content, event):
        await self.send_json(
            {"type": "ack", "client_id": str(content.get("client_id")), "id": event["id"]}
        )

    # Moderation, shared by the booth, console and conversation sockets.
    async def handle_delete(self, content):
        self.require_user()
        await database_sync_to_async(do_delete_message)(self.user, content.get("message"))

    async def handle_report(self, content):
        self.require_user()
        await database_sync_to_async(do_report)(
            self.user, content.get("message"), content.get("reason", "")
        )
        await self.send_json({"type": "reported", "message": content.get("message")})

    def require_user(self):
        if self.user is None or not self.user.is_authenticated:
            raise ChatError("sign_in", _("Sign in to chat."))


class BoothConsumer(LiveConsumer):
    """A booth page: lobby (anonymous visitors read), the public summary, the talent's queue."""

    frame_types = (
        *LiveConsumer.frame_types,
        "post",
        "queue.join",
        "queue.leave",
        "leave_message",
        "delete",
        "report",
        "mute",
    )

    async def connect(self):
        """Join the rooms first (their names need only the id: the hello computed next then
        misses no live update, and events arriving meanwhile wait for the accept), then one
        thread hop for the booth, the presence heartbeat and the hello: connects are cheap
        enough for 15,000 idle sockets per process (docs/performance.md)."""
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        authenticated = self.user is not None and self.user.is_authenticated
        self.visitor = str(self.user.pk) if authenticated else "anon-" + secrets.token_hex(8)
        self.lobby = lobby_room(booth_id)
        self.replay_rooms = (self.lobby,)
        await self.join(self.lobby)
        await self.join(booth_room(booth_id))
        await self.join_user_room()
        try:
            # The booth and its public summary: one query for all the sockets of this process
            # that open the booth at the same moment (a reconnect storm; chat.shared).
            self.booth, summary = await _shared_booth_states(int(booth_id))
        except ChatError as error:
            await self.leave_all()
            return await self.refuse(CLOSE_NOT_FOUND, error.message)
        # Any pool thread: connects to a booth run in parallel rather than one at a time
        # through the single sync thread (the work touches only this consumer's state).
        hello = await database_sync_to_async(self._open_booth, thread_sensitive=False)(summary)
        await self.accept(release=False)
        await self.send_json(hello)
        self.release_early()

    def _open_booth(self, summary):
        """This visitor's own part of the hello: the presence heartbeat (then the visitor count,
        which includes them), their place in the queue."""
        self._heartbeat()
        entry = my_queue_entry(self.user, self.booth)
        return {
            **summary,
            "visitors": presence.visitor_count(self.booth.pk),
            "type": "hello",
            "signed_in": self.user.is_authenticated,
            "queue_entry": entry.pk if entry else None,
        }

    async def heartbeat(self):
        await database_sync_to_async(self._heartbeat)()

    def _heartbeat(self):
        presence.visitor_heartbeat(self.booth.pk, self.visitor)
        if self.user.is_authenticated:
            touch_queue_entries(self.user.pk)

    async def on_disconnect(self):
        if hasattr(self, "booth"):
            await database_sync_to_async(presence.visitor_left)(self.booth.pk, self.visitor)

    async def on_control(self, control):
        if control.get("kind") == "accepted" and control.get("booth") == self.booth.pk:
            await self.send_json({"type": "queue.accepted", "url": control["url"]})

    async def handle_post(self, content):
        self.require_user()
        await self.check_rate(self.lobby)
        event, _created = await database_sync_to_async(do_post_lobby_message)(
            self.user, self.booth.pk, content.get("body"), content.get("client_id")
        )
        await self.ack(content, event)

    async def handle_queue_join(self, content):
        self.require_user()
        joined = await database_sync_to_async(self._join_queue)()
        await self.send_json(joined)

    def _join_queue(self):
        """The reply carries the queue as it is now: the talent sees their place at once, even
        if the summary broadcast is late or lost (summaries are state, not replayed)."""
        entry = do_join_queue(self.user, self.booth.pk)
        return {
            "type": "queue.joined",
            "entry": entry.pk,
            "summary": booth_summary(self.booth),
        }

    async def handle_queue_leave(self, content):
        self.require_user()
        await database_sync_to_async(do_leave_queue)(self.user, self.booth.pk)
        await self.send_json({"type": "queue.left"})

    async def handle_leave_message(self, content):
        self.require_user()
        await self.check_rate(self.lobby)
        conversation = await database_sync_to_async(do_leave_message)(
            self.user, self.booth.pk, content.get("body"), content.get("client_id")
        )
        await self.send_json({"type": "message_left", "conversation": conversation.pk})

    async def handle_mute(self, content):
        self.require_user()
        await database_sync_to_async(do_mute)(
            self.user, self.booth.pk, content.get("user"), content.get("minutes")
        )
        await self.send_json({"type": "muted", "user": content.get("user")})


class ConsoleConsumer(BoothConsumer):
    """The staff console of one booth: the queue, messages left, the lobby, activity in the
    recruiter's conversations. Only the booth's staff may open it."""

    frame_types = (*BoothConsumer.frame_types, "take", "pick_up")

    async def connect(self):
        booth_id = self.scope["url_route"]["kwargs"]["booth_id"]
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse(CLOSE_UNAUTHENTICATED, _("Sign in to open the console."))
        try:
            self.booth = await database_sync_to_async(check_booth_staff)(self.user, booth_id)
        except ChatError as error:
            return await self.refuse(CLOSE_FORBIDDEN, error.message)
        self.lobby = lobby_room(self.booth.pk)
        self.staff = staff_room(self.booth.pk)
        self.replay_rooms = (self.lobby, self.staff)
        self.visitor = str(self.user.pk)
        self.socket_id = secrets.token_hex(6)
        for room in (self.lobby, self.staff, booth_room(self.booth.pk)):
            await self.join(room)
        await self.join_user_room()
        await self.accept()
        await database_sync_to_async(self._staff_online)()
        await self.send_json(await database_sync_to_async(self._hello)())

    def _hello(self):
        return {
            **booth_summary(self.booth),
            "type": "hello",
            "signed_in": True,
        }

    def _staff_online(self):
        self._beat()
        publish_booth_summary_on_commit(self.booth)  # runs at once outside a transaction

    def _beat(self):
        presence.staff_heartbeat(
            self.booth.pk, self.user.pk, self.socket_id, console=True, idle=self.idle
        )

    async def heartbeat(self):
        await database_sync_to_async(self._beat)()

    async def on_disconnect(self):
        if hasattr(self, "booth"):
            await database_sync_to_async(self._staff_left)()

    def _staff_left(self):
        presence.staff_left(self.booth.pk, self.user.pk, self.socket_id)
        publish_booth_summary_on_commit(self.booth)

    async def still_allowed(self):
        try:
            await database_sync_to_async(check_booth_staff)(self.user, self.booth.pk)
        except ChatError:
            return False
        return True

    def check_room_access_sync(self, room):
        check_booth_staff(self.user, self.booth.pk)

    def _load_missed(self, room, last):
        self.check_room_access_sync(room)
        if room == self.staff:  # queue events are state: the current snapshot supersedes them
            seq = room_last_seq(room)
            return [{**queue_snapshot(self.booth), "id": seq}] if seq > last else []
        return events_since(room, last)

    async def on_control(self, control):
        if control.get("kind") == "activity":
            await self.send_json(
                {"type": "conversation.activity", "conversation": control.get("conversation")}
            )

    async def handle_take(self, content):
        entry = content.get("entry")
        if entry is not None and not isinstance(entry, int):
            raise ChatError("invalid", _("entry is a queue entry id."))
        await self.send_json(await database_sync_to_async(self._take)(entry))

    def _take(self, entry):
        return self._taken(do_take(self.user, self.booth.pk, entry))

    async def handle_pick_up(self, content):
        await self.send_json(
            await database_sync_to_async(self._pick_up)(content.get("conversation"))
        )

    def _pick_up(self, conversation_id):
        return self._taken(do_pick_up(self.user, conversation_id))

    def _taken(self, conversation):
        """The console opens a tab for it (or, without tabs, goes to its page)."""
        return {
            "type": "taken",
            "conversation": conversation.pk,
            "name": conversation.talent.get_full_name(),
            "url": reverse("chat:conversation", args=[conversation.pk]),
            "panel_url": reverse("chat:panel", args=[conversation.pk]),
        }

    async def handle_queue_join(self, content):
        raise ChatError("forbidden", _("You staff this booth."))

    handle_queue_leave = handle_leave_message = handle_queue_join


class ConversationConsumer(CallFramesMixin, LiveConsumer):
    """A 1:1 conversation: only its two sides and organiser staff may join. Its two sides may
    also call each other over it (chat.calls.consumer)."""

    frame_types = (
        *LiveConsumer.frame_types,
        "post",
        "typing",
        "read",
        "delete",
        "report",
        *CALL_FRAME_TYPES,
        "queue.check",
    )
    max_frame_bytes = 48 * 1024  # session descriptions (chat.calls.frames.MAX_SDP_CHARS)

    async def connect(self):
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse(CLOSE_UNAUTHENTICATED, _("Sign in to chat."))
        try:
            conversation = await database_sync_to_async(check_conversation_access)(
                self.user, conversation_id
            )
        except ChatError as error:
            return await self.refuse(CLOSE_NOT_FOUND, error.message)
        self.conversation_id = conversation.pk
        self.room = conversation.room.key
        self.replay_rooms = (self.room,)
        self.typing_at = 0.0
        await self.join(self.room)
        await self.join_user_room()
        await self.accept()
        calling_until = await database_sync_to_async(self._answer_or_calling)(conversation)
        await self.send_json(
            {
                "type": "hello",
                "room": self.room,
                "status": conversation.status,
                "talent_read": conversation.talent_read_seq,
                "staff_read": conversation.staff_read_seq,
                "talent_id": conversation.talent_id,
                "recruiter_id": conversation.recruiter_id,
                "calling_until": calling_until,
                "now": timezone.now().isoformat(),
            }
        )

    def _answer_or_calling(self, conversation):
        """The talent opening the conversation answers the recruiter's call; for the recruiter,
        until when the talent has to answer (None once answered)."""
        if self.user.pk == conversation.talent_id:
            live.do_answer(self.user, conversation.pk)
            return None
        entry = QueueEntry.objects.calling().filter(conversation=conversation).first()
        return (entry.taken_at + live.answer_window()).isoformat() if entry else None

    async def handle_queue_check(self, content):
        """The page's countdown ended: skip the talent if they did not answer (the clock and
        the database decide, not the page)."""
        await database_sync_to_async(live.do_skip_unanswered)(conversation_id=self.conversation_id)

    async def still_allowed(self):
        try:
            await database_sync_to_async(check_conversation_access)(self.user, self.conversation_id)
        except ChatError:
            return False
        return True

    def check_room_access_sync(self, room):
        check_conversation_access(self.user, self.conversation_id)

    async def heartbeat(self):
        await database_sync_to_async(touch_queue_entries)(self.user.pk)

    async def handle_post(self, content):
        await self.check_rate(self.room)
        event, _created = await database_sync_to_async(do_post_conversation_message)(
            self.user, self.conversation_id, content.get("body"), content.get("client_id")
        )
        await self.ack(content, event)

    async def handle_typing(self, content):
        loop = asyncio.get_running_loop()
        if loop.time() - self.typing_at < 2:  # at most one typing event per 2 s per socket
            return
        self.typing_at = loop.time()
        if not await self.still_allowed():
            raise ChatError("forbidden", _("You no longer have access here."))
        await do_send_typing(self.room, self.user)

    async def handle_read(self, content):
        await database_sync_to_async(do_mark_read)(
            self.user, self.conversation_id, content.get("up_to")
        )


class NotificationConsumer(LiveConsumer):
    """The socket every page of a signed-in user holds: notifications ("a recruiter accepted
    your chat") and the live state of chat.live that follows the person around the site.

    Talent: the queues they are in (it joins those booths' public rooms, so positions follow
    each summary), recruiters calling them, turns missed; its pings keep their places alive.
    Booth staff: their booth's summary (queue, who is on the console), and presence: a member
    of staff with any page of the site open counts as online for their booth (idle after
    CHAT_IDLE_SECONDS without input)."""

    frame_types = (*LiveConsumer.frame_types, "queue.check", "queue.leave")

    async def connect(self):
        user = self.user
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.socket_id = secrets.token_hex(6)
        self.booths = []
        self.watching = set()
        await self.join(user_group(user.pk), wants_text=True)
        await self.accept()
        await self.refresh_live(first=True)

    async def refresh_live(self, first=False):
        """Send the live state and follow the booth rooms it names."""
        state = await database_sync_to_async(self._live_state)(first)
        rooms = {booth_room(b["booth"]) for b in state["queues"] + state["staff"]}
        for room in rooms - self.watching:
            await self.join(room)
        for room in self.watching - rooms:
            await self.leave(room)
        self.watching = rooms
        await self.send_json(state)

    def _live_state(self, first):
        if first:
            self.booths = live.staff_booths(self.user)
            self._staff_beat(announce=True)
        return live.live_state(self.user, self.booths)

    def _staff_beat(self, announce=False):
        for booth in self.booths:
            was_online = announce and self.user.pk in self._online_at(booth)
            presence.staff_heartbeat(booth.pk, self.user.pk, self.socket_id, idle=self.idle)
            if announce and not was_online and self.user.pk in self._online_at(booth):
                publish_booth_summary_on_commit(booth)

    def _online_at(self, booth):
        return presence.booth_presence([booth.pk])[booth.pk]["online"]

    async def on_control(self, control):
        if control.get("kind") in ("live", "accepted"):
            await self.refresh_live()

    async def heartbeat(self):
        await database_sync_to_async(self._heartbeat)()

    def _heartbeat(self):
        touch_queue_entries(self.user.pk)
        self._staff_beat()

    async def on_disconnect(self):
        if getattr(self, "booths", None):
            await database_sync_to_async(self._staff_left)()

    def _staff_left(self):
        for booth in self.booths:
            presence.staff_left(booth.pk, self.user.pk, self.socket_id)
            if self.user.pk not in self._online_at(booth):
                publish_booth_summary_on_commit(booth)

    async def handle_queue_check(self, content):
        """A countdown on the talent's page ended: skip them if they did not answer."""
        await database_sync_to_async(live.do_skip_unanswered)(talent_id=self.user.pk)

    async def handle_queue_leave(self, content):
        """Leave a queue from the bar on any page (the live state follows by control)."""
        booth = content["booth"]
        if booth is None:
            raise ChatError("invalid", _("booth is a booth id."))
        await database_sync_to_async(do_leave_queue)(self.user, booth)

    async def handle_sync(self, content):
        raise ChatError("invalid", _("Notifications have no history."))

    handle_history = handle_sync
