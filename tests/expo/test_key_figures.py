"""The home page's key figures are computed from the data: open jobs of the edition and
companies with an approved booth."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booths.models import Booth
from expo.organiser.figures import compute_key_figures, key_figures
from jobs.models import Job
from tests.factories import BoothFactory, CompanyFactory, EditionFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo_with_jobs(edition):
    innohk = BoothFactory(
        edition=edition, company=CompanyFactory(programme="innohk", has_gba_or_overseas_office=True)
    ).company
    innopark = BoothFactory(
        edition=edition,
        company=CompanyFactory(programme="innopark", has_gba_or_overseas_office=False),
    ).company
    draft_booth_company = BoothFactory(edition=edition, status=Booth.Status.DRAFT).company
    JobFactory(
        edition=edition,
        company=innohk,
        open_to_overseas=True,
        open_to_gba=True,
        level="entry",
        min_education="bachelor",
        is_tech_rd=True,
    )
    JobFactory(
        edition=edition,
        company=innohk,
        open_to_overseas=True,
        open_to_gba=False,
        level="middle",
        min_education="doctorate",
        is_tech_rd=True,
    )
    JobFactory(
        edition=edition,
        company=innopark,
        open_to_overseas=False,
        open_to_gba=True,
        level="entry",
        min_education="bachelor",
        is_tech_rd=False,
    )
    JobFactory(
        edition=edition,
        company=innopark,
        open_to_overseas=True,
        open_to_gba=True,
        level="senior",
        min_education="master",
        is_tech_rd=True,
    )
    # Not counted: a draft, a closed job, one past its deadline, one of another edition.
    JobFactory(edition=edition, company=innohk, status=Job.Status.DRAFT)
    JobFactory(edition=edition, company=innohk, status=Job.Status.CLOSED)
    JobFactory(edition=edition, company=innohk, deadline=timezone.now() - timedelta(minutes=1))
    JobFactory(edition=EditionFactory(), company=draft_booth_company)
    return edition


def test_key_figures_count_open_jobs_and_approved_companies(expo_with_jobs):
    figures = compute_key_figures(expo_with_jobs)

    assert figures == {
        "companies": 2,
        "jobs": 4,
        "jobs_innohk": 2,
        "jobs_innopark": 2,
        "share_open_overseas_and_gba": 50,
        "share_open_overseas": 75,
        "share_open_gba": 75,
        "share_companies_gba_or_overseas": 50,
        "share_tech_rd": 75,
        "share_by_level": {"entry": 50, "middle": 25, "senior": 25},
        "share_by_education": {"sub_degree": 0, "bachelor": 50, "master": 25, "doctorate": 25},
    }


def test_a_job_past_its_deadline_leaves_the_figures_without_any_task(expo_with_jobs):
    job = Job.objects.filter(edition=expo_with_jobs).open().first()
    Job.objects.filter(pk=job.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    assert compute_key_figures(expo_with_jobs)["jobs"] == 3


def test_key_figures_take_two_queries_whatever_the_volume(
    expo_with_jobs, django_assert_num_queries
):
    with django_assert_num_queries(2):
        compute_key_figures(expo_with_jobs)
    JobFactory.create_batch(
        20,
        edition=expo_with_jobs,
        company=Booth.objects.filter(edition=expo_with_jobs).first().company,
    )
    with django_assert_num_queries(2):
        compute_key_figures(expo_with_jobs)


def test_key_figures_are_cached_briefly(expo_with_jobs, django_assert_num_queries):
    first = key_figures(expo_with_jobs)

    with django_assert_num_queries(0):
        assert key_figures(expo_with_jobs) == first


def test_an_empty_expo_has_zero_figures_not_errors(edition):
    figures = compute_key_figures(edition)

    assert (figures["jobs"], figures["companies"], figures["share_tech_rd"]) == (0, 0, 0)
