"""Rooms and their numbered events: naming, locking, numbering, replay and history.

Rooms (see chat.models and chat.fanout): "lobby.<booth>", "staff.<booth>" (queue, for the
booth's staff), "conv.<conversation>", "booth.<booth>" (public summary: queue length, staff
online, visitors; state, not numbered), "user.<user>" (notifications and control events, see
expo.lib.realtime). Every numbered event is stored before it is published after the commit, so
a client that missed some asks for those after the last id it saw."""

from django.conf import settings
from django.db import IntegrityError, transaction

from expo.lib.realtime import (
    publish_on_commit,
)

from ..models import Event, Message, Room

HISTORY_PAGE = 50


REPLAY_LIMIT = 1000


class ChatError(Exception):
    """A refusal with a machine code and a message for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def lobby_room(booth_id):
    return f"lobby.{booth_id}"


def staff_room(booth_id):
    return f"staff.{booth_id}"


def booth_room(booth_id):
    return f"booth.{booth_id}"


def conversation_room(conversation_id):
    return f"conv.{conversation_id}"


def language_of(user_id) -> str:
    """The language a user reads notifications and emails in (the profile's, User.language)."""
    from accounts.models import User

    language = User.objects.filter(pk=user_id).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def locked_room(key: str) -> Room:
    try:
        with transaction.atomic():
            Room.objects.get_or_create(key=key)
    except IntegrityError:
        pass
    return Room.objects.select_for_update().get(key=key)


def emit(room: Room, kind: str, *, message=None, data=None) -> Event:
    """Number and store one event in a room that locked_room() locked (a change locks its room
    once), and publish it after the commit. Call inside transaction.atomic."""
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    event = Event.objects.create(
        room=room, seq=room.last_seq, kind=kind, message=message, data=data or {}
    )
    event.room = room
    publish_on_commit(room.key, serialize_event(event), event.seq)
    return event


def serialize_message(message: Message) -> dict:
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "author_id": message.author_id,
        "author": message.author.get_short_name() if not deleted else "",
        "staff": message.author_is_staff,
        "body": "" if deleted else message.body,
        "deleted": deleted,
        "sent_at": message.created_at.isoformat(),
        "client_id": str(message.client_id),
    }


def serialize_event(event: Event) -> dict:
    payload = {"type": event.kind, "room": event.room.key, "id": event.seq}
    if event.kind == Event.Kind.MESSAGE:
        payload["message"] = serialize_message(event.message)
    else:
        payload.update(event.data)
    return payload


def events_since(room_key: str, last_seq: int, limit: int = REPLAY_LIMIT) -> list[dict]:
    """What a reconnecting client missed, rebuilt from the database (deleted messages replay as
    deleted). Access to the room is checked by the caller on this call too."""
    events = (
        Event.objects.filter(room__key=room_key, seq__gt=last_seq)
        .select_related("room", "message__author")
        .order_by("seq")[:limit]
    )
    return [serialize_event(event) for event in events]


def room_last_seq(room_key: str) -> int:
    return Room.objects.filter(key=room_key).values_list("last_seq", flat=True).first() or 0


def history(room_key: str, before_seq: int | None = None, limit: int = HISTORY_PAGE) -> dict:
    """The last `limit` messages (before an event id for "load earlier"), oldest first."""
    events = Event.objects.filter(
        room__key=room_key, kind=Event.Kind.MESSAGE, message__deleted_at__isnull=True
    )
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    page = list(events.select_related("room", "message__author").order_by("-seq")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "messages": [serialize_event(event) for event in reversed(page)],
        "more": more,
        "last_event_id": room_last_seq(room_key),
    }
