"""`make run` runs the beat schedule in-process (issue 15: in the embedded mode no certificate
ever appeared and no reminder was ever sent, because nothing ran the periodic tasks)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from expo import embedded_beat
from expo.schedule.models import Certificate, Notice
from tests.factories import AttendanceFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_embedded_beat_issues_certificates_and_sends_reminders_when_due(clock, edition, talent):
    clock.move_to("2027-01-07T03:59:30Z")
    now = timezone.now()
    five_minute_slot = now + timedelta(seconds=30)
    ended = SessionFactory(
        edition=edition,
        title="Quantum basics",
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        certificate_bearing=True,
        attendance_threshold=50,
    )
    RegistrationFactory(session=ended, user=talent)
    AttendanceFactory(session=ended, user=talent, joined_at=ended.starts_at, left_at=ended.ends_at)
    soon = SessionFactory(edition=edition, starts_at=now + timedelta(minutes=10))
    RegistrationFactory(session=soon, user=talent)
    beat = embedded_beat.EmbeddedBeat()

    nothing_yet, wait = beat.run_pending()
    ran = []
    while timezone.now() < five_minute_slot:  # the next minute and five-minute slot: 04:00
        clock.shift(wait)  # as the thread sleeps: until the next entry is due
        more, wait = beat.run_pending()
        ran += more

    assert nothing_yet == []
    assert {"issue-certificates", "send-session-reminders"} <= set(ran)
    assert Certificate.objects.filter(session=ended, user=talent).count() == 1
    assert Notice.objects.filter(session=soon, user=talent).exists()
    subjects = [message.subject for message in mail.outbox]
    assert any("Quantum basics" in subject for subject in subjects), subjects


def test_a_failing_task_is_logged_and_the_others_still_run(clock):
    import logging

    from celery.schedules import schedule

    class Remember(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    beat = embedded_beat.EmbeddedBeat(
        {
            "broken": {"task": "expo.tasks.deliver_email", "schedule": schedule(60)},
            "figures": {"task": "expo.tasks.refresh_key_figures", "schedule": schedule(60)},
        }
    )
    clock.shift(61)
    # (the beat's first pass may reconfigure logging through Celery's Django setup, so the
    # handler goes on the beat's own logger, after the beat is built)
    remember = Remember()
    logging.getLogger("expo.embedded_beat").addHandler(remember)
    try:
        ran, _wait = beat.run_pending()
    finally:
        logging.getLogger("expo.embedded_beat").removeHandler(remember)

    assert ran == ["figures"]
    assert "embedded beat: broken failed" in remember.messages


def test_it_runs_only_when_tasks_run_eagerly_and_it_is_not_turned_off(settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.EMBEDDED_BEAT = True, True
    assert embedded_beat.should_run()
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker, a real worker and beat
    assert not embedded_beat.should_run()
    settings.CELERY_TASK_ALWAYS_EAGER, settings.EMBEDDED_BEAT = True, False
    assert not embedded_beat.should_run()
