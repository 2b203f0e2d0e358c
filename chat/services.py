"""Every state change of live chat, and its broadcast.

check_* functions load, lock and validate, raising ChatError with a clear message; do_* functions
write, number the event in its room, and broadcast after the transaction commits. Consumers and
views call these and nothing else writes chat rows.

Rooms (see chat.models and chat.fanout): "lobby.<booth>", "staff.<booth>" (queue, for the
booth's staff), "conv.<conversation>", "booth.<booth>" (public summary: queue length, staff
online, visitors; state, not numbered), "user.<user>" (notifications and control events).
"""

import math
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booths import presence
from booths.models import Booth, Membership
from expo.lib import mail as expo_mail
from expo.lib.realtime import (
    control_on_commit,
    notify_user_on_commit,
    publish_fresh_on_commit,
    publish_on_commit,
    user_group,
)

from .models import Ban, Conversation, Event, Message, Mute, QueueEntry, Report, Room, TalentNote

MAX_MESSAGE_CHARS = 2000
HISTORY_PAGE = 50
REPLAY_LIMIT = 1000
QUEUE_SNAPSHOT_LIMIT = 200
PACE_WINDOW_MINUTES = 30
DEFAULT_MINUTES_PER_PERSON = 5


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


# --- Broadcasting: through expo.lib.realtime, the one door for realtime events -----------
def _language_of(user_id) -> str:
    """The language a user reads notifications and emails in (the profile's, User.language)."""
    from accounts.models import User

    language = User.objects.filter(pk=user_id).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


# --- Rooms and events --------------------------------------------------------------------------
def _locked_room(key: str) -> Room:
    try:
        with transaction.atomic():
            Room.objects.get_or_create(key=key)
    except IntegrityError:
        pass
    return Room.objects.select_for_update().get(key=key)


def _emit(room_key: str, kind: str, *, message=None, data=None) -> Event:
    """Number and store one event, broadcast it after commit. Call inside transaction.atomic."""
    room = _locked_room(room_key)
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    event = Event.objects.create(
        room=room, seq=room.last_seq, kind=kind, message=message, data=data or {}
    )
    event.room = room
    publish_on_commit(room_key, serialize_event(event), event.seq)
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


# --- Who may do what ----------------------------------------------------------------------------
def get_booth(booth_id) -> Booth:
    booth = Booth.objects.select_related("company", "edition").filter(pk=booth_id).first()
    if booth is None or booth.status != Booth.Status.APPROVED:
        raise ChatError("not_found", _("This booth does not exist or is not open."))
    return booth


def is_booth_staff(user, booth) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, company_id=booth.company_id).exists()
    )


def check_booth_staff(user, booth_id) -> Booth:
    booth = get_booth(booth_id)
    if not is_booth_staff(user, booth):
        raise ChatError("forbidden", _("Only this booth's staff may do that."))
    return booth


def check_expo_open(booth) -> None:
    """Lobbies and queues are live only while the expo is open (its dates, or the organiser's
    override); conversations already under way may finish."""
    from expo.models import expo_is_open

    if not expo_is_open(booth.edition):
        raise ChatError("expo_closed", _("The expo is closed now, so chat is closed too."))


