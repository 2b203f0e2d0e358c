"""The schedule's Celery tasks: beat runs them every few minutes and each is safe to run twice.
Their names are kept from when they lived in expo/tasks.py (CELERY_BEAT_SCHEDULE uses them)."""

from celery import shared_task


@shared_task(
    name="expo.tasks.send_session_reminders",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def send_session_reminders() -> int:
    """Reminder emails 24 hours and 15 minutes before each registered session and each booked
    1:1 time (both sides)."""
    from .meetings import send_due_booking_reminders
    from .services import send_due_reminders

    return send_due_reminders() + send_due_booking_reminders()


@shared_task(
    name="expo.tasks.announce_sessions_starting",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def announce_sessions_starting() -> int:
    """A "starting now" notification to registered people and to both sides of booked 1:1
    times, with the site open."""
    from .meetings import announce_bookings_starting
    from .services import announce_sessions_starting as announce

    return announce() + announce_bookings_starting()


@shared_task(
    name="expo.tasks.issue_certificates",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def issue_certificates() -> int:
    """Certificates for attendees who met the threshold of sessions that have ended."""
    from .certificates import issue_due_certificates

    return issue_due_certificates()


@shared_task(name="expo.tasks.convert_slides")
def convert_slides(session_id: int) -> bool:
    """Turn the host's uploaded PDF into the session's slides (queued by the upload)."""
    from .slides import do_convert

    return bool(do_convert(session_id))


@shared_task(name="expo.tasks.convert_waiting_slides")
def convert_waiting_slides() -> int:
    """Slide PDFs whose task was lost or whose worker died: converted by the sweep."""
    from .slides import convert_due

    return convert_due()
