"""Jobs loaded in bulk with the search upkeep deferred (jobs/bulk.py, used by seed_demo) end up
exactly as the row triggers would have left them, and the triggers work again afterwards."""

import pytest
from django.db import connection

from jobs.bulk import deferred_search_upkeep
from jobs.models import Job
from tests.factories import JobFactory
from tests.jobs.test_search_tables import tally_values_differ

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgres")]

ROWS = """
    SELECT j.title, j.search_vector::text, f.combo_id, f.terms::text, f.published_at, f.deadline
      FROM jobs_job j LEFT JOIN jobs_jobfacet f ON f.job_id = j.id
     WHERE j.company_id = %s ORDER BY j.title
"""
TALLY_MATCHES_FACETS = """
    SELECT count(*) FROM jobs_facettally t
      FULL JOIN (SELECT edition_id, combo_id, count(*) AS n FROM jobs_jobfacet
                 GROUP BY edition_id, combo_id) f USING (edition_id, combo_id)
     WHERE t.n IS DISTINCT FROM f.n
"""


def _rows(cursor, company):
    cursor.execute(ROWS, [company.pk])
    return cursor.fetchall()


def _jobs(edition, company):
    return [
        Job(
            edition=edition,
            company=company,
            sector=company.sector,
            title=title,
            skills=skills,
            description=f"Build {title} with the team.",
            status=status,
            level="entry",
            min_education="bachelor",
            employment_type="full_time",
            location="Hong Kong",
        )
        for title, skills, status in [
            ("Zyxwidget engineer", "python, qqsensor", "published"),
            ("Sensor researcher", "matlab", "published"),
            ("Draft role", "go", "draft"),
        ]
    ]


def test_a_bulk_load_leaves_the_search_tables_as_the_triggers_would(edition, company_a):
    with deferred_search_upkeep():
        Job.objects.bulk_create(_jobs(edition, company_a))

    with connection.cursor() as cursor:
        loaded = _rows(cursor, company_a)
        # Run every row trigger on the same rows: nothing may change.
        cursor.execute("UPDATE jobs_job SET title = title WHERE company_id = %s", [company_a.pk])
        assert _rows(cursor, company_a) == loaded
        cursor.execute(TALLY_MATCHES_FACETS)
        assert cursor.fetchone()[0] == 0
        assert tally_values_differ(cursor) == 0
        cursor.execute("SELECT word FROM jobs_searchword WHERE word IN ('zyxwidget', 'qqsensor')")
        assert sorted(row[0] for row in cursor.fetchall()) == ["qqsensor", "zyxwidget"]
    assert [row[2] is not None for row in loaded] == [False, True, True]  # drafts: no facet row
    assert all("'zyxwidget'" in row[1] for row in loaded if row[0].startswith("Zyx"))


def test_the_triggers_work_again_after_a_bulk_load(edition, company_a):
    with deferred_search_upkeep():
        Job.objects.bulk_create(_jobs(edition, company_a))

    job = JobFactory(edition=edition, company=company_a, title="Quantum plumber")

    with connection.cursor() as cursor:
        cursor.execute("SELECT terms::text FROM jobs_jobfacet WHERE job_id = %s", [job.pk])
        assert "quantum" in cursor.fetchone()[0]
        cursor.execute(TALLY_MATCHES_FACETS)
        assert cursor.fetchone()[0] == 0


INDEXES = """
    SELECT indexname, indexdef FROM pg_indexes
     WHERE tablename IN ('jobs_job', 'jobs_jobfacet') ORDER BY indexname
"""


def test_a_load_that_rebuilds_the_indexes_leaves_them_as_they_were_and_searchable(
    edition, company_a
):
    with connection.cursor() as cursor:
        cursor.execute(INDEXES)
        before = cursor.fetchall()
        with deferred_search_upkeep(rebuild_indexes=True):
            cursor.execute(INDEXES)
            during = [name for name, _definition in cursor.fetchall()]
            Job.objects.bulk_create(_jobs(edition, company_a))
        cursor.execute(INDEXES)
        assert cursor.fetchall() == before
        cursor.execute(TALLY_MATCHES_FACETS)
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM jobs_jobfacet WHERE terms @@ to_tsquery('english', 'zyxwidget')"
        )
        assert cursor.fetchone()[0] == 1
    # Only the keys stayed while the rows went in; the GIN indexes were among those rebuilt.
    assert "jobs_job_search_vector_gin" in dict(before)
    assert "jobs_job_search_vector_gin" not in during
    assert set(during) == {"jobs_job_pkey", "jobs_jobfacet_pkey"}
