"""The facet counts kept ahead (migration 0005: jobs_facetcount for every job and for the
common words of jobs_tallyterm) stay equal to a recount through every write path, and a search
reads them instead of counting when they cover it, with the same result."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from jobs import search
from jobs.bulk import deferred_search_upkeep
from jobs.models import Job
from tests.factories import CompanyFactory, EditionFactory, JobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgres")]

RECOUNT = f"""
    SELECT f.edition_id, t.term, g.grp, g.value, count(*) FROM jobs_jobfacet f
      JOIN (SELECT '' AS term, NULL::tsquery AS query
            UNION ALL SELECT term, query FROM jobs_tallyterm) t
        ON t.query IS NULL OR f.terms @@ t.query
      JOIN jobs_facetcombo c ON c.id = f.combo_id
     CROSS JOIN LATERAL {search.GROUP_VALUES}
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""  # noqa: S608
KEPT = (
    "SELECT edition_id, term, grp, value, n FROM jobs_facetcount WHERE n <> 0 ORDER BY 1, 2, 3, 4"
)


def assert_kept_counts_are_a_recount():
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        recount = cursor.fetchall()
        cursor.execute(KEPT)
        assert cursor.fetchall() == recount
    return recount


def tallied_terms():
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM jobs_tallyterm ORDER BY term")
        return [row[0] for row in cursor.fetchall()]


def _jobs(edition, company, n, title, **fields):
    return [
        JobFactory(edition=edition, company=company, title=f"{title} {i}", **fields)
        for i in range(n)
    ]


def test_the_counts_follow_every_write_to_the_jobs(edition):
    other_edition = EditionFactory(is_current=False)
    company = CompanyFactory(programme="innohk")
    data = _jobs(edition, company, 3, "Data Engineer", level="entry")
    _jobs(other_edition, company, 2, "Data Analyst", level="senior")
    lab = _jobs(edition, company, 2, "Lab Technician", location="Cyberport")

    assert search.refresh_tally_terms(min_jobs=2)[0] > 0
    assert "'data':*" in tallied_terms()
    assert_kept_counts_are_a_recount()

    JobFactory(edition=edition, company=company, title="Data Scientist")  # a new job
    data[0].level = "middle"  # a new combination
    data[0].save()
    lab[0].title = "Data Steward"  # now matches 'data':*
    lab[0].save()
    data[1].status = Job.Status.CLOSED  # leaves the search
    data[1].save()
    data[2].delete()
    assert_kept_counts_are_a_recount()

    company.programme = "innopark"  # the programme is a facet of all its jobs
    company.save()
    with deferred_search_upkeep():  # a bulk load counts its jobs set-based
        Job.objects.bulk_create(
            [
                Job(
                    edition=edition,
                    company=company,
                    sector=company.sector,
                    title=title,
                    description="Data work",
                    status="published",
                    level="entry",
                    min_education="bachelor",
                    location="Hong Kong",
                )  # fmt: skip
                for title in ("Data Ops 1", "Data Ops 2", "Draft")
            ]
        )
    recount = assert_kept_counts_are_a_recount()
    assert (edition.pk, "'data':*", search.TOTAL_GROUP, "", 6) in recount


