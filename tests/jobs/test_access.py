"""Nobody reaches another company's jobs, applicants, exports or CVs by any URL, and a talent
never sees another talent's application (healthchecks' test_it_validates_ownership pattern)."""

import pytest

from jobs.models import Application, ApplicationNote, Job
from tests.factories import ApplicationFactory, UserFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def application_a(job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent)
    application.cv.save("x.pdf", pdf_upload(), save=True)
    return application


def company_a_urls(job, application):
    """(method, url, data) of every company-scoped URL, aimed at company A's objects."""
    return [
        ("get", f"/console/jobs/{job.pk}/edit/", None),
        ("post", f"/console/jobs/{job.pk}/edit/", {"title": "Hacked"}),
        ("post", f"/console/jobs/{job.pk}/state/", {"action": "close"}),
        ("get", f"/console/jobs/{job.pk}/applicants/", None),
        ("get", f"/console/applicants/{application.pk}/", None),
        ("post", f"/console/applicants/{application.pk}/status/", {"status": "hired"}),
        ("post", f"/console/applicants/{application.pk}/notes/", {"body": "Hacked"}),
        ("get", f"/jobs/applications/{application.pk}/cv/", None),
    ]


def test_outsider_recruiter_gets_404_on_every_company_a_object(
    client, outsider_recruiter, job_a, application_a
):
    client.force_login(outsider_recruiter)

    for method, url, data in company_a_urls(job_a, application_a):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (method, url, response.status_code)

    job_a.refresh_from_db()
    application_a.refresh_from_db()
    assert (job_a.title, job_a.status) == ("Machine Learning Engineer", "published")
    assert application_a.status == "submitted"
    assert ApplicationNote.objects.count() == 0


def test_outsider_lists_exports_and_bulk_changes_hold_nothing_of_company_a(
    client, outsider_recruiter, job_a, application_a
):
    client.force_login(outsider_recruiter)

    pipeline = client.get("/console/applicants/", {"job": job_a.pk})
    export = client.get("/console/applicants/export.csv")
    jobs = client.get("/console/jobs/")
    client.post(
        "/console/applicants/bulk/", {"applications": [application_a.pk], "status": "hired"}
    )

    assert list(pipeline.context["page"].object_list) == []
    assert export.content.decode().count("\n") == 1  # the header only
    assert list(jobs.context["jobs"]) == []
    application_a.refresh_from_db()
    assert application_a.status == "submitted"


@pytest.mark.parametrize(
    "url",
    [
        "/console/jobs/",
        "/console/jobs/new/",
        "/console/applicants/",
        "/console/applicants/export.csv",
        "/console/talent/",
    ],
)
def test_talent_gets_403_on_the_employer_console(client, talent, url):
    client.force_login(talent)

    assert client.get(url).status_code == 403


def test_talent_gets_404_on_company_objects(client, job_a, application_a):
    other = UserFactory()
    client.force_login(other)

    for method, url, data in company_a_urls(job_a, application_a):
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (403, 404), (method, url, response.status_code)


def test_anonymous_visitor_is_sent_to_sign_in_everywhere_private(client, job_a, application_a):
    for method, url, data in company_a_urls(job_a, application_a) + [
        ("get", "/jobs/applications/", None),
        ("get", "/jobs/saved/", None),
        ("get", "/jobs/for-you/", None),
        ("post", f"/jobs/applications/{application_a.pk}/withdraw/", None),
    ]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_talent_cannot_see_withdraw_or_download_another_talents_application(client, application_a):
    other = UserFactory()
    client.force_login(other)

    listing = client.get("/jobs/applications/")
    withdraw = client.post(f"/jobs/applications/{application_a.pk}/withdraw/")
    cv = client.get(f"/jobs/applications/{application_a.pk}/cv/")

    assert list(listing.context["applications"]) == []
    assert (withdraw.status_code, cv.status_code) == (404, 404)
    application_a.refresh_from_db()
    assert application_a.status == "submitted"


@pytest.mark.parametrize("who", ["talent", "recruiter", "company_admin", "organiser"])
def test_cv_download_is_an_attachment_for_those_allowed(client, request, who, application_a):
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/jobs/applications/{application_a.pk}/cv/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_draft_jobs_are_hidden_from_the_public_and_shown_to_their_company(
    client, job_a, recruiter, outsider_recruiter
):
    Job.objects.filter(pk=job_a.pk).update(status="draft")

    anonymous = client.get(f"/jobs/{job_a.pk}/").status_code
    client.force_login(outsider_recruiter)
    outsider = client.get(f"/jobs/{job_a.pk}/").status_code
    client.force_login(recruiter)
    own = client.get(f"/jobs/{job_a.pk}/").status_code

    assert (anonymous, outsider, own) == (404, 404, 200)


def test_applying_to_a_draft_by_id_is_a_404(client, talent, job_a):
    Job.objects.filter(pk=job_a.pk).update(status="draft")
    client.force_login(talent)

    response = client.post(f"/jobs/{job_a.pk}/apply/", {"cv": pdf_upload()})

    assert response.status_code == 404
    assert Application.objects.count() == 0
