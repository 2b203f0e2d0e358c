"""The email outbox: every email is a row (django-post-office's Email, with its status, log and
retry count) written in the same transaction as the change that causes it, and sent from there.

    a service's transaction        the worker (send_due, the Celery task send_outbox below)
    ------------------------       ---------------------------------------------------------
    change + Email row (queued)    claim due rows: SELECT ... FOR UPDATE SKIP LOCKED, and push
    commit                         their scheduled_time a lease ahead (OUTBOX_LEASE_SECONDS);
    kick the worker (after         commit; per row: renew the lease if it is still ours (a
      commit, best effort)         compare-and-set), send it over SMTP, mark it sent + log it.

- A crash at any point leaves the row queued: before the claim commits nothing changed; after
  it, the row is due again when its lease runs out and the sweep (beat runs send_outbox every
  OUTBOX_SWEEP_SECONDS) sends it: within a minute with the defaults (30 s + 15 s).
- A row is marked sent only after the SMTP server accepted it, one row at a time, so a crash
  never marks an unsent email sent. The other way round cannot be excluded by anyone: a worker
  killed after the server's "250 OK" and before its commit sends that email again. Each row has
  a Message-ID made when it is written (post-office's message_id) and every attempt carries it,
  so such a repeat is recognisable as the same message by the receiving side.
- Transient failures (SMTP 4xx, a broken connection) requeue the row with exponential backoff
  (post-office's "requeued" status and number_of_retries), up to OUTBOX_MAX_RETRIES; permanent
  ones (5xx, a message that cannot be built) mark it failed. Every attempt is in its log.

Why not post-office's own sender (send_queued_mail): it reads queued rows without locking them
(a file lock guards one host only, so two worker hosts send the same rows), sends a whole batch
before it marks any row sent (a crash mid-batch resends every email of the batch), and its
mail.create renders subject and bodies as Django templates even without a template (user text
with "{{" would be interpreted). Its models, statuses, log and Message-ID are what we use.
"""

import logging
import smtplib
import time
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

CLAIM_BATCH = 20

# Errors worth another attempt later: the server or the network, not the message.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def delivery_connection(**kwargs):
    """The real backend (SMTP, console or file) that the worker sends with."""
    return get_connection(settings.EMAIL_DELIVERY_BACKEND, **kwargs)


def lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def queue(message) -> "Email":  # noqa: F821 (post_office.models.Email, imported late)
    """Write one EmailMessage as a queued outbox row (inside the caller's transaction) and make
    sure the worker is kicked once that transaction commits."""
    from post_office.models import PRIORITY, STATUS, Email

    if any(not isinstance(item, tuple) for item in message.attachments):
        raise ValueError("Attach files as (filename, content, mimetype) to queue them.")
    headers = {str(k): str(v) for k, v in (message.extra_headers or {}).items()}
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(str(a) for a in message.reply_to))
    html = ""
    for content, mimetype in getattr(message, "alternatives", None) or []:
        if mimetype == "text/html":
            html = str(content)
    text = str(message.body)
    if message.content_subtype == "html" and not html:
        html, text = text, ""
    email = Email.objects.create(
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        subject=str(message.subject),
        message=text,
        html_message=html,
        headers=headers or None,
        message_id=headers.pop("Message-ID", None) or make_msgid(domain=message_id_domain()),
        status=STATUS.queued,
        priority=PRIORITY.medium,
    )
    for name, content, mimetype in message.attachments:
        _attach(email, name, content, mimetype)
    kick_after_commit()
    return email


def _attach(email, name, content, mimetype) -> None:
    """Keep a file with its row (post-office's Attachment, in the private "outbox" storage,
    settings.POST_OFFICE["FILE_STORAGE"]): the worker adds it when it sends the email."""
    from django.core.files.base import ContentFile
    from post_office.models import Attachment

    data = content.encode("utf-8") if isinstance(content, str) else content
    attachment = Attachment(name=name, mimetype=mimetype or "")
    attachment.file.save(name, ContentFile(data), save=True)
    attachment.emails.add(email)


def _kick():
    if send_outbox.app.conf.task_always_eager:
        # Inline (make run, tests). Not delay(): eager delay() flips Celery's process-wide
        # "join would block" flag, which threads sending at once can leave set.
        send_outbox.apply()
    else:
        send_outbox.delay()


