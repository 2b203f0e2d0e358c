"""Rows inserted with COPY (expo.lib.bulkcopy, used by seed_demo) read back exactly as
bulk_create would have written them, whatever characters their text holds."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import TalentProfile
from expo.lib.bulkcopy import copy_insert
from jobs.models import Job

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgres")]

AWKWARD = "Tab\there, new\nline, CR\r, back\\slash, \\N, \\t literally, 中文, émoji 🙂"


def test_copied_rows_keep_every_character_null_boolean_and_date(edition, company_a):
    deadline = dt.datetime(2026, 12, 24, 9, 30, 15, 123456, tzinfo=dt.UTC)
    jobs = [
        Job(
            edition=edition,
            company=company_a,
            sector=company_a.sector,
            title=f"Engineer {i}",
            description=AWKWARD,
            skills="" if i else "\\N",
            level="entry",
            min_education="bachelor",
            location="Hong Kong",
            open_to_gba=bool(i),
            salary_min=None if i else 20000,
            deadline=deadline if i else None,
            status="published",
            published_at=timezone.now(),
        )
        for i in range(3)
    ]
    before = timezone.now()

    assert copy_insert(Job, iter(jobs), skip={"search_vector"}) == 3

    rows = list(Job.objects.filter(company=company_a).order_by("title"))
    assert [job.title for job in rows] == ["Engineer 0", "Engineer 1", "Engineer 2"]
    assert {job.description for job in rows} == {AWKWARD}
    assert [job.skills for job in rows] == ["\\N", "", ""]
    assert [job.salary_min for job in rows] == [20000, None, None]
    assert [job.open_to_gba for job in rows] == [False, True, True]
    assert [job.deadline for job in rows] == [None, deadline, deadline]
    assert all(job.created_at >= before and job.updated_at >= before for job in rows)
    # The row triggers ran: the search vector was filled from the description.
    assert Job.objects.filter(company=company_a, search_vector="slash").count() == 3


def test_nothing_to_copy_inserts_nothing():
    assert copy_insert(Job, []) == 0


def test_a_model_with_json_fields_is_refused_rather_than_written_wrong():
    with pytest.raises(ValueError, match="JSON"):
        copy_insert(TalentProfile, [])
