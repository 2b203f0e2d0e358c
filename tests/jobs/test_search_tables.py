"""The search's side tables on PostgreSQL (migration 0003) stay in step with the jobs through
every write path, and the facet counts computed from them equal a plain recount; typos are
corrected against the words of titles and skills."""

import itertools

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs import search
from jobs.models import Job
from tests.factories import CompanyFactory, JobFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = "/jobs/"
COLUMNS = "c.sector_id, c.is_tech_rd, c.level, c.min_education, c.employment_type, c.location, "
COLUMNS += "c.programme, c.open_to_overseas, c.open_to_gba"


def side_row(job):
    """The job's facet values as the side table holds them, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.edition_id, f.company_id, f.deadline, {COLUMNS} FROM jobs_jobfacet f "  # noqa: S608
            "JOIN jobs_facetcombo c ON c.id = f.combo_id WHERE f.job_id = %s",
            [job.pk],
        )
        return cursor.fetchone()


def expected_row(job):
    job = Job.objects.select_related("company").get(pk=job.pk)
    return (
        job.edition_id,
        job.company_id,
        job.deadline,
        job.sector_id,
        job.is_tech_rd,
        job.level,
        job.min_education,
        job.employment_type,
        job.location,
        job.company.programme,
        job.open_to_overseas,
        job.open_to_gba,
    )


def assert_tally_is_a_recount():
    """The tally counts each combination's published jobs and carries its values (0006)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT edition_id, combo_id, n FROM jobs_facettally WHERE n <> 0 ORDER BY 1, 2"
        )
        tally = cursor.fetchall()
        cursor.execute(
            "SELECT edition_id, combo_id, count(*) FROM jobs_jobfacet GROUP BY 1, 2 ORDER BY 1, 2"
        )
        assert tally == cursor.fetchall()
        assert tally_values_differ(cursor) == 0


def tally_values_differ(cursor):
    """Tally rows whose facet values are not their combination's."""
    tallied = COLUMNS.replace("c.", "t.")
    cursor.execute(
        "SELECT count(*) FROM jobs_facettally t JOIN jobs_facetcombo c ON c.id = t.combo_id "  # noqa: S608
        f"WHERE ({tallied}) IS DISTINCT FROM ({COLUMNS})"
    )
    return cursor.fetchone()[0]


def found(client, **params):
    cache.clear()
    return [job.title for job in client.get(URL, params).context["result"].jobs]


def test_a_published_job_gets_a_row_with_its_facet_values(edition, company_a, on_postgres):
    job = JobFactory(edition=edition, company=company_a, location="Cyberport", open_to_gba=True)

    assert side_row(job) == expected_row(job)
    assert_tally_is_a_recount()


def test_editing_facet_values_moves_the_job_to_its_new_combination(edition, company_a, on_postgres):
    job = JobFactory(edition=edition, company=company_a)
    other_sector = SectorFactory()

    Job.objects.filter(pk=job.pk).update(
        level="senior",
        location="Remote (Hong Kong)",
        sector=other_sector,
        deadline=timezone.now() + timezone.timedelta(days=3),
    )

    assert side_row(job) == expected_row(job)
    assert_tally_is_a_recount()


def test_unpublished_closed_and_deleted_jobs_leave_the_table(edition, company_a, on_postgres):
    job = JobFactory(edition=edition, company=company_a, status="draft")
    assert side_row(job) is None

    job.status = "published"
    job.save()
    assert side_row(job) == expected_row(job)

    job.status = "closed"
    job.save()
    assert side_row(job) is None

    job.status = "published"
    job.save()
    job.delete()
    assert side_row(job) is None
    assert_tally_is_a_recount()


def test_bulk_created_jobs_are_in_the_table(edition, company_a, on_postgres):
    jobs = Job.objects.bulk_create(
        [
            Job(
                edition=edition,
                company=company_a,
                sector=company_a.sector,
                title=f"Bulk {i}",
                description="x",
                level="entry",
                min_education="bachelor",
                status="published",
                published_at=timezone.now(),
            )
            for i in range(3)
        ]
    )

    assert [side_row(job) for job in jobs] == [expected_row(job) for job in jobs]
    assert_tally_is_a_recount()


def test_a_company_changing_programme_moves_its_jobs(client, edition, on_postgres):
    company = CompanyFactory(programme="innohk")
    job = JobFactory(edition=edition, company=company)

    company.programme = "innopark"
    company.save()

    assert side_row(job) == expected_row(job)
    assert_tally_is_a_recount()
    cache.clear()
    facets = client.get(URL).context["result"].facets
    assert dict(facets["programme"].counts) == {"innopark": 1}