def test_a_search_reads_the_kept_counts_when_they_cover_it_with_the_same_result(
    edition, django_assert_num_queries, monkeypatch
):
    company = CompanyFactory()
    _jobs(edition, company, 4, "Data Engineer", level="entry")
    _jobs(edition, company, 2, "Data Analyst", level="senior", open_to_gba=True)
    _jobs(
        edition, company, 2, "Lab Technician", deadline=timezone.now() + timezone.timedelta(days=1)
    )
    JobFactory(edition=edition, company=company, title="Data Clerk, closed",
               deadline=timezone.now() - timezone.timedelta(hours=1))  # fmt: skip
    search.refresh_tally_terms(min_jobs=3)

    kept = {}
    for terms in ([], ["data"], ["engineer"]):
        with django_assert_num_queries(1):
            kept[tuple(terms)] = search.pg_facets(edition.pk, terms)
    with monkeypatch.context() as patch:  # the same searches counted
        patch.setattr(search, "_keeps_counts_for", lambda terms: False)
        for terms, found in kept.items():
            assert found == search.pg_facets(edition.pk, list(terms)), terms
    counts, total, empty = search.pg_facets(edition.pk, ["data"])
    assert (total, empty) == (6, False)  # the closed job is past its deadline
    assert counts["level"] == {"entry": 4, "senior": 2}
    assert counts["gba"] == {False: 4, True: 2}

    # Not covered: a rare word, two words, a filter, a company, stop words only: counted, in
    # the same one statement for a word.
    assert search.pg_kept_facets(edition.pk, ["lab"]) is None
    assert search.pg_kept_facets(edition.pk, ["data", "engineer"]) is None
    assert search.pg_kept_facets(edition.pk, ["the"]) is None
    with django_assert_num_queries(1):
        counts, total, empty = search.pg_facets(edition.pk, ["lab"])
    assert (total, empty, sum(counts["level"].values())) == (2, False, 2)
    with django_assert_num_queries(1):
        counts, total, _ = search.pg_facets(edition.pk, ["data"], selected={"level": {"entry"}})
    assert total == 4 and counts["level"] == {"entry": 4, "senior": 2}


def test_the_tallied_words_follow_how_many_jobs_use_them(edition):
    company = CompanyFactory()
    zyx = _jobs(edition, company, 3, "Zyxwidget Maker")
    _jobs(edition, company, 1, "Qqsensor Maker")

    added, dropped = search.refresh_tally_terms(min_jobs=3)

    assert "'zyxwidget':*" in tallied_terms() and "'qqsensor':*" not in tallied_terms()
    assert "'maker':*" in tallied_terms()
    assert (added, dropped) == (len(tallied_terms()), 0)
    assert search.refresh_tally_terms(min_jobs=3) == (0, 0)

    zyx[0].delete()
    assert search.refresh_tally_terms(min_jobs=3) == (0, 1)
    assert "'zyxwidget':*" not in tallied_terms()
    assert_kept_counts_are_a_recount()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM jobs_facetcount WHERE term = '''zyxwidget'':*'")
        assert cursor.fetchone()[0] == 0


def test_the_page_shows_the_kept_counts(client, edition):
    company = CompanyFactory()
    _jobs(edition, company, 3, "Data Engineer")
    search.refresh_tally_terms(min_jobs=3)
    cache.clear()

    result = client.get("/jobs/", {"q": "data"}).context["result"]

    assert result.total == 3 and len(result.jobs) == 3


def test_the_beat_task_refreshes_the_tallied_words_hourly(edition):
    from django.conf import settings

    from jobs.tasks import refresh_search_terms

    _jobs(edition, CompanyFactory(), 2, "Zyxwidget Maker")
    assert refresh_search_terms(min_jobs=2) >= 1
    assert "'zyxwidget':*" in tallied_terms()
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-job-search-terms"]
    assert entry["task"] == "jobs.tasks.refresh_search_terms"


def test_choosing_new_words_leaves_fresh_planner_statistics_for_their_counts(edition):
    """Right after the first choice of words, the landing page's facet query ran on plans made
    for the empty counts table (60 ms of PostgreSQL CPU instead of 3) until autovacuum came."""
    _jobs(edition, CompanyFactory(), 3, "Zyxwidget Maker")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_facetcount")  # statistics of the table without them
        before = _planned_rows()

        search.refresh_tally_terms(min_jobs=3)

        cursor.execute("SELECT count(*) FROM jobs_facetcount")
        (rows,) = cursor.fetchone()
    assert rows > before
    assert _planned_rows() == rows


def _planned_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'jobs_facetcount'")
        return max(0, int(cursor.fetchone()[0]))