def check_can_post(user, booth) -> None:
    """Signed in, active, not banned, not muted at this booth."""
    if not user.is_authenticated:
        raise ChatError("sign_in", _("Sign in to chat."))
    if not user.is_active:
        raise ChatError("forbidden", _("This account is disabled."))
    if Ban.objects.filter(user=user).exists():
        raise ChatError("banned", _("You are banned from the chats of this expo."))
    mute = (
        Mute.objects.filter(booth=booth, user=user, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )
    if mute is not None:
        until = timezone.localtime(mute.until).strftime("%H:%M")
        raise ChatError("muted", _("You are muted in this booth until %(time)s.") % {"time": until})


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


def _post(room_key, author, body, client_id, *, author_is_staff) -> tuple[dict, bool]:
    """Store a message once per client id; a resend returns the original event."""
    room = _locked_room(room_key)
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
    event = _emit(room_key, Event.Kind.MESSAGE, message=message)
    return serialize_event(event), True


# --- Lobby -------------------------------------------------------------------------------------
def do_post_lobby_message(user, booth_id, body, client_id) -> tuple[dict, bool]:
    """Persist a lobby message, then broadcast it to the lobby after commit."""
    body, client_id = clean_body(body), clean_client_id(client_id)
    booth = get_booth(booth_id)
    check_can_post(user, booth)
    check_expo_open(booth)
    with transaction.atomic():
        return _post(
            lobby_room(booth.pk), user, body, client_id, author_is_staff=is_booth_staff(user, booth)
        )


# --- Queue ---------------------------------------------------------------------------------------
def _queue_flag_key(user_id):
    return f"chat:queued:{user_id}"


def booth_summary(booth) -> dict:
    """Public live state of a booth: queue order, staff online, pace, visitors."""
    order = list(
        QueueEntry.objects.waiting()
        .filter(booth=booth)
        .order_by("joined_at", "pk")
        .values_list("pk", flat=True)[:QUEUE_SNAPSHOT_LIMIT]
    )
    waiting = len(order)
    if waiting == QUEUE_SNAPSHOT_LIMIT:
        waiting = QueueEntry.objects.waiting().filter(booth=booth).count()
    staff = list(
        Membership.objects.filter(company_id=booth.company_id).values_list(
            "user_id", "user__full_name", "user__email"
        )
    )
    online_ids = set(presence.online_staff({booth.pk: [s[0] for s in staff]})[booth.pk])
    online = [(name or email).split()[0] for uid, name, email in staff if uid in online_ids]
    taken = QueueEntry.objects.filter(
        booth=booth, taken_at__gte=timezone.now() - timedelta(minutes=PACE_WINDOW_MINUTES)
    ).count()
    if taken >= 2:
        per_person = PACE_WINDOW_MINUTES / taken
    else:
        per_person = DEFAULT_MINUTES_PER_PERSON / max(1, len(online))
    return {
        "type": "summary",
        "booth": booth.pk,
        "waiting": waiting,
        "order": order,
        "staff_online": len(online),
        "staff_names": sorted(online),
        "minutes_per_person": round(per_person, 1),
        "visitors": presence.visitor_count(booth.pk),
    }


def estimated_wait_minutes(position: int, minutes_per_person: float) -> int:
    return max(1, math.ceil(position * minutes_per_person))


def publish_booth_summary_on_commit(booth) -> None:
    publish_fresh_on_commit(booth_room(booth.pk), lambda: booth_summary(booth))


def queue_snapshot(booth) -> dict:
    """What the booth's staff see: waiting talent in order, messages left."""
    entries = (
        QueueEntry.objects.waiting()
        .filter(booth=booth)
        .select_related("talent__talent_profile")
        .order_by("joined_at", "pk")[:QUEUE_SNAPSHOT_LIMIT]
    )
    left = (
        Conversation.objects.filter(booth=booth, status=Conversation.Status.LEFT_MESSAGE)
        .select_related("talent")
        .order_by("opened_at")[:QUEUE_SNAPSHOT_LIMIT]
    )
    return {
        "type": "queue",
        "room": staff_room(booth.pk),
        "waiting": [
            {
                "entry": entry.pk,
                "name": entry.talent.get_full_name(),
                "headline": getattr(getattr(entry.talent, "talent_profile", None), "headline", ""),
                "since": entry.joined_at.isoformat(),
            }
            for entry in entries
        ],
        "messages_left": [
            {
                "conversation": conv.pk,
                "name": conv.talent.get_full_name(),
                "since": conv.opened_at.isoformat(),
                "url": reverse("chat:conversation", args=[conv.pk]),
            }
            for conv in left
        ],
    }


def _queue_changed(booth) -> None:
    """Number a queue event in the staff room and refresh the public summary."""
    room = _locked_room(staff_room(booth.pk))
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    Event.objects.create(room=room, seq=room.last_seq, kind=Event.Kind.QUEUE)
    seq = room.last_seq
    publish_fresh_on_commit(staff_room(booth.pk), lambda: {**queue_snapshot(booth), "id": seq}, seq)
    publish_booth_summary_on_commit(booth)


def my_queue_entry(user, booth) -> QueueEntry | None:
    if not user.is_authenticated:
        return None
    return QueueEntry.objects.waiting().filter(booth=booth, talent=user).first()


def do_join_queue(user, booth_id) -> QueueEntry:
    """Join (or stay in) a booth's queue; the staff room and the booth summary are updated."""
    booth = get_booth(booth_id)
    check_can_post(user, booth)
    check_expo_open(booth)
    if is_booth_staff(user, booth):
        raise ChatError("forbidden", _("You staff this booth."))
    now = timezone.now()
    with transaction.atomic():
        _locked_room(staff_room(booth.pk))  # serialises queue changes of this booth
        entry = QueueEntry.objects.waiting(now).filter(booth=booth, talent=user).first()
        if entry is not None:
            QueueEntry.objects.filter(pk=entry.pk).update(last_seen_at=now)
            return entry
        QueueEntry.objects.filter(
            booth=booth, talent=user, status=QueueEntry.Status.WAITING
        ).update(status=QueueEntry.Status.EXPIRED)
        entry = QueueEntry.objects.create(booth=booth, talent=user, joined_at=now, last_seen_at=now)
        _queue_changed(booth)
    from django.core.cache import cache

    cache.set(_queue_flag_key(user.pk), 1, settings.CHAT_QUEUE_GRACE_SECONDS * 10)
    return entry


def do_leave_queue(user, booth_id) -> None:
    booth = get_booth(booth_id)
    with transaction.atomic():
        _locked_room(staff_room(booth.pk))
        changed = QueueEntry.objects.filter(
            booth=booth, talent=user, status=QueueEntry.Status.WAITING
        ).update(status=QueueEntry.Status.LEFT)
        if changed:
            _queue_changed(booth)


def touch_queue_entries(user_id) -> int:
    """The talent is still around (any page with a socket): keep their places alive."""
    from django.core.cache import cache

    if not cache.get(_queue_flag_key(user_id)):
        return 0
    now = timezone.now()
    return QueueEntry.objects.waiting(now).filter(talent_id=user_id).update(last_seen_at=now)


def _new_conversation(booth, talent, recruiter, status) -> Conversation:
    room = Room.objects.create(key=f"conv.pending.{uuid.uuid4().hex}")
    conversation = Conversation.objects.create(
        booth=booth, talent=talent, recruiter=recruiter, room=room, status=status
    )
    room.key = conversation_room(conversation.pk)
    room.save(update_fields=["key"])
    return conversation


def _state_payload(conversation) -> dict:
    return {
        "status": conversation.status,
        "recruiter": conversation.recruiter.get_short_name() if conversation.recruiter else "",
        "recruiter_id": conversation.recruiter_id,
        "outcome": conversation.outcome,
        "outcome_label": conversation.get_outcome_display() if conversation.outcome else "",
        "outcome_note": conversation.outcome_note,
        "outcome_job_url": (
            reverse("jobs:detail", args=[conversation.outcome_job_id])
            if conversation.outcome_job_id and _has_url("jobs:detail")
            else ""
        ),
        "outcome_job_title": conversation.outcome_job.title if conversation.outcome_job_id else "",
    }


def _has_url(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def do_take(staff_user, booth_id, entry_id=None) -> Conversation:
    """A recruiter takes the next talent (or a chosen one) into a private conversation; both
    sides are told at once."""
    booth = check_booth_staff(staff_user, booth_id)
    with transaction.atomic():
        _locked_room(staff_room(booth.pk))
        entries = QueueEntry.objects.waiting().filter(booth=booth).order_by("joined_at", "pk")
        if entry_id is not None:
            entries = entries.filter(pk=entry_id)
        entry = entries.select_for_update(skip_locked=True).select_related("talent").first()
        if entry is None:
            raise ChatError("queue_empty", _("Nobody is waiting (any more)."))
        conversation = _new_conversation(booth, entry.talent, staff_user, Conversation.Status.OPEN)
        entry.status = QueueEntry.Status.TAKEN
        entry.taken_at = timezone.now()
        entry.conversation = conversation
        entry.save(update_fields=["status", "taken_at", "conversation"])
        _emit(conversation.room.key, Event.Kind.STATE, data=_state_payload(conversation))
        _queue_changed(booth)
        url = reverse("chat:conversation", args=[conversation.pk])
        with translation.override(_language_of(entry.talent_id)):
            notify_user_on_commit(
                entry.talent_id,
                {
                    "title": _("A recruiter is ready to talk"),
                    "body": _("%(name)s of %(company)s accepted your chat.")
                    % {"name": staff_user.get_short_name(), "company": booth.company.name},
                    "url": url,
                },
            )
        control_on_commit(
            user_group(entry.talent_id), {"kind": "accepted", "booth": booth.pk, "url": url}
        )
    return conversation


def do_leave_message(user, booth_id, body, client_id) -> Conversation:
    """Nobody online: the talent leaves a message, emailed to the booth's staff and shown in
    the console; it opens as a conversation when a recruiter picks it up."""
    body, client_id = clean_body(body), clean_client_id(client_id)
    booth = get_booth(booth_id)
    check_can_post(user, booth)
    check_expo_open(booth)
    if is_booth_staff(user, booth):
        raise ChatError("forbidden", _("You staff this booth."))
    with transaction.atomic():
        _locked_room(staff_room(booth.pk))
        existing = Conversation.objects.filter(
            booth=booth,
            talent=user,
            status=Conversation.Status.LEFT_MESSAGE,
            room__messages__client_id=client_id,
        ).first()
        if existing is not None:
            return existing
        conversation = _new_conversation(booth, user, None, Conversation.Status.LEFT_MESSAGE)
        _post(conversation.room.key, user, body, client_id, author_is_staff=False)
        _queue_changed(booth)
        _email_left_message(booth, user, body, conversation)
    return conversation


def _email_left_message(booth, talent, body, conversation):
    staff = [
        m.user
        for m in Membership.objects.filter(company_id=booth.company_id).select_related("user")
    ]
    if not staff:
        return
    context = {
        "booth": booth,
        "company": booth.company,
        "talent": talent,
        "body": body,
        "path": reverse("chat:conversation", args=[conversation.pk]),
    }
    # Each member of staff reads it in their own language (not the talent's); expo.lib.mail queues
    # the delivery task after commit.
    expo_mail.send_templated_email("chat/email/left_message", staff, context)


def do_pick_up(staff_user, conversation_id) -> Conversation:
    """A recruiter picks up a message left while nobody was online."""
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("booth", "room")
            .filter(pk=conversation_id)
            .first()
        )
        if conversation is None or not is_booth_staff(staff_user, conversation.booth):
            raise ChatError("not_found", _("This conversation does not exist."))
        if conversation.status != Conversation.Status.LEFT_MESSAGE:
            raise ChatError("conflict", _("A colleague has already picked this up."))
        conversation.status = Conversation.Status.OPEN
        conversation.recruiter = staff_user
        conversation.save(update_fields=["status", "recruiter"])
        _emit(conversation.room.key, Event.Kind.STATE, data=_state_payload(conversation))
        _queue_changed(conversation.booth)
        with translation.override(_language_of(conversation.talent_id)):
            notify_user_on_commit(
                conversation.talent_id,
                {
                    "title": _("A recruiter replied to your message"),
                    "body": conversation.booth.company.name,
                    "url": reverse("chat:conversation", args=[conversation.pk]),
                },
            )
    return conversation


# --- Conversations ---------------------------------------------------------------------------
def check_conversation_access(user, conversation_id) -> Conversation:
    """The two sides and organiser staff; everyone else gets "not found" (ids leak nothing)."""
    conversation = (
        Conversation.objects.select_related("booth__company", "room", "talent", "recruiter")
        .filter(pk=conversation_id)
        .first()
    )
    if (
        conversation is None
        or not user.is_authenticated
        or not user.is_active
        or not (
            user.pk in (conversation.talent_id, conversation.recruiter_id)
            or user.is_staff
            or (
                conversation.status == Conversation.Status.LEFT_MESSAGE
                and is_booth_staff(user, conversation.booth)
            )
        )
    ):
        raise ChatError("not_found", _("This conversation does not exist."))
    return conversation


def do_post_conversation_message(user, conversation_id, body, client_id) -> tuple[dict, bool]:
    body, client_id = clean_body(body), clean_client_id(client_id)
    with transaction.atomic():
        conversation = check_conversation_access(user, conversation_id)
        if user.pk not in (conversation.talent_id, conversation.recruiter_id):
            raise ChatError("forbidden", _("Only the two sides of a conversation write in it."))
        if conversation.status != Conversation.Status.OPEN:
            raise ChatError("closed", _("This conversation is closed."))
        check_can_post(user, conversation.booth)
        event, created = _post(
            conversation.room.key,
            user,
            body,
            client_id,
            author_is_staff=user.pk == conversation.recruiter_id,
        )
        if created:
            other = (
                conversation.recruiter_id
                if user.pk == conversation.talent_id
                else conversation.talent_id
            )
            if other:
                control_on_commit(
                    user_group(other), {"kind": "activity", "conversation": conversation.pk}
                )
    return event, created


def do_mark_read(user, conversation_id, seq) -> None:
    """Read receipts: the side's read mark only moves forward; the other side sees the tick."""
    if not isinstance(seq, int) or seq < 0:
        raise ChatError("invalid", _("Send the id of the last event read."))
    conversation = check_conversation_access(user, conversation_id)
    if user.pk == conversation.talent_id:
        field = "talent_read_seq"
    elif user.pk == conversation.recruiter_id:
        field = "staff_read_seq"
    else:
        return
    seq = min(seq, conversation.room.last_seq)
    with transaction.atomic():
        updated = Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}).update(
            **{field: seq}
        )
        if updated:
            publish_on_commit(
                conversation.room.key,
                {"type": "read", "room": conversation.room.key, "by": user.pk, "up_to": seq},
            )