def test_a_renamed_company_is_found_by_its_new_name(client, edition, on_postgres):
    company = CompanyFactory(name="Old Name Labs")
    JobFactory(edition=edition, company=company, title="Chemist")

    company.name = "Quantum Widgets"
    company.save()

    assert found(client, q="quantum widg") == ["Chemist"]
    assert found(client, q="old name labs") == []


def test_jobs_past_their_deadline_are_not_counted(client, edition, company_a, on_postgres):
    JobFactory(edition=edition, company=company_a, title="Open")
    JobFactory(
        edition=edition,
        company=company_a,
        title="Expired",
        deadline=timezone.now() - timezone.timedelta(hours=1),
    )
    cache.clear()

    result = client.get(URL).context["result"]

    assert [job.title for job in result.jobs] == ["Open"]
    assert result.total == 1
    assert sum(result.facets["level"].counts.values()) == 1


def _varied_jobs(edition):
    """24 jobs over two sectors, three companies, every level, two locations, GBA or not,
    some past their deadline: (sectors, companies, selections to try)."""
    sectors = [SectorFactory(), SectorFactory()]
    companies = [
        CompanyFactory(sector=sectors[0], programme="innohk"),
        CompanyFactory(sector=sectors[1], programme="innopark"),
        CompanyFactory(sector=sectors[1], programme="other"),
    ]
    values = itertools.cycle(
        itertools.product(["entry", "middle", "senior"], ["Hong Kong", "Cyberport"], [0, 1])
    )
    now = timezone.now()
    for i in range(24):
        level, location, flag = next(values)
        company = companies[i % 3]
        JobFactory(
            edition=edition,
            company=company,
            title=f"{'Data' if i % 4 else 'Lab'} Engineer {i}",
            level=level,
            location=location,
            open_to_gba=bool(flag),
            open_to_overseas=i % 5 == 0,
            is_tech_rd=i % 3 != 0,
            employment_type="internship" if i % 7 == 0 else "full_time",
            published_at=now - timezone.timedelta(hours=i),
            deadline=None if i % 6 == 0 else now + timezone.timedelta(days=i % 9 + 1),
        )
    past = JobFactory(edition=edition, company=companies[1], title="Data Engineer, closed")
    Job.objects.filter(pk=past.pk).update(deadline=now - timezone.timedelta(hours=1))
    selections = [
        {},
        {"level": {"entry"}},
        {"sector": {sectors[1].pk}, "gba": {True}},
        {"level": {"entry", "senior"}, "location": {"Cyberport"}, "programme": {"innohk"}},
        {"tech": {True}, "overseas": {True}, "type": {"full_time"}},
    ]
    return sectors, companies, selections


def test_facet_counts_equal_a_plain_recount(edition, on_postgres):
    """The one-statement SQL facet counting against the portable Python one, for every
    combination of a few filters, with and without text."""
    _sectors, companies, selections = _varied_jobs(edition)
    for terms, selected, company in itertools.product(
        [[], ["data"], ["engin"]], selections, [None, companies[1].slug]
    ):
        expected = search._portable_facets(edition, [], company, selected)
        if terms:  # the portable path matches words anywhere: recount with the tsquery instead
            query = SearchQuery(f"'{terms[0]}':*", search_type="raw", config="english")
            base = Job.objects.open().filter(edition=edition, search_vector=query)
            ids = set(base.values_list("pk", flat=True))
            expected = _recount(edition, ids, company, selected)
        counts, total, _empty = search.pg_facets(edition.pk, terms, company, selected)
        assert (counts, total) == (
            {name: dict(c) for name, c in expected[0].items()},
            expected[1],
        ), (terms, selected, company)


def test_the_first_page_read_with_the_facets_is_the_page_read_on_its_own(edition, on_postgres):
    """A search whose facets are counted reads its first page from the same matches in the
    same statement: the same jobs in the same order as the page's own query, for each sort,
    with and without text, filters or a company."""
    _sectors, companies, selections = _varied_jobs(edition)
    search.refresh_tally_terms(min_jobs=15)  # "data" and "engin" are kept, "lab" is counted
    now = timezone.now()
    for terms, selected, company, sort in itertools.product(
        [[], ["data"], ["engin"], ["lab"], ["lab", "engin"], ["zzzz"]],
        selections,
        [None, companies[1].slug],
        search.SORTS,
    ):
        counts, total, empty, first_page = search.pg_facets(
            edition.pk, terms, company, selected, now=now, page_sort=sort
        )
        alone = search._pg_page_ids(edition.pk, now, terms, company, selected, sort, 0, total)
        if first_page is None:  # no text, or kept counts: read on its own
            kept = terms in (["data"], ["engin"]) and not any(selected.values())
            assert not company and (kept or not terms), (terms, selected)
            continue
        assert first_page == alone, (terms, selected, company, sort)
        assert (counts, total, empty) == search.pg_facets(
            edition.pk, terms, company, selected, now=now
        )
    assert search.pg_facets(edition.pk, ["zzzz"], page_sort="relevance")[2:] == (True, [])


