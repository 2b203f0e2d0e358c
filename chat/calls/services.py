"""Every state change of a call, recorded as an event in the conversation's room.

    ringing --accept--> active --hang up / lost / revoked / closed--> ended
       |--decline--> declined    |--no answer in CALL_RING_SECONDS--> missed
       '--caller hangs up (or leaves, or loses access)--> cancelled

check_* functions load and validate (raising ChatError with a message for people); do_* write,
number a "call" event in the conversation's room (both sides and organiser staff see it, live
and on replay) and tell the callee's other pages (the per-user notification socket) after the
transaction commits. Signalling (offers, answers, ICE candidates) is never stored: it passes
through chat.calls.consumer once check_signal has said where it may go.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat.actions.access import check_can_post, check_conversation_access, is_booth_staff
from chat.actions.rooms import ChatError, emit, language_of, locked_room
from chat.models import Conversation, Event
from expo.lib.realtime import publish_on_commit, user_group

from .models import Call

RELATED = ("conversation__room", "conversation__booth__company", "caller", "callee")
FINISHED = (
    Call.Status.ENDED,
    Call.Status.DECLINED,
    Call.Status.MISSED,
    Call.Status.CANCELLED,
)


# --- Who may call ----------------------------------------------------------------------------
def check_call_party(user, conversation_id) -> Conversation:
    """The two sides of an open conversation, allowed to write in it (active, not banned, not
    muted at the booth), while the recruiter still staffs the booth. Organiser staff may read
    the conversation but never ring, answer or join."""
    conversation = check_conversation_access(user, conversation_id)
    if user.pk not in (conversation.talent_id, conversation.recruiter_id):
        raise ChatError("forbidden", _("Only the two sides of a conversation can call."))
    if conversation.status != Conversation.Status.OPEN:
        raise ChatError("closed", _("This conversation is closed."))
    check_can_post(user, conversation.booth)
    if not is_booth_staff(conversation.recruiter, conversation.booth):
        raise ChatError("forbidden", _("The recruiter no longer staffs this booth."))
    return conversation


def _locked_call(user, call_id) -> Call:
    call = Call.objects.select_for_update().select_related(*RELATED).filter(pk=call_id).first()
    if call is None or user.pk not in (call.caller_id, call.callee_id):
        raise ChatError("not_found", _("This call does not exist."))
    return call


def _ring_deadline(call, now):
    return call.rang_at + timedelta(seconds=settings.CALL_RING_SECONDS) <= now


# --- Recording --------------------------------------------------------------------------------
def call_payload(call) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "call": call.pk,
        "conversation": call.conversation_id,
        "state": call.status,
        "kind": call.kind,
        "caller_id": call.caller_id,
        "callee_id": call.callee_id,
        "caller": call.caller.get_short_name(),
        "callee": call.callee.get_short_name(),
        "rang_at": iso(call.rang_at),
        "answered_at": iso(call.answered_at),
        "ended_at": iso(call.ended_at),
        "duration": call.duration_seconds,
        "reason": call.end_reason,
    }


def _record(call) -> None:
    """Number the call's new state in the conversation's room, and tell the callee's pages
    (a ringing call shows on any page; any other state takes that notice away)."""
    payload = call_payload(call)
    emit(locked_room(call.conversation.room.key), Event.Kind.CALL, data=payload)
    with translation.override(language_of(call.callee_id)):
        notice = {
            "type": "call",
            **payload,
            "url": reverse("chat:conversation", args=[call.conversation_id]),
            "title": (
                _("%(name)s is video calling you")
                if call.kind == Call.Kind.VIDEO
                else _("%(name)s is calling you")
            )
            % {"name": call.caller.get_short_name()},
            "body": call.conversation.booth.company.name,
        }
    publish_on_commit(user_group(call.callee_id), notice)


def _finish(call, status, reason, by=None, now=None) -> Call:
    call.status = status
    call.end_reason = reason
    call.ended_at = now or timezone.now()
    call.ended_by = by
    call.save(update_fields=["status", "end_reason", "ended_at", "ended_by"])
    _record(call)
    return call


def _end_live(call, reason, by=None, now=None) -> Call:
    """End a live call for a reason that is nobody's choice (lost, revoked, closed)."""
    if call.status == Call.Status.ACTIVE:
        return _finish(call, Call.Status.ENDED, reason, by, now)
    return _finish(call, Call.Status.CANCELLED, reason, by, now)