def do_handover(staff_user, conversation_id, to_user_id) -> Conversation:
    with transaction.atomic():
        conversation = check_conversation_access(staff_user, conversation_id)
        if staff_user.pk != conversation.recruiter_id:
            raise ChatError("forbidden", _("Only the recruiter in charge can hand this over."))
        if conversation.status != Conversation.Status.OPEN:
            raise ChatError("closed", _("This conversation is closed."))
        colleague = (
            Membership.objects.select_related("user")
            .filter(company_id=conversation.booth.company_id, user_id=to_user_id)
            .exclude(user_id=staff_user.pk)
            .first()
        )
        if colleague is None:
            raise ChatError("invalid", _("Choose a colleague of your company."))
        conversation.recruiter = colleague.user
        conversation.save(update_fields=["recruiter"])
        _emit(conversation.room.key, Event.Kind.STATE, data=_state_payload(conversation))
        # The previous recruiter's sockets re-check their rights and close.
        control_on_commit(conversation.room.key, {"kind": "recheck"})
        with translation.override(_language_of(colleague.user_id)):
            notify_user_on_commit(
                colleague.user_id,
                {
                    "title": _("A conversation was handed to you"),
                    "body": _("%(name)s handed you %(talent)s.")
                    % {"name": staff_user.get_short_name(), "talent": conversation.talent},
                    "url": reverse("chat:conversation", args=[conversation.pk]),
                },
            )
    return conversation


