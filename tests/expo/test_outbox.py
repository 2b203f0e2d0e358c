"""The email outbox: a row written in the sender's transaction, claimed by one worker at a time
(SKIP LOCKED and a lease), sent over real SMTP, marked sent only after the server accepted it,
retried with backoff on transient errors and within a minute after a worker died, always with
the row's own Message-ID."""

import threading
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.db import connection, transaction
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from expo.lib import outbox
from expo.lib.mail import message_to_dict
from expo.tasks import deliver_email
from tests.harness import free_port

pytestmark = pytest.mark.django_db


class Inbox(Message):
    """An SMTP server's mailbox; optionally answers the first N deliveries with a reply."""

    def __init__(self, refuse_first=0, reply="451 4.7.1 Greylisted, try again later"):
        super().__init__()
        self.messages = []
        self.attempts = 0
        self.refuse_first = refuse_first
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse_first:
            return self.reply
        return await super().handle_DATA(server, session, envelope)

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(settings):
    servers = []

    def start(**kwargs):
        inbox = Inbox(**kwargs)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        return inbox

    yield start
    for controller in servers:
        controller.stop()


def queue_one(subject="Reminder", to="t@example.org"):
    """Write an email in a transaction whose commit never kicks the worker (as if the worker
    or the broker died right after the commit): only the outbox row is left."""
    with transaction.atomic():
        send_mail(subject, "Body", "expo@example.org", [to])
        transaction.get_connection().run_on_commit.clear()
    return Email.objects.get(subject=subject)


def test_an_email_is_a_queued_row_of_the_senders_transaction_and_a_rollback_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Rolled back", "Body", "expo@example.org", ["a@example.org"])
        assert Email.objects.filter(subject="Rolled back", status=STATUS.queued).exists()
        raise RuntimeError("the service fails after sending")

    email = queue_one("Committed")

    assert not Email.objects.filter(subject="Rolled back").exists()
    assert email.status == STATUS.queued
    assert email.to == ["t@example.org"]
    assert email.message_id.startswith("<") and email.message_id.endswith("@127.0.0.1>")
    assert mail.outbox == []  # nothing leaves before the worker runs


def test_the_worker_sends_due_rows_over_smtp_marks_them_sent_and_logs_it(smtp):
    inbox = smtp()
    email = queue_one()

    counts = outbox.send_due()

    email.refresh_from_db()
    assert counts["sent"] == 1
    assert email.status == STATUS.sent
    assert [m["Message-ID"] for m in inbox.messages] == [email.message_id]
    assert [m["Subject"] for m in inbox.messages] == ["Reminder"]
    assert list(email.logs.values_list("status", flat=True)) == [STATUS.sent]
    assert outbox.send_due()["sent"] == 0  # a sent row is never sent again


def test_a_transient_smtp_error_requeues_with_backoff_and_the_retry_keeps_the_message_id(smtp):
    inbox = smtp(refuse_first=1)
    email = queue_one()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert outbox.send_due()["requeued"] == 1
        email.refresh_from_db()
        assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
        assert email.scheduled_time == timezone.now() + timedelta(seconds=30)
        assert outbox.send_due()["sent"] == 0  # not before its time

        clock.shift(timedelta(seconds=31))
        assert outbox.send_due()["sent"] == 1

    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert inbox.attempts == 2
    assert [m["Message-ID"] for m in inbox.messages] == [email.message_id]
    assert sorted(email.logs.values_list("status", "exception_type")) == [
        (STATUS.sent, ""),
        (STATUS.failed, "SMTPDataError"),
    ]


def test_a_permanent_smtp_error_marks_the_row_failed_without_retrying(smtp):
    inbox = smtp(refuse_first=1, reply="550 5.1.1 No such mailbox")
    email = queue_one()

    assert outbox.send_due()["failed"] == 1

    email.refresh_from_db()
    assert email.status == STATUS.failed
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert outbox.send_due()["sent"] == 0
    assert inbox.messages == []


