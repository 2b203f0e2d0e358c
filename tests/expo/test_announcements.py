"""Announcements reach exactly their segment, once, in batches, and honour unsubscribes."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo.organiser.announcements import delivery, services
from expo.organiser.announcements.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementOptOut,
)
from expo.schedule.models import Registration
from tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TrackFactory,
    UserFactory,
)


@pytest.fixture
def track_audience(edition):
    """Three talent registered for the Fintech track, one only waitlisted, one elsewhere."""
    fintech = TrackFactory(edition=edition, name="Upskilling Series (Fintech)")
    other = TrackFactory(edition=edition, name="Deep Tech Training")
    session = SessionFactory(edition=edition, track=fintech)
    registered = [RegistrationFactory(session=session).user for _ in range(3)]
    RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    RegistrationFactory(session=SessionFactory(edition=edition, track=other))
    return fintech, registered


def announcement_for(edition, **kwargs):
    defaults = {
        "subject": "Fintech clinic moved",
        "body": "It now starts at 3 pm.",
        "segment": Announcement.Segment.ALL_TALENT,
    }
    return Announcement.objects.create(edition=edition, **{**defaults, **kwargs})


def send(announcement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_send(announcement.pk)


@pytest.mark.django_db
def test_a_track_announcement_reaches_exactly_that_tracks_registrants_once(
    edition, track_audience, django_capture_on_commit_callbacks
):
    track, registered = track_audience
    announcement = announcement_for(
        edition, segment=Announcement.Segment.TRACK_REGISTRANTS, track=track
    )

    assert send(announcement, django_capture_on_commit_callbacks) is True
    assert send(announcement, django_capture_on_commit_callbacks) is False  # a double click

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in registered)
    announcement.refresh_from_db()
    assert (announcement.status, announcement.recipients_total) == ("sent", 3)
    assert services.progress(announcement) == {"sent": 3, "total": 3, "percent": 100}


@pytest.mark.django_db
def test_segments_pick_the_right_people(edition, talent, recruiter, company_admin, organiser):
    def emails(segment):
        a = announcement_for(edition, segment=segment)
        return set(services.segment_users(a).values_list("email", flat=True))

    Segment = Announcement.Segment
    assert emails(Segment.ALL_TALENT) == {talent.email}
    assert emails(Segment.COMPANY_ADMINS) == {company_admin.email}
    assert emails(Segment.EMPLOYER_STAFF) == {company_admin.email, recruiter.email}
    assert emails(Segment.EVERYONE) == {
        talent.email,
        recruiter.email,
        company_admin.email,
        organiser.email,
    }


@pytest.mark.django_db
def test_unsubscribed_people_are_left_out(edition, talent, django_capture_on_commit_callbacks):
    other = UserFactory()
    AnnouncementOptOut.objects.create(user=talent)

    send(announcement_for(edition), django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[other.email]]


@pytest.mark.django_db
def test_each_email_carries_a_working_unsubscribe_link(
    client, edition, talent, django_capture_on_commit_callbacks
):
    send(announcement_for(edition), django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    path = re.search(r"https?://[^/\s]+(/announcements/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(path + ">")

    assert client.get(path).status_code == 200
    assert not AnnouncementOptOut.objects.exists()
    response = client.post(path)  # also what a mail client's one-click unsubscribe does

    assert response.status_code == 200
    assert AnnouncementOptOut.objects.get().user == talent


@pytest.mark.django_db
def test_a_forged_unsubscribe_token_is_a_404(client):
    assert client.get("/announcements/unsubscribe/forged-token/").status_code == 404


@pytest.mark.django_db
def test_the_banner_shows_to_recipients_while_active(
    client, edition, talent, django_capture_on_commit_callbacks
):
    outsider = UserFactory(is_staff=True)
    send(
        announcement_for(
            edition,
            banner_text="Fintech clinic moved to 3 pm",
            banner_until=timezone.now() + timedelta(hours=2),
        ),
        django_capture_on_commit_callbacks,
    )

    client.force_login(talent)
    assert "Fintech clinic moved to 3 pm" in client.get("/").content.decode()
    client.force_login(outsider)
    assert "Fintech clinic moved to 3 pm" not in client.get("/").content.decode()


def test_pages_ask_for_a_visitors_banner_only_while_some_banner_is_active(
    client, edition, talent, django_capture_on_commit_callbacks
):
    client.force_login(talent)
    client.get("/")

    with CaptureQueriesContext(connection) as quiet_day:
        client.get("/")
    assert not [q for q in quiet_day.captured_queries if "announcementdelivery" in q["sql"]]

    send(
        announcement_for(
            edition,
            banner_text="Fintech clinic moved to 3 pm",
            banner_until=timezone.now() + timedelta(hours=2),
        ),
        django_capture_on_commit_callbacks,
    )

    # Shown on the very next page: saving the announcement forgot "no banner is active".
    assert "Fintech clinic moved to 3 pm" in client.get("/").content.decode()


def test_a_banner_that_ended_is_not_shown_and_costs_no_query(
    client, edition, talent, django_capture_on_commit_callbacks
):
    send(
        announcement_for(
            edition, banner_text="Doors open", banner_until=timezone.now() + timedelta(hours=1)
        ),
        django_capture_on_commit_callbacks,
    )
    client.force_login(talent)
    assert "Doors open" in client.get("/").content.decode()

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        with CaptureQueriesContext(connection) as later:
            html = client.get("/").content.decode()

    assert "Doors open" not in html
    assert not [q for q in later.captured_queries if "announcementdelivery" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_never_email_anyone_twice(edition):
    for _ in range(30):
        UserFactory()
    announcement = announcement_for(edition)
    services.request_send(announcement.pk)  # on_commit runs the task eagerly: reset and race
    AnnouncementDelivery.objects.update(sent_at=None)
    mail.outbox.clear()
    Announcement.objects.filter(pk=announcement.pk).update(status="sending", sent_at=None)

    def worker():
        try:
            while delivery.send_next_batch(announcement.pk, batch_size=4):
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 30
    assert len(set(recipients)) == 30
    assert Announcement.objects.get(pk=announcement.pk).status == "sent"


@pytest.mark.django_db
def test_the_organiser_sends_from_admin_and_a_second_click_sends_nothing(
    client, organiser, edition, talent, django_capture_on_commit_callbacks
):
    announcement = announcement_for(edition)
    client.force_login(organiser)
    changelist = reverse("admin:organiser_announcement_changelist")
    data = {"action": "send_announcements", "_selected_action": [announcement.pk], "confirm": "yes"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, data)
        second = client.post(changelist, data, follow=True)

    assert "already sent or sending" in second.content.decode()
    assert [m.to for m in mail.outbox] == [[talent.email]]
    progress = client.get(reverse("admin:organiser_announcement_progress", args=[announcement.pk]))
    assert "1 of 1 recipients (100%)" in progress.content.decode()
    preview = client.get(reverse("admin:organiser_announcement_preview", args=[announcement.pk]))
    assert "It now starts at 3 pm." in preview.content.decode()


@pytest.mark.django_db
def test_deliveries_marked_sent_have_their_emails_in_the_outbox_even_if_the_worker_dies(
    edition, django_capture_on_commit_callbacks
):
    from post_office.models import STATUS, Email

    from expo.lib import outbox

    for _ in range(5):
        UserFactory()
    announcement = announcement_for(edition)

    # Nothing runs after the commits: the worker is killed right after each transaction.
    with django_capture_on_commit_callbacks(execute=False):
        services.request_send(announcement.pk)
        assert delivery.send_next_batch(announcement.pk, batch_size=3) == 3

    marked = set(
        AnnouncementDelivery.objects.filter(sent_at__isnull=False).values_list(
            "user__email", flat=True
        )
    )
    queued = Email.objects.filter(subject="Fintech clinic moved", status=STATUS.queued)
    assert len(marked) == 3
    assert sorted(e.to[0] for e in queued) == sorted(marked)
    assert mail.outbox == []

    outbox.send_due()  # the sweep after the worker's restart

    assert sorted(m.to[0] for m in mail.outbox) == sorted(marked)


@pytest.mark.django_db
def test_sending_asks_for_confirmation_with_the_recipient_count_first(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    for _ in range(3):
        UserFactory()
    announcement = announcement_for(edition)
    client.force_login(organiser)
    changelist = reverse("admin:organiser_announcement_changelist")
    chosen = {"action": "send_announcements", "_selected_action": [announcement.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(changelist, chosen)

    html = asked.content.decode()
    assert "The emails go to 3 people" in html
    assert 'value="Yes, send to 3 people"' in html
    assert mail.outbox == []
    assert Announcement.objects.get(pk=announcement.pk).status == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {**chosen, "confirm": "yes"})

    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_banner_without_an_end_runs_until_the_expo_closes(
    client, edition, talent, django_capture_on_commit_callbacks
):
    announcement = announcement_for(edition, banner_text="Welcome to the expo", banner_until=None)
    send(announcement, django_capture_on_commit_callbacks)

    announcement.refresh_from_db()
    assert announcement.banner_until == edition.ends_at
    client.force_login(talent)
    assert "Welcome to the expo" in client.get("/").content.decode()
