"""A booked 1:1 time (or interview, expo.schedule.meetings) opens its conversation at the time.

Either side presses "join" from a few minutes before the start until the end: the first opens
the conversation between the talent and the slot's recruiter (one per booking), the other side
is told and joins the same one. `booked_conversation_opened` (chat.signals) is the hook for
what starts with it (a video call, issue 12).
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from expo.lib.realtime import notify_user_on_commit
from expo.schedule.meetings import MeetingError, can_join, check_booking_access
from expo.schedule.models import Booking

from .actions.conversations import new_conversation, state_payload
from .actions.rooms import ChatError, emit, language_of, locked_room
from .models import Conversation, Event
from .signals import booked_conversation_opened


def do_join_booking(user, booking_id, now=None) -> Conversation:
    """The conversation of a booked time, opened at its time by either side. Refuses (ChatError)
    before the join window, after it, for a cancelled booking and for anyone else."""
    now = now or timezone.now()
    try:
        booking, side = check_booking_access(user, booking_id)
    except MeetingError as error:  # "not found" for anyone but the two sides
        raise ChatError("not_found", str(error)) from None
    if side == "staff" and user.pk != booking.slot.recruiter_id:
        raise ChatError(
            "forbidden",
            _("This time is with %(name)s: only they join it.")
            % {"name": booking.slot.recruiter.get_short_name()},
        )
    if not can_join(booking, now):
        if booking.status != Booking.Status.BOOKED:
            message = _("This booking is no longer on.")
        elif now < booking.slot.starts_at:
            message = _("You can join from 5 minutes before the start.")
        else:
            message = _("This time has ended.")
        raise ChatError("not_now", message)
    existing = Conversation.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            conversation = new_conversation(
                booking.booth, booking.talent, booking.slot.recruiter, Conversation.Status.OPEN
            )
            conversation.booking = booking
            conversation.save(update_fields=["booking"])
            emit(
                locked_room(conversation.room.key),
                Event.Kind.STATE,
                data=state_payload(conversation),
            )
            other = booking.slot.recruiter_id if side == "talent" else booking.talent_id
            url = reverse("chat:conversation", args=[conversation.pk])
            with translation.override(language_of(other)):
                notify_user_on_commit(
                    other,
                    {
                        "title": _("%(name)s joined your 1:1 time")
                        % {"name": user.get_short_name()},
                        "body": _("Open the conversation to talk."),
                        "url": url,
                    },
                )
            transaction.on_commit(
                lambda: booked_conversation_opened.send(
                    sender=Conversation, conversation=conversation, booking=booking, by=user
                )
            )
    except IntegrityError:  # the other side opened it at the same moment
        return Conversation.objects.get(booking=booking)
    return conversation