def do_close(staff_user, conversation_id, outcome, note="", job=None) -> Conversation:
    """End with an outcome the talent sees."""
    if outcome not in Conversation.Outcome.values:
        raise ChatError("invalid", _("Choose an outcome."))
    with transaction.atomic():
        conversation = check_conversation_access(staff_user, conversation_id)
        if staff_user.pk != conversation.recruiter_id:
            raise ChatError("forbidden", _("Only the recruiter in charge can close this."))
        if conversation.status != Conversation.Status.OPEN:
            raise ChatError("closed", _("This conversation is already closed."))
        if job is not None and job.company_id != conversation.booth.company_id:
            raise ChatError("invalid", _("Choose one of your company's jobs."))
        conversation.status = Conversation.Status.CLOSED
        conversation.closed_at = timezone.now()
        conversation.outcome = outcome
        conversation.outcome_note = (note or "")[:1000]
        conversation.outcome_job = job
        conversation.save(
            update_fields=["status", "closed_at", "outcome", "outcome_note", "outcome_job"]
        )
        _emit(conversation.room.key, Event.Kind.STATE, data=_state_payload(conversation))
        with translation.override(_language_of(conversation.talent_id)):
            notify_user_on_commit(
                conversation.talent_id,
                {
                    "title": _("Your chat with %(company)s ended")
                    % {"company": conversation.booth.company.name},
                    "body": conversation.get_outcome_display(),
                    "url": reverse("chat:conversation", args=[conversation.pk]),
                },
            )
    return conversation


