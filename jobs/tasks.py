"""Job search upkeep run by Celery beat (expo/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task
def refresh_search_facets() -> int:
    """Recount the facets of the current expo's job search without text (the landing page and
    every filters-only search) into the cache, so no visitor waits for them. Returns the number
    of open jobs."""
    from expo.models import ExpoEdition

    from .search import refresh_facets

    edition = ExpoEdition.objects.current()
    return 0 if edition is None else refresh_facets(edition)
