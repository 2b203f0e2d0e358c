"""Employer staff post, edit, close and reopen jobs; drafts stay private; a deadline closes a
job by itself; talent search shows only consenting profiles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job
from tests.factories import JobFactory, TalentProfileFactory

pytestmark = pytest.mark.django_db


def job_data(sector, **overrides):
    data = {
        "title": "Robotics Engineer",
        "description": "Build robots.",
        "skills": "ROS, C++",
        "sector": sector.pk,
        "is_tech_rd": "on",
        "level": "entry",
        "min_education": "bachelor",
        "employment_type": "full_time",
        "location": "Hong Kong Science Park",
        "open_to_gba": "on",
        "salary_min": "",
        "salary_max": "",
        "deadline": "",
    }
    return {**data, **overrides}


def test_recruiter_posts_a_draft_then_publishes_it(client, recruiter, edition, company_a):
    client.force_login(recruiter)

    client.post("/console/jobs/new/", job_data(company_a.sector, draft="1"))
    job = Job.objects.get()
    draft_search = client.get("/jobs/").context["result"].total
    client.post(f"/console/jobs/{job.pk}/state/", {"action": "publish"})
    job.refresh_from_db()

    assert (job.company, job.edition, draft_search) == (company_a, edition, 0)
    assert job.status == "published" and job.published_at is not None
    assert client.get("/jobs/", {"q": "robotics"}).context["result"].total == 1


def test_published_job_is_searchable_straight_away(client, recruiter, edition, company_a):
    client.force_login(recruiter)

    response = client.post("/console/jobs/new/", job_data(company_a.sector, publish="1"))

    assert response.status_code == 302
    assert [j.title for j in client.get("/jobs/", {"q": "robot"}).context["result"].jobs] == [
        "Robotics Engineer"
    ]


def test_a_bad_job_form_keeps_what_was_typed(client, recruiter, edition, company_a):
    client.force_login(recruiter)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        "/console/jobs/new/",
        job_data(company_a.sector, title="", salary_min="50000", salary_max="1", deadline=past),
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"title", "salary_max", "deadline"}
    assert "Build robots." in response.content.decode()
    assert Job.objects.count() == 0


def test_close_and_reopen(client, recruiter, job_a):
    client.force_login(recruiter)

    client.post(f"/console/jobs/{job_a.pk}/state/", {"action": "close"})
    closed = Job.objects.open().filter(pk=job_a.pk).exists()
    client.post(f"/console/jobs/{job_a.pk}/state/", {"action": "reopen"})

    assert closed is False
    assert Job.objects.open().filter(pk=job_a.pk).exists()


def test_reopening_after_the_deadline_asks_for_a_new_deadline(client, recruiter, job_a):
    Job.objects.filter(pk=job_a.pk).update(
        status="closed", deadline=timezone.now() - timedelta(days=1)
    )
    client.force_login(recruiter)

    response = client.post(f"/console/jobs/{job_a.pk}/state/", {"action": "reopen"}, follow=True)

    assert "Edit the job and set a new deadline to reopen it." in response.content.decode()
    job_a.refresh_from_db()
    assert job_a.status == "closed"


def test_a_deadline_closes_a_job_by_itself(job_a):
    later = job_a.deadline + timedelta(seconds=1)

    assert Job.objects.open().filter(pk=job_a.pk).exists()
    assert not Job.objects.open(now=later).filter(pk=job_a.pk).exists()
    assert job_a.is_open(now=later) is False


def test_editing_a_job_updates_its_search_vector(client, recruiter, job_a, on_postgres):
    client.force_login(recruiter)
    data = job_data(job_a.sector, title="Quantum Photonics Researcher")

    client.post(f"/console/jobs/{job_a.pk}/edit/", data)

    assert [j.pk for j in client.get("/jobs/", {"q": "photonics"}).context["result"].jobs] == [
        job_a.pk
    ]


def test_renaming_a_company_makes_its_jobs_findable_by_the_new_name(
    client, job_a, company_a, on_postgres
):
    company_a.name = "Zephyrion Labs"
    company_a.save()

    assert client.get("/jobs/", {"q": "zephyrion"}).context["result"].total == 1


def test_talent_search_shows_only_discoverable_profiles(client, recruiter):
    TalentProfileFactory(is_discoverable=True, skills="Rust, Go", user__full_name="Found Fay")
    TalentProfileFactory(is_discoverable=False, skills="Rust", user__full_name="Hidden Hal")
    client.force_login(recruiter)

    response = client.get("/console/talent/", {"q": "rust"})

    page = response.content.decode()
    assert "Found Fay" in page and "Hidden Hal" not in page


def test_talent_search_filters_by_education_and_region(client, recruiter):
    TalentProfileFactory(
        is_discoverable=True, education_level="doctorate", region="gba", user__full_name="Dr Gina"
    )
    TalentProfileFactory(
        is_discoverable=True, education_level="bachelor", region="hk", user__full_name="Ben Bach"
    )
    client.force_login(recruiter)

    response = client.get("/console/talent/", {"education": "doctorate", "region": "gba"})

    assert [p.user.full_name for p in response.context["page"].object_list] == ["Dr Gina"]


def test_console_lists_only_own_jobs_with_applicant_counts(client, recruiter, job_a, job_b):
    client.force_login(recruiter)

    response = client.get("/console/jobs/")

    assert [(j.title, j.applicants) for j in response.context["jobs"]] == [
        ("Machine Learning Engineer", 0)
    ]


def test_job_edit_of_another_company_changes_nothing(client, outsider_recruiter, job_a):
    client.force_login(outsider_recruiter)

    response = client.post(f"/console/jobs/{job_a.pk}/edit/", job_data(job_a.sector))

    assert response.status_code == 404
    assert JobFactory._meta.model.objects.get(pk=job_a.pk).title == "Machine Learning Engineer"
