"""Job search over the demo expo (`seed_demo --scale 35`: about 100,000 jobs), timed through
the real view (Django's test client: URL routing, middleware, the search, the template), for
five typical query shapes, each twice:

- "warm": the facet counts of that text are in the cache (a visitor paging, sorting or
  clicking filters: the facet combinations depend only on the text, see jobs/search.py);
- "cold": the cache is cleared before every request (the first visitor of a text).

Also records the number of SQL queries of each page (it must not depend on the data) and the
share of open jobs that the "common word" matches.
"""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

TARGET_MS = 30
COMMON_WORDS = ["engineer", "data", "research", "scientist", "analyst", "developer"]


def _common_word(edition):
    """The candidate word whose matches come closest to a third of the open jobs."""
    from django.contrib.postgres.search import SearchQuery

    from jobs.models import Job

    open_jobs = Job.objects.open().filter(edition=edition)
    total = open_jobs.count()
    shares = {}
    for word in COMMON_WORDS:
        query = SearchQuery(f"'{word}':*", search_type="raw", config="english")
        shares[word] = open_jobs.filter(search_vector=query).count() / total
    word = min(shares, key=lambda w: abs(shares[w] - 1 / 3))
    return word, shares[word], total


def run(ctx, Result, timed):
    edition = ctx.edition()
    with connection.cursor() as cursor:  # as autovacuum would have done on a live site
        cursor.execute("VACUUM ANALYZE jobs_job")
    word, share, total = _common_word(edition)
    ctx.metrics["job_search_open_jobs"] = total
    ctx.metrics["job_search_common_word_share_pct"] = round(share * 100, 1)
    shapes = [
        ("newest, no text", {}),
        (f"common word “{word}” ({share:.0%} of jobs), by relevance", {"q": word}),
        ("rare words + sector filter", {"q": "pytorch vision", "sector": "ai-data-analytics"}),
        ("partial word “bioinf”, by relevance", {"q": "bioinf"}),
        ("typo “enginer”", {"q": "enginer"}),
        (
            "filters only, by deadline",
            {"sector": "biotech", "level": "entry", "gba": "1", "sort": "deadline"},
        ),
    ]
    client = Client()
    results = []
    for index, (label, params) in enumerate(shapes, start=1):
        key = f"job_search_q{index}"
        statuses = set()

        def get(params=params, statuses=statuses):
            statuses.add(client.get("/jobs/", params).status_code)

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get()
        ctx.metrics[f"{key}_queries"] = len(queries)
        for mode, before in (("warm", None), ("cold", cache.clear)):
            samples = timed(get, ctx.runs, before=before)
            note = "" if statuses == {200} else f"ERROR: status {sorted(statuses)}"
            result = Result(f"GET /jobs/ {label} [{mode}]", samples, TARGET_MS, note)
            ctx.metrics[f"{key}_{mode}_median_ms"] = round(result.median, 3)
            ctx.metrics[f"{key}_{mode}_p95_ms"] = round(result.p95, 3)
            results.append(result)
    ctx.metrics["job_search_p95_ms"] = round(max(r.p95 for r in results), 3)
    ctx.metrics["job_search_warm_p95_ms"] = round(
        max(r.p95 for r in results if r.name.endswith("[warm]")), 3
    )
    return results
