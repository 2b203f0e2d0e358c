"""Interviews from the pipeline: in the "Interview" status the recruiter offers times from their
free slots, the talent chooses one, both get the .ics, and it shows on the application and in
both agendas; the company's chat outcomes, notes and rating show on its application page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.actions.conversations import do_close, do_save_note
from chat.actions.queue import do_join_queue, do_take
from expo.schedule import meetings
from expo.schedule.models import Booking, InterviewOffer, MeetingSlot
from jobs.models import Application
from tests.factories import ApplicationFactory, JobFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(booth_a, talent):
    job = JobFactory(edition=booth_a.edition, company=booth_a.company, title="Data Engineer")
    return ApplicationFactory(job=job, talent=talent, status=Application.Status.INTERVIEW)


def slots_of(booth, recruiter, count=3):
    start = timezone.now() + timedelta(days=2)
    return [
        MeetingSlot.objects.create(
            booth=booth,
            recruiter=recruiter,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=30),
        )
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)  # committed for real: each step sends its mail
def test_offered_times_are_held_then_the_chosen_one_is_booked_and_the_rest_released(
    booth_a, recruiter, talent, application, django_capture_on_commit_callbacks, mailoutbox
):
    first, second, third = slots_of(booth_a, recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        offer = meetings.offer_interview(
            recruiter, application.pk, [first.pk, second.pk], "Bring your portfolio"
        )
    held = list(meetings.free_slots(booth_a))
    with django_capture_on_commit_callbacks(execute=True):
        booking = meetings.choose_interview_time(talent, offer.pk, second.pk)

    offer.refresh_from_db()
    assert held == [third]
    assert (offer.status, offer.booking_id) == ("accepted", booking.pk)
    assert (booking.kind, booking.application_id, booking.slot_id) == (
        "interview",
        application.pk,
        second.pk,
    )
    assert list(meetings.free_slots(booth_a)) == [first, third]
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert subjects == [
        (recruiter.email, "Interview booked: Tess Talent for Data Engineer"),
        (talent.email, "Company A invites you to an interview for Data Engineer"),
        (talent.email, "Interview booked: Data Engineer at Company A"),
    ]
    with_ics = [m for m in mailoutbox if m.subject.startswith("Interview booked")]
    assert all("SUMMARY:Interview with" in m.attachments[0][1] for m in with_ics)


def test_times_are_offered_only_in_the_interview_status(booth_a, recruiter, application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SHORTLISTED)
    (free,) = slots_of(booth_a, recruiter, 1)

    with pytest.raises(meetings.MeetingError, match="Move the application to “Interview”"):
        meetings.offer_interview(recruiter, application.pk, [free.pk])


def test_a_recruiter_offers_only_their_own_free_times(
    booth_a, recruiter, company_admin, application, outsider_recruiter
):
    (colleagues,) = slots_of(booth_a, company_admin, 1)

    with pytest.raises(meetings.MeetingError, match="Choose among your own free times"):
        meetings.offer_interview(recruiter, application.pk, [colleagues.pk])
    with pytest.raises(meetings.MeetingError, match="This application does not exist"):
        meetings.offer_interview(outsider_recruiter, application.pk, [colleagues.pk])


def test_a_held_time_cannot_be_booked_by_someone_else(booth_a, recruiter, application):
    (held,) = slots_of(booth_a, recruiter, 1)
    meetings.offer_interview(recruiter, application.pk, [held.pk])

    with pytest.raises(meetings.MeetingError, match="no longer available"):
        meetings.book(UserFactory(), held.pk)


def test_only_the_candidate_chooses_and_only_once(
    booth_a, recruiter, talent, application, outsider_recruiter
):
    first, second, _third = slots_of(booth_a, recruiter)
    offer = meetings.offer_interview(recruiter, application.pk, [first.pk, second.pk])

    with pytest.raises(meetings.MeetingError, match="does not exist"):
        meetings.choose_interview_time(outsider_recruiter, offer.pk, first.pk)
    meetings.choose_interview_time(talent, offer.pk, first.pk)
    with pytest.raises(meetings.MeetingError, match="no longer open"):
        meetings.choose_interview_time(talent, offer.pk, second.pk)


def test_a_withdrawn_offer_frees_its_times(booth_a, recruiter, talent, application):
    first, second, _third = slots_of(booth_a, recruiter)
    offer = meetings.offer_interview(recruiter, application.pk, [first.pk, second.pk])

    meetings.withdraw_offer(recruiter, offer.pk)

    assert len(meetings.free_slots(booth_a)) == 3
    with pytest.raises(meetings.MeetingError, match="no longer open"):
        meetings.choose_interview_time(talent, offer.pk, first.pk)


def test_a_new_offer_replaces_the_open_one(booth_a, recruiter, application):
    first, second, _third = slots_of(booth_a, recruiter)
    old = meetings.offer_interview(recruiter, application.pk, [first.pk])

    meetings.offer_interview(recruiter, application.pk, [second.pk])

    old.refresh_from_db()
    assert old.status == InterviewOffer.Status.WITHDRAWN
    assert MeetingSlot.objects.get(pk=first.pk).offer_id is None


def test_the_application_page_offers_free_times_and_then_shows_the_interview(
    client, booth_a, recruiter, talent, application, django_assert_max_num_queries
):
    first, second, _third = slots_of(booth_a, recruiter)
    client.force_login(recruiter)
    url = reverse("jobs:application", args=[application.pk])

    page = client.get(url).content.decode()
    response = client.post(
        reverse("expo:offer_interview", args=[application.pk]),
        {"slots": [first.pk, second.pk], "message": "See you"},
    )
    offer = InterviewOffer.objects.get()
    meetings.choose_interview_time(talent, offer.pk, first.pk)
    with django_assert_max_num_queries(30):
        after = client.get(url).content.decode()

    assert page.count('name="slots"') == 3
    assert response.url == url
    assert f'data-interview="{Booking.objects.get().pk}"' in after


def test_the_candidate_sees_the_invitation_and_then_the_interview_on_their_applications(
    client, booth_a, recruiter, talent, application, django_assert_max_num_queries
):
    first, _second, _third = slots_of(booth_a, recruiter)
    offer = meetings.offer_interview(recruiter, application.pk, [first.pk])
    client.force_login(talent)

    invited = client.get(reverse("jobs:my_applications")).content.decode()
    chosen = client.post(reverse("expo:interview_offer", args=[offer.pk]), {"slot": first.pk})
    with django_assert_max_num_queries(10):
        after = client.get(reverse("jobs:my_applications")).content.decode()

    assert reverse("expo:interview_offer", args=[offer.pk]) in invited
    assert chosen.url == reverse("jobs:my_applications")
    assert f'data-interview="{Booking.objects.get().pk}"' in after


def test_the_company_sees_its_chat_outcome_notes_and_rating_on_the_application_page(
    client, booth_a, recruiter, talent, application, outsider_recruiter
):
    do_join_queue(talent, booth_a.pk)
    conversation = do_take(recruiter, booth_a.pk)
    do_close(recruiter, conversation.pk, "apply", "Great fit", application.job)
    do_save_note(recruiter, talent.pk, "Strong in SQL", 4)
    client.force_login(recruiter)

    page = client.get(reverse("jobs:application", args=[application.pk])).content.decode()

    assert "Strong in SQL" in page
    assert "4 of 5" in page
    assert "Next step: apply to a job" in page
    assert "Great fit" in page
    client.force_login(outsider_recruiter)
    assert client.get(reverse("jobs:application", args=[application.pk])).status_code == 404