# --- The lifecycle ------------------------------------------------------------------------------
def do_ring(user, conversation_id, kind) -> Call:
    """Ring the other side of the conversation. Refused while either side is in another call
    or this conversation already has one."""
    if kind not in Call.Kind.values:
        raise ChatError("invalid", _('kind is "video" or "voice".'))
    now = timezone.now()
    with transaction.atomic():
        conversation = check_call_party(user, conversation_id)
        # Serialise the calls of this conversation (two sides ringing at once).
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        for due in Call.objects.select_for_update().filter(
            conversation=conversation, status=Call.Status.RINGING
        ):
            if _ring_deadline(due, now):
                _finish(due, Call.Status.MISSED, Call.EndReason.NO_ANSWER, now=now)
        if Call.objects.live().filter(conversation=conversation).exists():
            raise ChatError("busy", _("A call is already under way in this conversation."))
        callee_id = (
            conversation.recruiter_id
            if user.pk == conversation.talent_id
            else conversation.talent_id
        )
        if Call.objects.live().involving(user.pk).exists():
            raise ChatError("busy", _("You are already in a call."))
        if Call.objects.filter(status=Call.Status.ACTIVE).involving(callee_id).exists():
            raise ChatError("busy", _("They are in another call. Try again in a few minutes."))
        call = Call.objects.create(
            conversation=conversation,
            caller=user,
            callee_id=callee_id,
            kind=kind,
            rang_at=now,
            caller_seen_at=now,
        )
        call.conversation = conversation
        _record(call)
    return call


def do_accept(user, call_id) -> Call:
    now = timezone.now()
    with transaction.atomic():
        call = _locked_call(user, call_id)
        if user.pk != call.callee_id:
            raise ChatError("forbidden", _("Only the person called can answer."))
        if call.status == Call.Status.RINGING and _ring_deadline(call, now):
            _finish(call, Call.Status.MISSED, Call.EndReason.NO_ANSWER, now=now)
        if call.status != Call.Status.RINGING:
            raise ChatError("gone", _("This call has ended."))
        try:
            check_call_party(user, call.conversation_id)
        except ChatError:
            _end_live(call, Call.EndReason.ACCESS_REVOKED, now=now)
            raise
        if Call.objects.filter(status=Call.Status.ACTIVE).involving(user.pk).exists():
            raise ChatError("busy", _("Hang up your other call first."))
        call.status = Call.Status.ACTIVE
        call.answered_at = call.callee_seen_at = call.caller_seen_at = now
        call.save(update_fields=["status", "answered_at", "callee_seen_at", "caller_seen_at"])
        _record(call)
    return call


def do_decline(user, call_id) -> Call:
    with transaction.atomic():
        call = _locked_call(user, call_id)
        if user.pk != call.callee_id:
            raise ChatError("forbidden", _("Only the person called can decline."))
        if call.status != Call.Status.RINGING:
            return call  # already answered elsewhere, ended or missed: nothing to decline
        return _finish(call, Call.Status.DECLINED, Call.EndReason.DECLINED, by=user)


def do_hang_up(user, call_id) -> Call:
    """Either side ends the call; the caller hanging up a ringing call cancels it, the callee
    declines it. Hanging up a finished call does nothing (both sides may press at once)."""
    with transaction.atomic():
        call = _locked_call(user, call_id)
        if call.status == Call.Status.ACTIVE:
            return _finish(call, Call.Status.ENDED, Call.EndReason.HANG_UP, by=user)
        if call.status == Call.Status.RINGING:
            if user.pk == call.caller_id:
                return _finish(call, Call.Status.CANCELLED, Call.EndReason.CANCELLED, by=user)
            return _finish(call, Call.Status.DECLINED, Call.EndReason.DECLINED, by=user)
        return call


def do_expire_ring(call_id, now=None) -> Call | None:
    """A call still ringing at its deadline is missed (the ringing process's timer calls this;
    expire_stale_calls catches what a crashed process left)."""
    now = now or timezone.now()
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .select_related(*RELATED)
            .filter(pk=call_id, status=Call.Status.RINGING)
            .first()
        )
        if call is None or not _ring_deadline(call, now):
            return None
        return _finish(call, Call.Status.MISSED, Call.EndReason.NO_ANSWER, now=now)


def check_rejoin(user, call_id) -> Call:
    """A side whose socket dropped comes back (a reload, a network change): still a party,
    still allowed, call still live."""
    now = timezone.now()
    with transaction.atomic():
        call = _locked_call(user, call_id)
        if call.status not in Call.LIVE:
            raise ChatError("gone", _("This call has ended."))
        try:
            check_call_party(user, call.conversation_id)
        except ChatError:
            _end_live(call, Call.EndReason.ACCESS_REVOKED, now=now)
            raise
        _touch(call, user.pk, now)
    return call


def _touch(call, user_id, now):
    field = "caller_seen_at" if user_id == call.caller_id else "callee_seen_at"
    Call.objects.filter(pk=call.pk).update(**{field: now})


