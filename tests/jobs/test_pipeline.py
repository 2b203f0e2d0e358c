"""The employer's pipeline: per job and company-wide, filters, status changes with history and
email, bulk changes, company-only notes, CSV export, and constant query counts."""

import csv
import io

import pytest
from django.core import mail
from django.core.cache import cache

from jobs.models import Application, ApplicationNote
from tests.factories import ApplicationFactory, JobFactory, TalentProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_recruiter_sees_the_applicants_of_all_company_jobs(client, recruiter, job_a, job_b):
    mine = ApplicationFactory(job=job_a, talent=UserFactory(full_name="Amy Applicant"))
    ApplicationFactory(job=job_b, talent=UserFactory(full_name="Bob Elsewhere"))
    client.force_login(recruiter)

    response = client.get("/console/applicants/")

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "Bob Elsewhere" not in response.content.decode()


def test_pipeline_filters_by_status_and_name(client, recruiter, job_a):
    amy = ApplicationFactory(job=job_a, talent=UserFactory(full_name="Amy"), status="interview")
    ApplicationFactory(job=job_a, talent=UserFactory(full_name="Ben"), status="submitted")
    client.force_login(recruiter)

    by_status = client.get("/console/applicants/", {"status": "interview"})
    by_name = client.get(f"/console/jobs/{job_a.pk}/applicants/", {"q": "amy"})

    assert list(by_status.context["page"].object_list) == [amy]
    assert list(by_name.context["page"].object_list) == [amy]


def test_recruiter_moves_an_applicant_and_the_talent_is_emailed(client, recruiter, job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent)
    client.force_login(recruiter)

    response = client.post(
        f"/console/applicants/{application.pk}/status/",
        {"status": "interview", "note": "Strong portfolio"},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "interview"
    change = application.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "submitted",
        "interview",
        recruiter,
        "Strong portfolio",
    )
    assert [m.to for m in mail.outbox] == [["talent@example.org"]]
    assert mail.outbox[0].subject == (
        "Machine Learning Engineer: your application is now “Interview”"
    )
    assert "Strong portfolio" not in mail.outbox[0].body


def test_an_unknown_status_is_refused_at_the_field(client, recruiter, job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent)
    client.force_login(recruiter)

    response = client.post(f"/console/applicants/{application.pk}/status/", {"status": "boss"})

    assert response.status_code == 400
    assert "status" in response.context["status_form"].errors
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_withdrawn_application_cannot_be_moved(client, recruiter, job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent, status="withdrawn")
    client.force_login(recruiter)

    response = client.post(f"/console/applicants/{application.pk}/status/", {"status": "offer"})

    assert response.status_code == 400
    assert response.context["status_form"].non_field_errors() == [
        "The candidate withdrew this application; its status cannot change."
    ]


def test_bulk_change_moves_only_own_company_applicants(client, recruiter, job_a, job_b):
    ours = ApplicationFactory.create_batch(3, job=job_a)
    theirs = ApplicationFactory(job=job_b)
    client.force_login(recruiter)

    response = client.post(
        "/console/applicants/bulk/",
        {
            "applications": [a.pk for a in ours] + [theirs.pk],
            "status": "shortlisted",
            "next": "/console/applicants/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/console/applicants/"
    assert set(Application.objects.filter(job=job_a).values_list("status", flat=True)) == {
        "shortlisted"
    }
    theirs.refresh_from_db()
    assert theirs.status == "submitted"
    assert len(mail.outbox) == 3


def test_bulk_change_with_nothing_ticked_says_so(client, recruiter, job_a):
    client.force_login(recruiter)

    response = client.post("/console/applicants/bulk/", {"status": "shortlisted"}, follow=True)

    assert "Tick at least one applicant first." in response.content.decode()


def test_bulk_change_ignores_an_offsite_next(client, recruiter, job_a):
    application = ApplicationFactory(job=job_a)
    client.force_login(recruiter)

    response = client.post(
        "/console/applicants/bulk/",
        {"applications": [application.pk], "status": "reviewing", "next": "https://evil.example"},
    )

    assert response["Location"] == "/console/applicants/"


def test_notes_are_shown_to_the_company_and_never_to_the_talent(client, recruiter, job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent)
    client.force_login(recruiter)

    client.post(f"/console/applicants/{application.pk}/notes/", {"body": "Call on Monday"})
    staff_page = client.get(f"/console/applicants/{application.pk}/").content.decode()
    client.force_login(talent)
    talent_page = client.get("/jobs/applications/").content.decode()

    assert ApplicationNote.objects.get().author == recruiter
    assert "Call on Monday" in staff_page
    assert "Call on Monday" not in talent_page


def test_an_empty_note_gets_a_field_error(client, recruiter, job_a):
    application = ApplicationFactory(job=job_a)
    client.force_login(recruiter)

    response = client.post(f"/console/applicants/{application.pk}/notes/", {"body": ""})

    assert response.status_code == 400
    assert "body" in response.context["note_form"].errors


def test_csv_export_has_the_filtered_company_applicants(client, recruiter, job_a, job_b):
    user = UserFactory(full_name="=HYPERLINK(1)", email="ann@example.org")
    ApplicationFactory(job=job_a, talent=user, status="interview")
    ApplicationFactory(job=job_a, status="submitted")
    ApplicationFactory(job=job_b, status="interview")
    client.force_login(recruiter)

    response = client.get("/console/applicants/export.csv", {"status": "interview"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="applicants.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Applied at",
        "Job",
        "Candidate",
        "Email",
        "Status",
        "Education",
        "Based in",
        "Skills",
    ]
    assert [row[1:5] for row in rows[1:]] == [
        ["Machine Learning Engineer", "'=HYPERLINK(1)", "ann@example.org", "Interview"]
    ]


def _add_applicants(job, n):
    for _ in range(n):
        TalentProfileFactory(user=ApplicationFactory(job=job).talent)


@pytest.mark.parametrize("path", ["/console/applicants/", "/console/jobs/{job}/applicants/"])
def test_pipeline_query_count_does_not_grow(
    client, recruiter, job_a, django_assert_max_num_queries, path
):
    client.force_login(recruiter)
    url = path.format(job=job_a.pk)
    _add_applicants(job_a, 1)
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    _add_applicants(job_a, 20)
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(12) as many:
        client.get(url)

    assert len(one.captured_queries) == len(many.captured_queries)


def test_application_page_query_count_does_not_grow_with_history(
    client, recruiter, job_a, talent, django_assert_max_num_queries
):
    from jobs import services

    application = ApplicationFactory(job=job_a, talent=talent)
    client.force_login(recruiter)
    url = f"/console/applicants/{application.pk}/"
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    for status in ["reviewing", "shortlisted", "interview", "offer"]:
        services.change_status(application, status, recruiter)
        services.add_note(application, recruiter, f"note {status}")
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(12) as many:
        client.get(url)

    assert len(one.captured_queries) == len(many.captured_queries)


def test_console_job_list_query_count_does_not_grow(
    client, recruiter, edition, company_a, django_assert_max_num_queries
):
    client.force_login(recruiter)
    JobFactory(edition=edition, company=company_a)
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(10) as one:
        client.get("/console/jobs/")
    for job in JobFactory.create_batch(10, edition=edition, company=company_a):
        ApplicationFactory(job=job)
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(10) as many:
        client.get("/console/jobs/")

    assert len(one.captured_queries) == len(many.captured_queries)
