"""Chat's Celery tasks (found by autodiscovery): the live room's video and the live day's
upkeep run by Celery beat (expo/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .liveroom.media.tasks import (  # noqa: F401
    close_finished_rooms,
    convert_recording,
    revoke_media,
)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def skip_unanswered_calls() -> int:
    """Skip talent who did not open the conversation a recruiter called them into in time
    (chat.live.do_skip_unanswered; each once, safe to run twice). Usually the recruiter's or
    the talent's page does it the moment the countdown ends; this catches pages closed."""
    from .live import do_skip_unanswered

    return do_skip_unanswered()
