import logging
import smtplib

from celery import shared_task
from django.core.cache import cache

from .mail import delivery_connection, message_from_dict

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
        ConnectionError,
        TimeoutError,
    ),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_email(payload: dict) -> None:
    """Deliver one queued email with the configured delivery backend."""
    message = message_from_dict(payload)
    try:
        with delivery_connection() as connection:
            connection.send_messages([message])
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:  # transient: greylisting, mailbox busy
            raise deliver_email.retry(exc=error, countdown=60) from error
        raise


@shared_task
def refresh_key_figures() -> None:
    """Recompute the current expo's key figures into the cache so pages never wait for them."""
    from .models import ExpoEdition
    from .services import busiest_sectors, key_figures

    edition = ExpoEdition.objects.current()
    if edition is not None:
        key_figures(edition, refresh=True)
        cache.delete(f"busiest-sectors:{edition.pk}:4")
        busiest_sectors(edition)


from .announcements.tasks import send_announcement  # noqa: E402,F401  (registers the task)
from .imports.tasks import check_import, run_import  # noqa: E402,F401  (registers the tasks)


# --- The schedule (beat runs these every minute; each is safe to run twice) ----------------
@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def send_session_reminders() -> int:
    """Reminder emails 24 hours and 15 minutes before each registered session."""
    from .schedule.services import send_due_reminders

    return send_due_reminders()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def announce_sessions_starting() -> int:
    """A "starting now" notification to registered people with the site open."""
    from .schedule.services import announce_sessions_starting as announce

    return announce()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def issue_certificates() -> int:
    """Certificates for attendees who met the threshold of sessions that have ended."""
    from .schedule.certificates import issue_due_certificates

    return issue_due_certificates()
