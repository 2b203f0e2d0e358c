"""The live room socket's video frames (mixed into LiveRoomConsumer):

media.join                  -> media.grant {janus_url, token, room, pin, feed, publish}
media.published / unpublished  (a publisher's browser says its stream changed: Django asks
                            Janus for the truth and publishes the feeds)
hand.raise, hand.lower      attendees (lower also leaves the stage)
stage.invite {user}, stage.remove {user}   hosts
"""

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from chat import schemas
from chat.actions.rooms import ChatError

from . import services, tasks

PERSON = {"user": (schemas.positive_id, schemas.REQUIRED)}
# type -> {field: (check, default)} (chat.schemas' grammar), checked before any handler runs
SCHEMAS = {
    "media.join": {},
    "media.published": {},
    "media.unpublished": {},
    "hand.raise": {},
    "hand.lower": {},
    "stage.invite": PERSON,
    "stage.remove": PERSON,
}
FRAME_TYPES = tuple(SCHEMAS)
# Frames that make the server broadcast or call Janus -> their rate bucket
RATE_LIMITED = {
    "media.published": "moderation",
    "media.unpublished": "moderation",
    "hand.raise": "vote",
    "hand.lower": "vote",
    "stage.invite": "moderation",
    "stage.remove": "moderation",
}


def register() -> None:
    """ChatConfig.ready(): the live room's socket accepts these frames, each checked by its
    schema in chat.schemas' grammar and rate limited like the rest."""
    schemas.SCHEMAS.update(SCHEMAS)
    schemas.RATE_LIMITED.update(RATE_LIMITED)


def _janus(function):
    """Calls that talk to Janus run in any pool thread, not the one shared sync thread."""
    return database_sync_to_async(function, thread_sensitive=False)


def _user_id(content):
    value = content.get("user")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ChatError("invalid", _("user must be a person's id."))
    return value


class MediaFramesMixin:
    published = False

    async def handle_media_join(self, content):
        grant = await _janus(services.do_grant)(self.access)
        self.published = self.published or grant["publish"]
        await self.send_json(grant)

    async def handle_media_published(self, content):
        self.published = True
        await _janus(services.do_reconcile)(self.access.session_id)

    handle_media_unpublished = handle_media_published

    async def handle_hand_raise(self, content):
        await _janus(services.do_raise_hand)(self.access)

    async def handle_hand_lower(self, content):
        await _janus(services.do_lower_hand)(self.access)

    async def handle_stage_invite(self, content):
        await _janus(services.do_bring_on_stage)(self.access, _user_id(content))

    async def handle_stage_remove(self, content):
        await _janus(services.do_take_off_stage)(self.access, _user_id(content))

    async def media_after_go_live(self):
        try:
            await _janus(services.do_open_room)(self.access.session_id)
        except services.MediaError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})

    async def media_after_end(self):
        await _janus(tasks.close_room)(self.access.session_id)

    async def media_on_disconnect(self):
        if self.published:  # a publisher's tab closed: its feed goes away
            await _janus(services.do_reconcile)(self.access.session_id)