def do_save_note(staff_user, talent_id, notes, rating) -> TalentNote:
    membership = Membership.objects.filter(user=staff_user).first()
    if membership is None:
        raise ChatError("forbidden", _("Only employer staff keep notes."))
    if rating is not None and rating not in range(1, 6):
        raise ChatError("invalid", _("A rating is 1 to 5 stars."))
    note, _created = TalentNote.objects.update_or_create(
        company_id=membership.company_id,
        talent_id=talent_id,
        defaults={"notes": notes[:5000], "rating": rating, "updated_by": staff_user},
    )
    return note


# --- Moderation ----------------------------------------------------------------------------------
def _booth_of_room(room_key) -> int | None:
    kind, _sep, rest = room_key.partition(".")
    if kind == "lobby":
        return int(rest)
    if kind == "conv":
        return Conversation.objects.filter(pk=int(rest)).values_list("booth_id", flat=True).first()
    return None


def _can_see_room(user, room_key) -> bool:
    if room_key.startswith("lobby."):
        return True
    if room_key.startswith("conv."):
        try:
            check_conversation_access(user, int(room_key.split(".")[1]))
        except ChatError:
            return False
        return True
    return False


def check_moderator(user, message_id) -> Message:
    message = Message.objects.select_related("room").filter(pk=message_id).first()
    booth_id = _booth_of_room(message.room.key) if message is not None else None
    if message is None or booth_id is None:
        raise ChatError("not_found", _("This message does not exist."))
    if not (
        user.is_staff or Membership.objects.filter(user=user, company__booths=booth_id).exists()
    ):
        raise ChatError("forbidden", _("Only the booth's staff and organisers moderate."))
    return message