def kick_after_commit() -> None:
    """Queue one send_outbox task when the transaction commits (once per transaction however
    many rows it wrote). Best effort: if the broker is down the sweep finds the rows."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _kick for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_kick, robust=True)


def due(now=None):
    from post_office.models import STATUS, Email

    now = now or timezone.now()
    return Email.objects.filter(
        Q(status__in=(STATUS.queued, STATUS.requeued)),
        Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
    )


def claim(limit=CLAIM_BATCH, now=None):
    """Claim up to `limit` due rows for this worker: returns (ids, lease token). Rows other
    workers hold locked are skipped, rows they claimed are not due until their lease ends."""
    from post_office.models import Email

    now = now or timezone.now()
    token = now + lease()
    with transaction.atomic():
        ids = list(
            due(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Email.objects.filter(pk__in=ids).update(scheduled_time=token)
    return ids, token


def retry_delay(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min ... at most an hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempt - 1)))


def _is_transient(error) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _msg in error.recipients.values())
    return isinstance(error, TRANSIENT_ERRORS)


def send_one(pk, token, connection) -> str:
    """Send one claimed row if this worker still holds it. Returns "sent", "requeued",
    "failed" or "skipped" (the lease ran out and another worker has it, or it is done)."""
    from post_office.models import STATUS, Email, Log

    now = timezone.now()
    renewed = now + lease()
    still_ours = Email.objects.filter(
        pk=pk, status__in=(STATUS.queued, STATUS.requeued), scheduled_time=token
    ).update(scheduled_time=renewed)
    if not still_ours:
        return "skipped"
    email = Email.objects.get(pk=pk)
    try:
        message = email.prepare_email_message()
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 - every failure is logged on the row
        return _failed_attempt(email, error)
    with transaction.atomic():
        Email.objects.filter(pk=pk).update(status=STATUS.sent, last_updated=timezone.now())
        Log.objects.create(email_id=pk, status=STATUS.sent)
    return "sent"


def _failed_attempt(email, error) -> str:
    from post_office.models import STATUS, Email, Log

    attempts = (email.number_of_retries or 0) + 1
    transient = _is_transient(error)
    if transient and attempts <= settings.OUTBOX_MAX_RETRIES:
        status, outcome = STATUS.requeued, "requeued"
        scheduled = timezone.now() + retry_delay(attempts)
    else:
        status, outcome = STATUS.failed, "failed"
        scheduled = email.scheduled_time
    logger.warning("outbox: email %s %s after attempt %d: %r", email.pk, outcome, attempts, error)
    with transaction.atomic():
        Email.objects.filter(pk=email.pk).update(
            status=status,
            number_of_retries=attempts,
            scheduled_time=scheduled,
            last_updated=timezone.now(),
        )
        Log.objects.create(
            email_id=email.pk,
            status=STATUS.failed,
            message=str(error)[:2000],
            exception_type=type(error).__name__,
        )
    return outcome


def send_due(budget_seconds: float = 20.0) -> dict:
    """Claim and send due rows until none is left or the time budget is spent (the caller
    queues another run then). Safe to run in many workers at once."""
    counts = {"sent": 0, "requeued": 0, "failed": 0, "skipped": 0, "more": False}
    deadline = time.monotonic() + budget_seconds
    connection = delivery_connection()
    _open(connection)
    try:
        while True:
            ids, token = claim()
            if not ids:
                break
            for pk in ids:
                outcome = send_one(pk, token, connection)
                counts[outcome] += 1
                if outcome == "requeued":  # the connection may be broken: start a new one
                    _close(connection)
                    _open(connection)
            if time.monotonic() > deadline:
                counts["more"] = due().exists()
                break
    finally:
        _close(connection)
    return counts


def _open(connection):
    """Open one connection for the whole run (send_messages would open and close one per
    message); if the server is down, each send fails and is requeued."""
    try:
        connection.open()
    except Exception:  # noqa: BLE001
        logger.warning("outbox: the mail server does not answer", exc_info=True)


def _close(connection):
    try:
        connection.close()
    except Exception:  # noqa: BLE001 (closing a broken SMTP connection may fail)
        logger.debug("outbox: closing the mail connection failed", exc_info=True)


# Registered in expo/tasks.py, where Celery's autodiscovery looks; the beat schedule runs it.
@shared_task(name="expo.tasks.send_outbox", ignore_result=True)
def send_outbox(budget_seconds: float = 20.0) -> dict:
    """Send the outbox's due emails. Kicked after every commit that wrote some, and run by beat
    every OUTBOX_SWEEP_SECONDS to pick up what a crash left. Safe to run in several workers at
    once; hands over to a fresh run when its time budget is spent."""
    counts = send_due(budget_seconds)
    if counts["more"]:
        send_outbox.delay(budget_seconds)
    return counts
