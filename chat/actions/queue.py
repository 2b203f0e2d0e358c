"""A booth's 1:1 queue: joining and leaving, the public summary and the staff's snapshot,
taking the next talent, messages left for later."""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booths import presence
from booths.models import Membership
from expo.lib import mail as expo_mail
from expo.lib.realtime import (
    control_on_commit,
    notify_user_on_commit,
    publish_fresh_on_commit,
    user_group,
)

from ..hall import waiting_counts
from ..models import Conversation, Event, QueueEntry
from .access import check_booth_staff, check_can_post, check_expo_open, get_booth, is_booth_staff
from .conversations import new_conversation, state_payload
from .messages import clean_body, clean_client_id, post_message
from .rooms import ChatError, booth_room, emit, language_of, locked_room, staff_room

QUEUE_SNAPSHOT_LIMIT = 200
PACE_WINDOW_MINUTES = 30

DEFAULT_MINUTES_PER_PERSON = 5


def live_changed_on_commit(user_id: int) -> None:
    """Every tab of this user recomputes its live state (chat.live): a queue joined or left,
    a recruiter calling, an answer, a skip."""
    control_on_commit(user_group(user_id), {"kind": "live"})


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
    here = presence.booth_presence([booth.pk])[booth.pk]
    team = {s[0] for s in staff}
    online = [(name or email).split()[0] for uid, name, email in staff if uid in here["online"]]
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
        "staff_idle": len(here["idle"] & team),
        "console_staff": len(here["console"] & team),
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


def queue_changed(booth, room) -> None:
    """Number a queue event in the staff room (locked by the caller: its lock serialises the
    booth's queue changes) and refresh the public summary."""
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
        queue_room = locked_room(staff_room(booth.pk))  # serialises queue changes of this booth
        entry = QueueEntry.objects.waiting(now).filter(booth=booth, talent=user).first()
        if entry is not None:
            QueueEntry.objects.filter(pk=entry.pk).update(last_seen_at=now)
            return entry
        QueueEntry.objects.filter(
            booth=booth, talent=user, status=QueueEntry.Status.WAITING
        ).update(status=QueueEntry.Status.EXPIRED)
        entry = QueueEntry.objects.create(booth=booth, talent=user, joined_at=now, last_seen_at=now)
        queue_changed(booth, queue_room)
        live_changed_on_commit(user.pk)
    from django.core.cache import cache

    cache.set(_queue_flag_key(user.pk), 1, settings.CHAT_QUEUE_GRACE_SECONDS * 10)
    return entry


def do_leave_queue(user, booth_id) -> None:
    booth = get_booth(booth_id)
    with transaction.atomic():
        queue_room = locked_room(staff_room(booth.pk))
        changed = QueueEntry.objects.filter(
            booth=booth, talent=user, status=QueueEntry.Status.WAITING
        ).update(status=QueueEntry.Status.LEFT)
        if changed:
            queue_changed(booth, queue_room)
            live_changed_on_commit(user.pk)


def touch_queue_entries(user_id) -> int:
    """The talent is still around (any page with a socket): keep their places alive."""
    from django.core.cache import cache

    if not cache.get(_queue_flag_key(user_id)):
        return 0
    now = timezone.now()
    return QueueEntry.objects.waiting(now).filter(talent_id=user_id).update(last_seen_at=now)


def do_take(staff_user, booth_id, entry_id=None) -> Conversation:
    """A recruiter takes the next talent (or a chosen one) into a private conversation; both
    sides are told at once."""
    booth = check_booth_staff(staff_user, booth_id)
    with transaction.atomic():
        queue_room = locked_room(staff_room(booth.pk))
        entries = QueueEntry.objects.waiting().filter(booth=booth).order_by("joined_at", "pk")
        if entry_id is not None:
            entries = entries.filter(pk=entry_id)
        entry = entries.select_for_update(skip_locked=True).select_related("talent").first()
        if entry is None:
            raise ChatError("queue_empty", _("Nobody is waiting (any more)."))
        conversation = new_conversation(booth, entry.talent, staff_user, Conversation.Status.OPEN)
        entry.status = QueueEntry.Status.TAKEN
        entry.taken_at = timezone.now()
        entry.conversation = conversation
        entry.save(update_fields=["status", "taken_at", "conversation"])
        calling_until = entry.taken_at + timedelta(seconds=settings.CHAT_ANSWER_SECONDS)
        emit(
            locked_room(conversation.room.key),
            Event.Kind.STATE,
            data={**state_payload(conversation), "calling_until": calling_until.isoformat()},
        )
        queue_changed(booth, queue_room)
        url = reverse("chat:conversation", args=[conversation.pk])
        with translation.override(language_of(entry.talent_id)):
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
        live_changed_on_commit(entry.talent_id)
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
        queue_room = locked_room(staff_room(booth.pk))
        existing = Conversation.objects.filter(
            booth=booth,
            talent=user,
            status=Conversation.Status.LEFT_MESSAGE,
            room__messages__client_id=client_id,
        ).first()
        if existing is not None:
            return existing
        conversation = new_conversation(booth, user, None, Conversation.Status.LEFT_MESSAGE)
        post_message(conversation.room.key, user, body, client_id, author_is_staff=False)
        queue_changed(booth, queue_room)
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
        emit(locked_room(conversation.room.key), Event.Kind.STATE, data=state_payload(conversation))
        queue_changed(conversation.booth, locked_room(staff_room(conversation.booth_id)))
        with translation.override(language_of(conversation.talent_id)):
            notify_user_on_commit(
                conversation.talent_id,
                {
                    "title": _("A recruiter replied to your message"),
                    "body": conversation.booth.company.name,
                    "url": reverse("chat:conversation", args=[conversation.pk]),
                },
            )
    return conversation


def live_panel_key(booth_id):
    """The cached public part of a booth's live panel (chat/templatetags/chat_tags.py)."""
    return f"chat:live-panel:{booth_id}"


def booth_summaries(booths) -> dict[int, dict]:
    """Queue length and staff online for many booths (the hall's poll): one query for their
    staff, one cache round trip for the heartbeats, the queue lengths as the hall counts them
    (chat/hall.py)."""
    booths = list(booths)
    online = presence.online_staff(presence.staff_by_booth(booths))
    waiting_counts(booths)
    waiting = {booth.pk: booth.waiting_count for booth in booths}
    return {
        booth.pk: {"waiting": waiting.get(booth.pk, 0), "staff_online": len(online[booth.pk])}
        for booth in booths
    }
