"""The organiser's Celery tasks; the announcement and import tasks are registered from their
packages."""

from celery import shared_task
from django.core.cache import cache

from expo.models import ExpoEdition

from .announcements.tasks import resume_announcements, send_announcement
from .figures import busiest_sectors, key_figures
from .imports.tasks import check_import, run_import

__all__ = [
    "check_import",
    "refresh_key_figures",
    "resume_announcements",
    "run_import",
    "send_announcement",
]


# Named as before the organiser app existed (CELERY_BEAT_SCHEDULE uses the name).
@shared_task(name="expo.tasks.refresh_key_figures")
def refresh_key_figures() -> None:
    """Recompute the current expo's key figures into the cache so pages never wait for them."""
    edition = ExpoEdition.objects.current()
    if edition is not None:
        key_figures(edition, refresh=True)
        cache.delete(f"busiest-sectors:{edition.pk}:4")
        busiest_sectors(edition)