def touch(user_id, call_id) -> None:
    """A sign of life from a side's call socket (its pings)."""
    now = timezone.now()
    Call.objects.filter(pk=call_id, caller_id=user_id, status__in=Call.LIVE).update(
        caller_seen_at=now
    )
    Call.objects.filter(pk=call_id, callee_id=user_id, status__in=Call.LIVE).update(
        callee_seen_at=now
    )


def do_end_if_gone(call_id, user_id, since) -> Call | None:
    """The side's call socket closed at `since`; if it has not come back since, the call ends
    (connection lost) or, still ringing, is cancelled (the caller left) or left to ring out."""
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .select_related(*RELATED)
            .filter(pk=call_id, status__in=Call.LIVE)
            .first()
        )
        if call is None:
            return None
        seen = call.caller_seen_at if user_id == call.caller_id else call.callee_seen_at
        if seen is not None and seen > since:
            return None  # came back
        if call.status == Call.Status.RINGING and user_id != call.caller_id:
            return None
        return _end_live(call, Call.EndReason.CONNECTION_LOST)


def check_signal(user, call_id) -> tuple[int, int]:
    """May this user send signalling for this call now? (other side's user id, conversation id).
    One indexed query per frame: every revocation ends the call in the database, so a call that
    is active here is one its sides may still hold."""
    row = (
        Call.objects.filter(pk=call_id, status=Call.Status.ACTIVE)
        .involving(user.pk)
        .values_list("caller_id", "callee_id", "conversation_id")
        .first()
    )
    if row is None:
        raise ChatError("gone", _("This call has ended."))
    caller_id, callee_id, conversation_id = row
    return (callee_id if user.pk == caller_id else caller_id), conversation_id


def check_turn(user, call_id) -> Call:
    """TURN credentials go only to a side of a live call."""
    call = Call.objects.live().involving(user.pk).filter(pk=call_id).first()
    if call is None:
        raise ChatError("gone", _("This call has ended."))
    return call


# --- Revocation and the clock ----------------------------------------------------------------
def end_calls_of_user(user_id, reason=Call.EndReason.ACCESS_REVOKED, conversation_ids=None):
    """Logout, ban, mute, deactivation, removal from the company: the user's live calls end at
    once (the other side sees it; signalling is refused from here on)."""
    with transaction.atomic():
        calls = Call.objects.live().involving(user_id).select_for_update().select_related(*RELATED)
        if conversation_ids is not None:
            calls = calls.filter(conversation_id__in=conversation_ids)
        for call in calls:
            _end_live(call, reason)


def end_calls_no_longer_allowed(conversation) -> None:
    """After a conversation changed (closed, handed over): its live call ends unless it is still
    open between the same two people."""
    with transaction.atomic():
        for call in (
            Call.objects.live()
            .filter(conversation=conversation)
            .select_for_update()
            .select_related(*RELATED)
        ):
            if conversation.status != Conversation.Status.OPEN:
                _end_live(call, Call.EndReason.CONVERSATION_CLOSED)
            elif {call.caller_id, call.callee_id} != {
                conversation.talent_id,
                conversation.recruiter_id,
            }:
                _end_live(call, Call.EndReason.ACCESS_REVOKED)


def expire_stale_calls(now=None) -> int:
    """Calls whose ring timed out, and active calls a side has been silent in for longer than
    the reconnect grace (the server process watching them died). Returns how many ended."""
    now = now or timezone.now()
    ring_cutoff = now - timedelta(seconds=settings.CALL_RING_SECONDS)
    # Pings come every 25 s; a side silent for the grace plus two pings has gone.
    gone_cutoff = now - timedelta(seconds=settings.CALL_RECONNECT_SECONDS + 50)
    ended = 0
    with transaction.atomic():
        stale = (
            Call.objects.filter(
                Q(status=Call.Status.RINGING, rang_at__lte=ring_cutoff)
                | Q(status=Call.Status.ACTIVE, caller_seen_at__lt=gone_cutoff)
                | Q(status=Call.Status.ACTIVE, callee_seen_at__lt=gone_cutoff)
            )
            .select_for_update(skip_locked=True)
            .select_related(*RELATED)
        )
        for call in stale:
            if call.status == Call.Status.RINGING:
                _finish(call, Call.Status.MISSED, Call.EndReason.NO_ANSWER, now=now)
            else:
                _end_live(call, Call.EndReason.CONNECTION_LOST, now=now)
            ended += 1
    return ended


def finished_calls(conversation) -> list[dict]:
    """The record of a conversation's calls (the page shows these among the messages)."""
    return [call_payload(call) for call in conversation.calls.filter(status__in=FINISHED)]
