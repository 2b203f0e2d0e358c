"""“Jobs for you”: ranked by fit with the talent's profile, with the reasons shown."""

import pytest

from tests.factories import CompanyFactory, JobFactory, SectorFactory, TalentProfileFactory

pytestmark = pytest.mark.django_db


def test_jobs_are_ranked_by_fit_and_say_why(client, talent, edition):
    ai = SectorFactory(name="AI", slug="ai")
    bio = SectorFactory(name="Bio", slug="bio")
    profile = TalentProfileFactory(
        user=talent,
        education_level="master",
        experience_level="entry",
        region="hk",
        skills="Python, SQL",
    )
    profile.sectors.add(ai)
    company_ai, company_bio = CompanyFactory(sector=ai), CompanyFactory(sector=bio)
    JobFactory(edition=edition, company=company_ai, title="Best", skills="Python, SQL")
    JobFactory(
        edition=edition, company=company_bio, title="Skills only", skills="SQL", level="senior"
    )
    JobFactory(
        edition=edition,
        company=company_bio,
        title="Needs a PhD",
        skills="Python, SQL",
        min_education="doctorate",
    )
    JobFactory(
        edition=edition, company=company_bio, title="No fit", skills="Cooking", level="senior"
    )
    client.force_login(talent)

    response = client.get("/jobs/for-you/")

    matches = response.context["matches"]
    assert [m.job.title for m in matches] == ["Best", "Skills only"]
    assert matches[0].reasons[:3] == [
        "Skills you have: Python, SQL",
        "A sector you follow: AI",
        "Your level: Entry level",
    ]
    assert "Skills you have: Python, SQL" in response.content.decode()


def test_a_job_already_applied_to_comes_last_and_says_applied(client, talent, edition):
    from tests.factories import ApplicationFactory

    TalentProfileFactory(user=talent, skills="Python, SQL")
    best = JobFactory(edition=edition, title="Best", skills="Python, SQL")
    JobFactory(edition=edition, title="Good", skills="Python")
    ApplicationFactory(job=best, talent=talent)
    client.force_login(talent)

    response = client.get("/jobs/for-you/")

    matches = response.context["matches"]
    assert [(m.job.title, m.applied) for m in matches] == [("Good", False), ("Best", True)]
    assert response.content.decode().count("data-applied") == 1


def test_gba_talent_only_see_jobs_open_to_the_gba(client, talent, edition, company_a):
    TalentProfileFactory(user=talent, region="gba", skills="Python")
    JobFactory(edition=edition, company=company_a, title="Open", skills="Python", open_to_gba=True)
    JobFactory(edition=edition, company=company_a, title="HK only", skills="Python")
    client.force_login(talent)

    matches = client.get("/jobs/for-you/").context["matches"]

    assert [m.job.title for m in matches] == ["Open"]
    assert "Open to talent in the Greater Bay Area" in matches[0].reasons


def test_without_a_profile_the_page_says_what_to_do(client, talent, edition):
    client.force_login(talent)

    page = client.get("/jobs/for-you/").content.decode()

    assert "Tell us about yourself first" in page
