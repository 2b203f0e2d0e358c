"""Call frames on a conversation's socket (chat.consumers.ConversationConsumer).

Lifecycle frames call the services (which record the call's state as conversation events).
Signalling frames (offer, answer, ICE candidates, media states, restart requests) are checked
by their schema (chat.calls.frames), rate-limited per user and call, authorised against the
database (the call is active and this user is one of its sides), never stored, and relayed as a
control event to the other side's sockets, where only the socket that holds the call (the one
that rang, answered or rejoined) passes it to its page.

Timers: the process that took the ring ends it as missed after CALL_RING_SECONDS; a socket
holding a call that closes gives its side CALL_RECONNECT_SECONDS to come back (chat.calls.tasks
sweeps up after a process that died).
"""

import asyncio
import logging
import secrets

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import fanout, limits
from chat.actions.rooms import ChatError
from expo.lib.realtime import user_group

from . import frames, services, turn

logger = logging.getLogger(__name__)

CALL_FRAME_TYPES = tuple(frames.SCHEMAS)
SIGNAL_KINDS = {
    "call.offer": "offer",
    "call.answer": "answer",
    "call.ice": "ice",
    "call.media": "media",
    "call.restart": "restart",
}

_timers: set = set()


def later(delay, fn, *args):
    """Run the coroutine function fn(*args) after `delay` seconds on this process's loop, even
    if the socket that asked has gone (the call outlives a reloading page)."""

    async def run():
        await asyncio.sleep(delay)
        try:
            await fn(*args)
        except Exception:
            logger.exception("calls: a timer failed")

    task = asyncio.ensure_future(run())
    _timers.add(task)
    task.add_done_callback(_timers.discard)
    return task


class CallFramesMixin:
    """Mixed into ConversationConsumer (which sets conversation_id and user)."""

    call_id = None  # the call this socket holds, if any
    call_token = None  # names this socket in "call.moved" controls

    _call_frame = None  # the type of the call frame being handled

    async def receive_json(self, content, **kwargs):
        """Call frames go the way of every frame (chat.consumers.LiveConsumer.receive_json):
        their schema (chat.calls.frames, registered in chat.schemas), the "call" rate bucket,
        their handler. A refusal of one is an error event with ref "call": the page shows it
        in the call panel."""
        kind = content["type"]
        self._call_frame = kind if kind in CALL_FRAME_TYPES else None
        try:
            await super().receive_json(content, **kwargs)
        finally:
            self._call_frame = None

    async def reject_frame(self, code, message, **extra):
        if self._call_frame is not None:
            extra.update(ref="call", frame=self._call_frame)
        await super().reject_frame(code, message, **extra)

    async def send_call_config(self, call_id):
        config = turn.ice_config(self.user.pk)
        await self.send_json({"type": "call.config", "call": call_id, **config})

    # --- Lifecycle --------------------------------------------------------------------------
    async def handle_call_ring(self, content):
        # Ringing is loud (a notice on every page of the other side): a few rings, then one
        # every CALL_RING_INTERVAL_SECONDS per conversation, whatever else the bucket allows.
        allowed = await database_sync_to_async(limits.allow, thread_sensitive=False)(
            self.user.pk,
            f"call-ring:{self.conversation_id}",
            settings.CALL_RING_BURST,
            1 / settings.CALL_RING_INTERVAL_SECONDS,
        )
        if not allowed:
            raise ChatError("rate_limited", _("You are calling too often: wait a little."))
        call = await database_sync_to_async(services.do_ring)(
            self.user, self.conversation_id, content["kind"]
        )
        self.call_id = call.pk
        await self.send_call_config(call.pk)
        later(settings.CALL_RING_SECONDS, database_sync_to_async(services.do_expire_ring), call.pk)

    async def handle_call_accept(self, content):
        call = await database_sync_to_async(services.do_accept)(self.user, content["call"])
        self.call_id = call.pk
        await self.send_call_config(call.pk)

    async def handle_call_decline(self, content):
        await database_sync_to_async(services.do_decline)(self.user, content["call"])

    async def handle_call_hangup(self, content):
        await database_sync_to_async(services.do_hang_up)(self.user, content["call"])
        if self.call_id == content["call"]:
            self.call_id = None

    async def handle_call_rejoin(self, content):
        """This socket takes the call (a reconnect, a reloaded page, another window): any other
        socket of the same user that held it lets go and tells its page."""
        call = await database_sync_to_async(services.check_rejoin)(self.user, content["call"])
        self.call_id = call.pk
        self.call_token = self.call_token or secrets.token_hex(8)
        await fanout.publish_control(
            user_group(self.user.pk),
            {"kind": "call.moved", "call": call.pk, "holder": self.call_token},
        )
        await self.send_call_config(call.pk)
        if call.status == call.Status.RINGING:  # this process now watches the ring too
            deadline = call.rang_at.timestamp() + settings.CALL_RING_SECONDS
            later(
                max(0, deadline - timezone.now().timestamp()),
                database_sync_to_async(services.do_expire_ring),
                call.pk,
            )

    async def handle_call_turn(self, content):
        """Fresh TURN credentials for a long call (the page asks before the old ones expire)."""
        self.require_call(content)
        await database_sync_to_async(services.check_turn)(self.user, content["call"])
        await self.send_call_config(content["call"])

    # --- Signalling (relayed, never stored) ---------------------------------------------------
    def require_call(self, content):
        if self.call_id is None or content["call"] != self.call_id:
            raise ChatError("not_in_call", _("This page is not in that call."))

    async def relay_signal(self, content):
        self.require_call(content)
        other, _conversation = await database_sync_to_async(services.check_signal)(
            self.user, self.call_id
        )
        frame = {k: v for k, v in content.items() if k not in ("type", "call")}
        signal = {
            "type": "call.signal",
            "call": self.call_id,
            "signal": SIGNAL_KINDS[content["type"]],
            **frame,
        }
        await fanout.publish_control(
            user_group(other), {"kind": "call.signal", "call": self.call_id, "frame": signal}
        )

    handle_call_offer = handle_call_answer = handle_call_ice = relay_signal
    handle_call_media = handle_call_restart = relay_signal

    async def on_control(self, control):
        kind = control.get("kind")
        if kind == "call.signal":
            if self.call_id is not None and control.get("call") == self.call_id:
                await self.send_json(control["frame"])
            return
        if kind == "call.moved":
            if control.get("call") == self.call_id and control.get("holder") != self.call_token:
                self.call_id = None
                await self.send_json({"type": "call.moved", "call": control["call"]})
            return
        await super().on_control(control)

    async def fanout_control(self, room, control):
        # Any revocation of this user's rights (logout, ban, deactivation, removal from the
        # company, a changed password...) also ends the call this socket holds.
        if control.get("kind") == "revoke" and self.call_id is not None:
            await database_sync_to_async(services.end_calls_of_user)(self.user.pk)
            self.call_id = None
        await super().fanout_control(room, control)

    # --- Liveness -------------------------------------------------------------------------------
    async def handle_ping(self, content):
        if self.call_id is not None:
            await database_sync_to_async(services.touch)(self.user.pk, self.call_id)
        await super().handle_ping(content)

    async def on_disconnect(self):
        if self.call_id is not None:
            later(
                settings.CALL_RECONNECT_SECONDS,
                database_sync_to_async(services.do_end_if_gone),
                self.call_id,
                self.user.pk,
                timezone.now(),
            )
        await super().on_disconnect()
