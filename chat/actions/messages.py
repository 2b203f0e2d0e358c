"""Writing a message: its text checked, stored once per client id, numbered in its room."""

import uuid

from django.utils.translation import gettext as _

from ..models import Event, Message
from .rooms import ChatError, emit, locked_room, serialize_event

MAX_MESSAGE_CHARS = 2000


def clean_body(body) -> str:
    if not isinstance(body, str):
        raise ChatError("invalid", _("A message is text."))
    body = "".join(ch for ch in body if ch in "\n\t" or ch.isprintable()).strip()
    if not body:
        raise ChatError("invalid", _("Write something first."))
    if len(body) > MAX_MESSAGE_CHARS:
        raise ChatError(
            "too_long",
            _("A message is at most %(max)d characters.") % {"max": MAX_MESSAGE_CHARS},
        )
    return body


def clean_client_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise ChatError("invalid", _("A message needs a client id (a UUID).")) from None


def post_message(room_key, author, body, client_id, *, author_is_staff) -> tuple[dict, bool]:
    """Store a message once per client id; a resend returns the original event."""
    room = locked_room(room_key)
    existing = (
        Event.objects.filter(room=room, message__author=author, message__client_id=client_id)
        .select_related("room", "message__author")
        .first()
    )
    if existing is not None:
        return serialize_event(existing), False
    message = Message.objects.create(
        room=room, author=author, body=body, client_id=client_id, author_is_staff=author_is_staff
    )
    event = emit(room, Event.Kind.MESSAGE, message=message)
    return serialize_event(event), True