def do_delete_message(user, message_id) -> None:
    """The message disappears for everyone (live, and on replay)."""
    with transaction.atomic():
        message = check_moderator(user, message_id)
        updated = Message.objects.filter(pk=message.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=user
        )
        if updated:
            _emit(message.room.key, Event.Kind.DELETED, data={"message_id": message.pk})


def do_mute(staff_user, booth_id, user_id, minutes) -> Mute:
    booth = get_booth(booth_id)
    if not (staff_user.is_staff or is_booth_staff(staff_user, booth)):
        raise ChatError("forbidden", _("Only the booth's staff and organisers moderate."))
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ChatError("invalid", _("Mute for 1 minute to 24 hours."))
    if Membership.objects.filter(user_id=user_id, company_id=booth.company_id).exists():
        raise ChatError("invalid", _("Colleagues cannot be muted."))
    from accounts.models import User

    if not User.objects.filter(pk=user_id).exists():
        raise ChatError("not_found", _("This user does not exist."))
    return Mute.objects.create(
        booth=booth,
        user_id=user_id,
        until=timezone.now() + timedelta(minutes=minutes),
        muted_by=staff_user,
    )


def do_report(user, message_id, reason="") -> Report:
    if not user.is_authenticated:
        raise ChatError("sign_in", _("Sign in to report a message."))
    message = Message.objects.select_related("room").filter(pk=message_id).first()
    if message is None or not _can_see_room(user, message.room.key):
        raise ChatError("not_found", _("This message does not exist."))
    report, _created = Report.objects.get_or_create(
        message=message, reporter=user, defaults={"reason": str(reason or "")[:500]}
    )
    return report


def open_reports(booth):
    """Unresolved reports on messages of this booth's lobby and conversations."""
    return (
        Report.objects.filter(resolved=False)
        .filter(
            Q(message__room__key=lobby_room(booth.pk)) | Q(message__room__conversation__booth=booth)
        )
        .select_related("message__author", "reporter")
        .order_by("-created_at")
    )


def unread_counts(user, conversations) -> dict[int, int]:
    """Messages from the other side after the user's read mark, per conversation, one query."""
    ids = [c.pk for c in conversations]
    counts = {}
    # Count against the read mark: messages whose event seq is above it.
    rows = (
        Event.objects.filter(room__conversation__in=ids, kind=Event.Kind.MESSAGE)
        .exclude(message__author=user)
        .values_list("room__conversation", "seq")
    )
    marks = {
        c.pk: (c.staff_read_seq if user.pk == c.recruiter_id else c.talent_read_seq)
        for c in conversations
    }
    for conversation_id, seq in rows:
        if seq > marks.get(conversation_id, 0):
            counts[conversation_id] = counts.get(conversation_id, 0) + 1
    return counts


def booth_summaries(booths) -> dict[int, dict]:
    """Queue length and staff online for many booths (the hall), in two queries."""
    booths = list(booths)
    waiting = dict(
        QueueEntry.objects.waiting()
        .filter(booth__in=booths)
        .values("booth")
        .annotate(n=Count("pk"))
        .values_list("booth", "n")
    )
    online = presence.online_staff(presence.staff_by_booth(booths))
    return {
        booth.pk: {"waiting": waiting.get(booth.pk, 0), "staff_online": len(online[booth.pk])}
        for booth in booths
    }
