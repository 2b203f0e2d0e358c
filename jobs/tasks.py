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


@shared_task
def refresh_search_terms(min_jobs=None) -> int:
    """Keep the job search's facet counts for exactly the words of many jobs (jobs/search.py,
    refresh_tally_terms). Returns the number of words tallied now."""
    from django.db import connection

    from .search import TALLY_MIN_JOBS, refresh_tally_terms

    if connection.vendor != "postgresql":
        return 0
    refresh_tally_terms(min_jobs or TALLY_MIN_JOBS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM jobs_tallyterm")
        return cursor.fetchone()[0]
