"""Reminders 24 hours and 15 minutes before, and the "starting now" push: due times from an
injected clock, each sent once however often and however concurrently the beat task runs."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from expo.schedule import services
from expo.schedule.models import Notice
from expo.schedule.tasks import send_session_reminders
from tests.factories import RegistrationFactory, SessionFactory, UserFactory

# Noon in Hong Kong: three hours before is the same day there, a day before the day before.
START = datetime(2030, 3, 12, 12, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))


@pytest.fixture
def session(edition):
    return SessionFactory(edition=edition, title="Fintech 101", starts_at=START)


def subjects():
    return sorted(m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("before_start", "expected"),
    [
        (timedelta(hours=25), []),
        (timedelta(hours=24), ["Tomorrow: Fintech 101"]),
        (timedelta(hours=3), ["Today: Fintech 101"]),
        (timedelta(minutes=15), ["Starting soon: Fintech 101"]),
        (timedelta(minutes=1), ["Starting soon: Fintech 101"]),
        (timedelta(0), []),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_reminders_are_due_a_day_and_fifteen_minutes_before(session, before_start, expected):
    RegistrationFactory(session=session)

    services.send_due_reminders(now=START - before_start)

    assert subjects() == expected


@pytest.mark.parametrize(
    ("hk_start", "expected"),
    [
        (datetime(2030, 3, 12, 1, 0), "Tomorrow: Fintech 101"),  # told at 22:00 the day before
        (datetime(2030, 3, 12, 23, 30), "Today: Fintech 101"),  # told at 20:30 the same day
    ],
)
@pytest.mark.django_db(transaction=True)
def test_the_day_reminder_says_today_or_tomorrow_by_the_expos_calendar(edition, hk_start, expected):
    start = hk_start.replace(tzinfo=ZoneInfo("Asia/Hong_Kong"))
    RegistrationFactory(
        session=SessionFactory(edition=edition, title="Fintech 101", starts_at=start)
    )

    services.send_due_reminders(now=start - timedelta(hours=3))

    assert subjects() == [expected]


@pytest.mark.django_db(transaction=True)
def test_each_reminder_is_sent_once_however_often_the_task_runs(session):
    RegistrationFactory(session=session)

    for minutes_before in (24 * 60, 23 * 60, 60, 15, 14, 5):
        services.send_due_reminders(now=START - timedelta(minutes=minutes_before))

    assert subjects() == ["Starting soon: Fintech 101", "Tomorrow: Fintech 101"]


@pytest.mark.django_db(transaction=True)
def test_only_registered_people_of_live_sessions_are_reminded(edition, session):
    registered = RegistrationFactory(session=session).user
    RegistrationFactory(session=session, status="waitlisted")
    RegistrationFactory(session=session, status="cancelled")
    cancelled = SessionFactory(edition=edition, starts_at=START, is_cancelled=True)
    RegistrationFactory(session=cancelled)

    services.send_due_reminders(now=START - timedelta(hours=2))

    assert [m.to for m in mail.outbox] == [[registered.email]]


@pytest.mark.django_db(transaction=True)
def test_a_reminder_links_to_the_session_page(session, settings):
    settings.SITE_URL = "https://expo.example.org"
    RegistrationFactory(session=session)

    services.send_due_reminders(now=START - timedelta(hours=2))

    assert f"https://expo.example.org/sessions/{session.pk}/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_run_that_holds_the_rows_makes_a_concurrent_run_skip_them(on_postgres, session):
    """Run A claims the due reminders and has not committed yet; run B, on its own database
    connection, finds them locked and skips them; after A commits, a third run finds them
    marked sent. Exactly one email per person."""
    users = [RegistrationFactory(session=session).user for _ in range(3)]
    now = START - timedelta(hours=2)
    claimed, release, results = threading.Event(), threading.Event(), {}

    def run_a():
        with transaction.atomic():
            results["a"] = services.send_due_reminders(now=now)
            claimed.set()
            release.wait(10)
        connection.close()

    def run_b():
        claimed.wait(10)
        results["b"] = services.send_due_reminders(now=now)
        connection.close()

    a, b = threading.Thread(target=run_a), threading.Thread(target=run_b)
    a.start()
    b.start()
    b.join()
    release.set()
    a.join()
    results["c"] = services.send_due_reminders(now=now)

    assert results == {"a": 3, "b": 0, "c": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER_DAY).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_together_send_each_reminder_once(on_postgres, session):
    for _ in range(40):
        RegistrationFactory(session=session)
    now = START - timedelta(minutes=10)
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        results.append(services.send_due_reminders(now=now))
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 40
    assert len(mail.outbox) == 40
    assert len({m.to[0] for m in mail.outbox}) == 40


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_the_scan(edition):
    soon = SessionFactory(edition=edition, starts_at=timezone.now() + timedelta(minutes=5))
    RegistrationFactory(session=soon)

    sent = send_session_reminders.delay().get()

    assert sent == 1


# --- Starting now ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_starting_now_is_pushed_once_to_registered_people(edition, session, monkeypatch):
    pushed = []
    monkeypatch.setattr(
        "expo.schedule.services.notify_user_on_commit",
        lambda user_id, payload: pushed.append((user_id, payload)),
    )
    registered = RegistrationFactory(session=session).user
    RegistrationFactory(session=session, status="waitlisted")
    UserFactory()

    before = services.announce_sessions_starting(now=START - timedelta(minutes=1))
    first = services.announce_sessions_starting(now=START + timedelta(minutes=1))
    again = services.announce_sessions_starting(now=START + timedelta(minutes=2))

    assert (before, first, again) == (0, 1, 0)
    assert pushed == [
        (
            registered.pk,
            {
                "title": "Starting now: Fintech 101",
                "body": "Your session is live. Join the live room.",
                "url": f"/sessions/{session.pk}/live/",
            },
        )
    ]
    assert mail.outbox == []


def test_starting_now_is_not_pushed_long_after_the_start(session):
    RegistrationFactory(session=session)

    assert services.announce_sessions_starting(now=START + timedelta(minutes=30)) == 0


@pytest.mark.django_db
def test_a_reminder_marked_sent_has_its_email_in_the_outbox_even_if_the_worker_dies(
    session, django_capture_on_commit_callbacks
):
    from post_office.models import STATUS, Email

    from expo.lib import outbox

    registration = RegistrationFactory(session=session)

    with django_capture_on_commit_callbacks(execute=False):  # killed right after the commit
        assert services.send_due_reminders(now=START - timedelta(minutes=10)) == 1

    queued = Email.objects.get(status=STATUS.queued)
    assert (queued.to, queued.subject) == ([registration.user.email], "Starting soon: Fintech 101")
    assert mail.outbox == []

    outbox.send_due()

    assert subjects() == ["Starting soon: Fintech 101"]