def test_a_cold_search_for_a_rare_word_reads_its_matches_once(
    client, edition, company_a, on_postgres
):
    JobFactory(edition=edition, company=company_a, title="Bioinformatician")
    JobFactory(edition=edition, company=company_a, title="Lab Technician")
    cache.clear()
    with CaptureQueriesContext(connection) as seen:
        result = client.get(URL, {"q": "bioinf", "sector": company_a.sector.slug}).context["result"]

    assert [job.title for job in result.jobs] == ["Bioinformatician"]
    assert result.total == 1
    assert sum("f.terms @@" in query["sql"] for query in seen.captured_queries) == 1


def _recount(edition, ids, company, selected):
    jobs = Job.objects.open().filter(edition=edition, pk__in=ids)
    if company:
        jobs = jobs.filter(company__slug=company)
    rows = jobs.order_by().values_list(*[c for _n, c in search.FACETS])
    combos = [(*row, 1) for row in rows]
    return search.facet_counts(combos, selected)


def test_company_filter_counts_only_that_company(client, job_a, job_b, company_a):
    cache.clear()
    result = client.get(URL, {"company": company_a.slug}).context["result"]

    assert [job.title for job in result.jobs] == ["Machine Learning Engineer"]
    assert result.total == 1


@pytest.mark.parametrize(
    ("typed", "fixed", "title"),
    [
        ("pyhton", "python", "Data Engineer"),
        ("enginere", "engineer", "Data Engineer"),
        ("bioinfomatician", "bioinformatician", "Bioinformatician"),
    ],
)
def test_typos_are_corrected_against_title_and_skill_words(
    client, edition, company_a, on_postgres, typed, fixed, title
):
    JobFactory(edition=edition, company=company_a, title="Data Engineer", skills="Python, SQL")
    JobFactory(edition=edition, company=company_a, title="Bioinformatician", skills="R")
    cache.clear()

    result = client.get(URL, {"q": typed}).context["result"]

    assert result.fuzzy is True
    assert result.typed == [typed]
    assert result.terms == [fixed]
    assert [job.title for job in result.jobs] == [title]


def test_words_that_start_a_known_word_are_not_corrected(client, job_a, on_postgres):
    cache.clear()
    result = client.get(URL, {"q": "pyt zzzzzz"}).context["result"]

    assert result.jobs == []
    assert result.fuzzy is False


def test_relevance_ranks_only_the_newest_candidates(
    client, edition, company_a, on_postgres, monkeypatch
):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    now = timezone.now()
    JobFactory(edition=edition, company=company_a, title="Old Python Developer",
               published_at=now - timezone.timedelta(days=3))  # fmt: skip
    JobFactory(edition=edition, company=company_a, title="Lab Manager", description="Python",
               published_at=now - timezone.timedelta(days=1))  # fmt: skip
    JobFactory(edition=edition, company=company_a, title="Python Developer", published_at=now)
    cache.clear()

    result = client.get(URL, {"q": "python"}).context["result"]

    assert [job.title for job in result.jobs] == ["Python Developer", "Lab Manager"]
    assert result.bounded is True
    assert result.total == 3


def test_the_beat_task_counts_the_landing_page_facets_ahead(edition, company_a, job_a):
    from django.conf import settings

    from jobs.tasks import refresh_search_facets

    cache.clear()
    assert refresh_search_facets() == 1
    key = search._cache_key(edition, [], None, {})
    assert cache.get(key)[1] == 1
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-job-search-facets"]
    assert entry["task"] == "jobs.tasks.refresh_search_facets"


def test_a_repeated_search_reads_its_counts_and_first_page_in_one_cache_round_trip(
    client, edition, company_a, on_postgres, monkeypatch
):
    JobFactory(edition=edition, company=company_a, title="Bioinformatician")
    cache.clear()
    first = client.get(URL, {"q": "bioinf"}).context["result"]
    reads = []
    get, get_many = cache.get, cache.get_many
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **kw: reads.append([key]) or get(key, *a, **kw)
    )
    monkeypatch.setattr(
        cache, "get_many", lambda keys, **kw: reads.append(keys) or get_many(keys, **kw)
    )

    with CaptureQueriesContext(connection) as seen:
        again = client.get(URL, {"q": "bioinf"}).context["result"]

    assert (again.ids, again.total) == (first.ids, first.total) and first.total == 1
    assert [keys for keys in reads if any("jobs:facets" in key for key in keys)] == [
        [
            search._cache_key(edition, ["bioinf"], None, {}),
            f"{search._cache_key(edition, ['bioinf'], None, {})}:relevance:0",
        ]
    ]
    assert not any("jobs_jobfacet" in query["sql"] for query in seen.captured_queries)
