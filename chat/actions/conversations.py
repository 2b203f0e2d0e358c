"""1:1 conversations between a talent and a recruiter: messages, read receipts,
hand-over, closing with an outcome, the recruiter's notes on a talent."""

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booths.models import Membership
from expo.lib.realtime import (
    control_on_commit,
    notify_user_on_commit,
    publish_on_commit,
    user_group,
)

from ..models import Conversation, Event, Room, TalentNote
from .access import check_can_post, check_conversation_access
from .messages import clean_body, clean_client_id, post_message
from .rooms import ChatError, conversation_room, emit, language_of, locked_room


def new_conversation(booth, talent, recruiter, status) -> Conversation:
    room = Room.objects.create(key=f"conv.pending.{uuid.uuid4().hex}")
    conversation = Conversation.objects.create(
        booth=booth, talent=talent, recruiter=recruiter, room=room, status=status
    )
    room.key = conversation_room(conversation.pk)
    room.save(update_fields=["key"])
    return conversation


def state_payload(conversation) -> dict:
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


def do_post_conversation_message(user, conversation_id, body, client_id) -> tuple[dict, bool]:
    body, client_id = clean_body(body), clean_client_id(client_id)
    with transaction.atomic():
        conversation = check_conversation_access(user, conversation_id)
        if user.pk not in (conversation.talent_id, conversation.recruiter_id):
            raise ChatError("forbidden", _("Only the two sides of a conversation write in it."))
        if conversation.status != Conversation.Status.OPEN:
            raise ChatError("closed", _("This conversation is closed."))
        check_can_post(user, conversation.booth)
        event, created = post_message(
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
        emit(locked_room(conversation.room.key), Event.Kind.STATE, data=state_payload(conversation))
        # The previous recruiter's sockets re-check their rights and close.
        control_on_commit(conversation.room.key, {"kind": "recheck"})
        with translation.override(language_of(colleague.user_id)):
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
        emit(locked_room(conversation.room.key), Event.Kind.STATE, data=state_payload(conversation))
        with translation.override(language_of(conversation.talent_id)):
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
