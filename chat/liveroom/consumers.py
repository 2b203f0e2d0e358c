"""The live room socket, /ws/sessions/<pk>/, built on chat's LiveConsumer (per-process fan-out,
frame validation, slow-client handling, replay with `sync`). Thin: authorise on connect, call
chat.liveroom.services for each frame.

Client frames: ping; sync {room, last_event_id}; ask {body}; upvote {question};
react {reaction}; host only: go_live, end, slide {index}, answer / hide / reopen {question};
the video's frames (media.*, hand.*, stage.*): chat.liveroom.media.consumers.
Connect with ?last_event_id=N after a drop to get the events missed since N after the state,
instead of the whole question list.
"""

from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from chat import fanout
from chat.actions.rooms import ChatError
from chat.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    LiveConsumer,
)

from . import services
from .media.consumers import FRAME_TYPES as MEDIA_FRAME_TYPES
from .media.consumers import MediaFramesMixin

CLOSE_GONE = 4410
REFUSALS = {"missing": CLOSE_NOT_FOUND, "cancelled": CLOSE_GONE, "forbidden": CLOSE_FORBIDDEN}
MODERATION = {"answer": "answered", "hide": "hidden", "reopen": "open"}


def _id(value, name):
    """A non-negative int from a frame (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChatError("invalid", _("%(name)s must be a number.") % {"name": name})
    return value


class LiveRoomConsumer(MediaFramesMixin, LiveConsumer):
    frame_types = (
        *LiveConsumer.frame_types,
        "ask",
        "upvote",
        "react",
        "go_live",
        "end",
        "slide",
        "answer",
        "hide",
        "reopen",
        *MEDIA_FRAME_TYPES,
    )
    access = None
    attendance_id = None

    async def connect(self):
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse(CLOSE_UNAUTHENTICATED, _("Sign in to join the live room."))
        session_id = self.scope["url_route"]["kwargs"]["pk"]
        try:
            self.access = await database_sync_to_async(services.check_access)(session_id, self.user)
        except ChatError as error:
            return await self.refuse(REFUSALS.get(error.code, CLOSE_FORBIDDEN), error.message)
        self.room = services.room_key(session_id)
        self.replay_rooms = (self.room,)
        await self.accept()
        # Live events wait while the state is read, then follow it in order: none is lost.
        self._buffering[self.room] = buffer = []
        try:
            await self.join(self.room)
            await self.join_user_room()  # logout or a ban closes the socket (revoke)
            self.attendance_id = await database_sync_to_async(services.join)(self.access)
            first = await self._call(services.hello, self._last_event_id())
            for event in first:
                await self.send_json(event)
            sent = max(event["id"] for event in first)
        finally:
            self._buffering.pop(self.room, None)
        for event_id, text in buffer:
            if event_id > sent:
                self._write(text)

    async def on_disconnect(self):
        if self.attendance_id is not None:
            await database_sync_to_async(services.leave)(self.attendance_id)
        if self.access is not None:
            await self.media_on_disconnect()

    def _last_event_id(self):
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        value = (query.get("last_event_id") or [""])[0]
        return int(value) if value.isdigit() and len(value) < 19 else None

    def _load_missed(self, room, last):
        return services.events_since(self.access, last)

    async def _call(self, function, *args):
        return await database_sync_to_async(function)(self.access, *args)

    # --- Frames --------------------------------------------------------------------------
    async def handle_ask(self, content):
        body = content.get("body")
        if not isinstance(body, str):
            raise ChatError("invalid", _("Write your question as text."))
        await self._call(services.ask, body)

    async def handle_upvote(self, content):
        question = _id(content.get("question"), "question")
        await self._call(services.upvote, question)
        await self.send_json({"type": "voted", "question": question})

    async def handle_react(self, content):
        reaction = content.get("reaction")
        if not isinstance(reaction, str):
            raise ChatError("invalid", _("Unknown reaction."))
        text = await sync_to_async(services.reaction_text, thread_sensitive=False)(
            self.access, reaction
        )
        if text is not None:
            await fanout.publish(self.room, text, None)

    async def handle_go_live(self, content):
        await self._call(services.go_live)
        await self.media_after_go_live()

    async def handle_end(self, content):
        await self._call(services.end)
        await self.media_after_end()

    async def handle_slide(self, content):
        await self._call(services.set_slide, _id(content.get("index"), "index"))

    async def _moderate(self, content, status):
        await self._call(services.moderate, _id(content.get("question"), "question"), status)

    async def handle_answer(self, content):
        await self._moderate(content, MODERATION["answer"])

    async def handle_hide(self, content):
        await self._moderate(content, MODERATION["hide"])

    async def handle_reopen(self, content):
        await self._moderate(content, MODERATION["reopen"])
