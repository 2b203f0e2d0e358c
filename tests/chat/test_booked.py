"""Joining a booked 1:1 time opens its conversation with the slot's recruiter, at its time only,
for its two sides only; the other side is told, and the hook for a call fires once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.actions.rooms import ChatError
from chat.booked import do_join_booking
from chat.models import Conversation
from chat.signals import booked_conversation_opened
from expo.schedule import meetings
from expo.schedule.models import MeetingSlot

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(booth_a, recruiter, talent):
    slot = MeetingSlot.objects.create(
        booth=booth_a,
        recruiter=recruiter,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1, minutes=20),
    )
    return meetings.book(talent, slot.pk)


def test_joining_before_the_time_says_when_it_opens(clock, booking, talent):
    clock.shift(timedelta(minutes=54))

    with pytest.raises(ChatError, match="You can join from 5 minutes before the start"):
        do_join_booking(talent, booking.pk)


def test_both_sides_join_the_same_conversation_and_the_other_is_told(
    clock, booking, talent, recruiter, django_capture_on_commit_callbacks
):
    clock.shift(timedelta(minutes=56))
    opened = []
    booked_conversation_opened.connect(lambda **kw: opened.append(kw["booking"].pk), weak=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = do_join_booking(talent, booking.pk)
    second = do_join_booking(recruiter, booking.pk)

    assert first == second
    assert (first.talent_id, first.recruiter_id, first.status, first.booking_id) == (
        talent.pk,
        recruiter.pk,
        Conversation.Status.OPEN,
        booking.pk,
    )
    assert opened == [booking.pk]
    assert len(callbacks) >= 2  # the state event, the notification, the hook


def test_after_the_end_nobody_joins(clock, booking, talent):
    clock.shift(timedelta(hours=2))
    with pytest.raises(ChatError, match="This time has ended"):
        do_join_booking(talent, booking.pk)


def test_a_colleague_who_is_not_the_recruiter_of_the_slot_cannot_join(
    clock, booking, company_admin
):
    clock.shift(timedelta(minutes=56))

    with pytest.raises(ChatError, match="This time is with Rita: only they join it"):
        do_join_booking(company_admin, booking.pk)


def test_the_join_button_opens_the_conversation_with_its_video_call_and_strangers_get_404(
    client, clock, booking, talent, outsider_recruiter
):
    clock.shift(timedelta(minutes=56))
    url = reverse("chat:join_booking", args=[booking.pk])

    client.force_login(outsider_recruiter)
    assert client.post(url).status_code == 404
    client.force_login(talent)
    response = client.post(url)

    conversation = Conversation.objects.get()
    assert response.url == reverse("chat:conversation", args=[conversation.pk]) + "?call=video"
