"""Job search over the demo expo (`seed_demo --scale 35`: about 100,000 jobs), timed through
the real view (Django's test client: URL routing, middleware, the search, the template), for
six typical query shapes, each twice:

- "warm": the facet counts of that text are in the cache (a visitor paging, sorting or
  clicking filters: the facet combinations depend only on the text, see jobs/search.py; for the
  no-text shapes, what Celery beat keeps there every minute);
- "cold": Django's cache is cleared before every request, so nothing the application computed
  before is reused: facets are counted, typos corrected and pages ranked from scratch (the first
  visitor of a text, or the no-text page with beat not running). PostgreSQL's own buffer cache
  stays warm, as on a live site. The facet counts kept ahead in the database for every job and
  for the words of at least 5,000 jobs (jobs_facetcount, like an index) are used: first the
  hourly beat task that picks those words runs once, as it would have on a live site, and its
  time is recorded (`job_search_terms_refresh_s`).

Also records the number of SQL queries of each page (it must not depend on the data), the share
of open jobs that the common word and the corrected typo match, and the load average of the
machine (other work on the 2 cores inflates every figure). Since wall times on a shared machine
mostly measure the neighbours, each cold shape also records CPU: the median CPU time of this
process per request (the view, its templates, the database and cache clients:
`job_search_q<n>_cold_cpu_ms`) and PostgreSQL's CPU per request (all its processes, from /proc:
`job_search_q<n>_cold_db_cpu_ms`).
"""

import os
import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

TARGET_MS = 30
COMMON_WORDS = ["engineer", "data", "research", "scientist", "analyst", "developer"]
TYPO, TYPO_FIXED = "pyhton", "python"  # no word starts with "pyhton": the typo path


def _share(edition, word):
    from django.contrib.postgres.search import SearchQuery

    from jobs.models import Job

    open_jobs = Job.objects.open().filter(edition=edition)
    query = SearchQuery(f"'{word}':*", search_type="raw", config="english")
    return open_jobs.filter(search_vector=query).count()


def _common_word(edition):
    """The candidate word whose matches come closest to a third of the open jobs."""
    from jobs.models import Job

    total = Job.objects.open().filter(edition=edition).count()
    shares = {word: _share(edition, word) / total for word in COMMON_WORDS}
    word = min(shares, key=lambda w: abs(shares[w] - 1 / 3))
    return word, shares[word], total


def run(ctx, Result, timed):
    edition = ctx.edition()
    with connection.cursor() as cursor:  # as autovacuum would have done on a live site
        cursor.execute("VACUUM ANALYZE jobs_job")
        if connection.vendor == "postgresql":  # the search's side tables (jobs migration 0003)
            for table in ("jobs_jobfacet", "jobs_facetcombo", "jobs_facettally", "jobs_searchword"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    from jobs.search import refresh_tally_terms

    started = time.perf_counter()
    added, _dropped = refresh_tally_terms()
    ctx.metrics["job_search_terms_refresh_s"] = round(time.perf_counter() - started, 1)
    ctx.metrics["job_search_terms_tallied"] = added
    word, share, total = _common_word(edition)
    ctx.metrics["job_search_open_jobs"] = total
    ctx.metrics["job_search_common_word_share_pct"] = round(share * 100, 1)
    typo_exact = _share(edition, TYPO)
    typo_share = _share(edition, TYPO_FIXED) / total
    ctx.metrics["job_search_typo_exact_matches"] = typo_exact
    ctx.metrics["job_search_typo_corrected_share_pct"] = round(typo_share * 100, 1)
    ctx.metrics["job_search_loadavg_1m_start"] = round(os.getloadavg()[0], 2)
    shapes = [
        ("newest, no text", {}),
        (f"common word “{word}” ({share:.0%} of jobs), by relevance", {"q": word}),
        ("rare words + sector filter", {"q": "pytorch vision", "sector": "ai-data-analytics"}),
        ("partial word “bioinf”, by relevance", {"q": "bioinf"}),
        (f"typo “{TYPO}” (→ {TYPO_FIXED}, {typo_share:.0%} of jobs)", {"q": TYPO}),
        (
            "filters only, by deadline",
            {"sector": "biotech", "level": "entry", "gba": "1", "sort": "deadline"},
        ),
    ]
    client = Client()
    postgres = _postgres_cpu()
    results = []
    for index, (label, params) in enumerate(shapes, start=1):
        key = f"job_search_q{index}"
        statuses = set()
        pages = []

        cpu = []

        def get(params=params, statuses=statuses, pages=pages, cpu=cpu):
            started = time.process_time()
            response = client.get("/jobs/", params)
            cpu.append((time.process_time() - started) * 1000)
            statuses.add(response.status_code)
            if not pages:
                pages.append(response.content.decode())

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get()
        ctx.metrics[f"{key}_queries"] = len(queries)
        note = ""
        if params.get("q") == TYPO and f"Showing results for “{TYPO_FIXED}”" not in pages[0]:
            note = "ERROR: the typo was not corrected"
        for mode, before in (("warm", None), ("cold", cache.clear)):
            cpu.clear()
            db_before = postgres.seconds() if postgres else None
            samples = timed(get, ctx.runs, before=before)
            if mode == "cold":
                ctx.metrics[f"{key}_cold_cpu_ms"] = round(statistics.median(cpu), 2)
                if postgres:  # the untimed warm-up request too
                    db_ms = (postgres.seconds() - db_before) * 1000 / len(cpu)
                    ctx.metrics[f"{key}_cold_db_cpu_ms"] = round(db_ms, 2)
            if statuses != {200}:
                note = f"ERROR: status {sorted(statuses)}"
            result = Result(f"GET /jobs/ {label} [{mode}]", samples, TARGET_MS, note)
            ctx.metrics[f"{key}_{mode}_median_ms"] = round(result.median, 3)
            ctx.metrics[f"{key}_{mode}_p95_ms"] = round(result.p95, 3)
            results.append(result)
    ctx.metrics["job_search_loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    ctx.metrics["job_search_p95_ms"] = round(max(r.p95 for r in results), 3)
    for mode in ("warm", "cold"):
        ctx.metrics[f"job_search_{mode}_p95_ms"] = round(
            max(r.p95 for r in results if r.name.endswith(f"[{mode}]")), 3
        )
    ctx.metrics["job_search_cold_cpu_ms"] = max(
        ctx.metrics[f"job_search_q{i}_cold_cpu_ms"] for i in range(1, len(shapes) + 1)
    )
    return results


def _postgres_cpu():
    """PostgreSQL's CPU counter (bench/pages.py), when it runs on this machine; else None."""
    from bench.pages import PostgresCPU, postmaster_pid

    if connection.vendor != "postgresql":
        return None
    try:
        postgres = PostgresCPU(postmaster_pid())
        postgres.seconds()
    except (OSError, ValueError, IndexError):
        return None
    return postgres