def test_a_worker_that_dies_after_claiming_leaves_the_rows_to_be_sent_within_a_minute(
    smtp, settings
):
    inbox = smtp()
    emails = [queue_one(f"Email {n}") for n in range(3)]

    with time_machine.travel(timezone.now(), tick=False) as clock:
        ids, _token = outbox.claim()  # ... and the worker is killed before sending
        assert sorted(ids) == sorted(e.pk for e in emails)
        assert outbox.send_due()["sent"] == 0  # another worker leaves them alone meanwhile

        clock.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
        counts = outbox.send_due()  # the next sweep (beat: every 15 s)

    assert counts["sent"] == 3
    assert Email.objects.filter(status=STATUS.sent).count() == 3
    assert sorted(m["Subject"] for m in inbox.messages) == ["Email 0", "Email 1", "Email 2"]
    assert settings.OUTBOX_LEASE_SECONDS + 15 <= 60  # the default sweep: within a minute


def test_a_worker_whose_lease_ran_out_does_not_send_what_another_worker_claimed(smtp, settings):
    inbox = smtp()
    email = queue_one()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        _ids, stale = outbox.claim()
        clock.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))  # the first stalls
        _ids, fresh = outbox.claim()  # a second worker takes the row over

        from expo.lib.outbox import delivery_connection

        assert outbox.send_one(email.pk, stale, delivery_connection()) == "skipped"
        assert outbox.send_one(email.pk, fresh, delivery_connection()) == "sent"

    assert len(inbox.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_holds_locked_is_skipped_not_waited_for(on_postgres):
    first, second = queue_one("Held"), queue_one("Free")
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            list(Email.objects.select_for_update().filter(pk=first.pk))
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(10)
    try:
        ids, _token = outbox.claim()
    finally:
        release.set()
        thread.join()

    assert ids == [second.pk]


def test_the_kick_after_commit_runs_the_worker_once_per_transaction(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(5):
            send_mail(f"Batch {n}", "Body", "expo@example.org", [f"p{n}@example.org"])

    assert len(callbacks) == 1
    assert sorted(m.subject for m in mail.outbox) == [f"Batch {n}" for n in range(5)]
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def test_a_message_queued_by_the_previous_version_lands_in_the_outbox(
    django_capture_on_commit_callbacks,
):
    payload = message_to_dict(EmailMessage("Old task", "Body", "expo@example.org", ["o@x.org"]))

    with django_capture_on_commit_callbacks(execute=True):
        deliver_email.delay(payload)

    assert [m.subject for m in mail.outbox] == ["Old task"]
    assert Log.objects.filter(email__subject="Old task", status=STATUS.sent).count() == 1


def test_user_text_in_an_email_is_never_rendered_as_a_template(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("{{ subject }}", "Hello {% now 'Y' %} {{ x }}", None, ["a@example.org"])

    assert (mail.outbox[0].subject, mail.outbox[0].body) == (
        "{{ subject }}",
        "Hello {% now 'Y' %} {{ x }}",
    )


def test_the_admin_shows_the_outbox_with_each_emails_log_but_not_its_body(
    client, organiser, django_assert_max_num_queries
):
    for n in range(3):
        queue_one(f"Password reset {n}")
    email = Email.objects.get(subject="Password reset 0")
    Log.objects.create(email=email, status=STATUS.failed, message="451 greylisted")
    client.force_login(organiser)

    with django_assert_max_num_queries(12):
        listing = client.get("/admin/post_office/email/")
    detail = client.get(f"/admin/post_office/email/{email.pk}/change/")

    assert listing.status_code == 200
    assert all(f"Password reset {n}" in listing.content.decode() for n in range(3))
    page = detail.content.decode()
    assert "451 greylisted" in page and email.message_id.strip("<>") in page
    assert "Body" not in page  # bodies may hold sign-in links: not shown


def test_the_organiser_queues_a_failed_email_again_from_the_admin(
    client, organiser, django_capture_on_commit_callbacks
):
    email = queue_one()
    Email.objects.filter(pk=email.pk).update(status=STATUS.failed, number_of_retries=10)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/post_office/email/",
            {"action": "requeue_failed", "_selected_action": [email.pk]},
        )

    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [m.subject for m in mail.outbox] == ["Reminder"]
