"""Applying in one step: with the profile's CV or a new one, a cover note, one application per
job, clear refusals, emails after commit, the status history, withdrawing, saved jobs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from jobs.models import Application, ApplicationStatusChange, SavedJob
from tests.factories import ApplicationFactory, TalentProfileFactory
from tests.fixtures.pdfs import pdf_bytes

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)


def apply_url(job):
    return f"/jobs/{job.pk}/apply/"


def test_talent_applies_with_the_profile_cv_and_both_sides_are_emailed(
    client, talent, talent_profile, job_a, recruiter, company_admin
):
    client.force_login(talent)

    response = client.post(apply_url(job_a), {"cover_note": "I love vision."})

    assert response.status_code == 302
    assert response["Location"] == "/jobs/applications/"
    application = Application.objects.get()
    assert (application.job, application.talent, application.status) == (
        job_a,
        talent,
        "submitted",
    )
    assert application.cover_note == "I love vision."
    assert application.cv.name != talent_profile.cv.name  # a private copy
    assert application.cv.read() == talent_profile.cv.open("rb").read()
    history = list(application.status_changes.values_list("from_status", "to_status", "by"))
    assert history == [("", "submitted", talent.pk)]
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == [
        ("admin@a.example.org",),
        ("recruiter@a.example.org",),
        ("talent@example.org",),
    ]
    confirmation = next(m for m in mail.outbox if m.to == ["talent@example.org"])
    assert confirmation.subject == "Your application to Machine Learning Engineer at Company A"
    assert "http://testserver/jobs/applications/" in confirmation.body
    assert confirmation.alternatives[0][1] == "text/html"


def test_talent_applies_with_a_new_cv_upload(client, talent, job_a):
    client.force_login(talent)
    content = pdf_bytes(pages=2)

    client.post(apply_url(job_a), {"cv": pdf_upload(content=content), "cover_note": ""})

    application = Application.objects.get()
    assert application.cv.read() == content


def test_applying_without_any_cv_asks_for_one_and_keeps_the_note(client, talent, job_a):
    client.force_login(talent)

    response = client.post(apply_url(job_a), {"cover_note": "Keep me"})

    assert response.status_code == 400
    form = response.context["apply_form"]
    assert "cv" in form.errors
    assert "Keep me" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_non_pdf_cv_is_refused_at_the_field(client, talent, job_a):
    client.force_login(talent)
    fake = pdf_upload("cv.pdf", b"MZ\x90\x00 this is an exe")

    response = client.post(apply_url(job_a), {"cv": fake, "cover_note": "Hello"})

    assert response.status_code == 400
    assert response.context["apply_form"].errors["cv"] == [
        "This file is not a PDF (whatever its name says). Please upload a PDF document."
    ]
    assert Application.objects.count() == 0


def test_applying_twice_gets_a_clear_answer(client, talent, talent_profile, job_a):
    client.force_login(talent)
    client.post(apply_url(job_a), {})
    mail.outbox.clear()

    response = client.get(f"/jobs/{job_a.pk}/")
    again = client.post(apply_url(job_a), {})

    assert "You applied. Status: Submitted." in response.content.decode()
    assert again.status_code == 400
    assert again.context["apply_form"].non_field_errors() == [
        "You have already applied to this job. See its status in My applications."
    ]
    assert Application.objects.count() == 1
    assert mail.outbox == []


def test_applying_to_a_closed_job_is_refused(client, talent, talent_profile, job_a):
    job_a.deadline = timezone.now() - timedelta(minutes=1)
    job_a.save()
    client.force_login(talent)

    response = client.post(apply_url(job_a), {})

    assert response.status_code == 400
    assert response.context["apply_form"].non_field_errors() == [
        "This job is no longer taking applications (it closed or passed its deadline)."
    ]
    assert Application.objects.count() == 0


def test_a_one_megabyte_cover_note_gets_a_field_error(client, talent, talent_profile, job_a):
    client.force_login(talent)

    response = client.post(apply_url(job_a), {"cover_note": "x" * 1_000_000})

    assert response.status_code == 400
    assert response.context["apply_form"].errors["cover_note"] == [
        "Ensure this value has at most 5000 characters (it has 1000000)."
    ]
    assert Application.objects.count() == 0


def test_staff_cannot_apply_to_jobs(client, recruiter, job_b):
    TalentProfileFactory(user=recruiter)
    client.force_login(recruiter)

    response = client.post(apply_url(job_b), {"cv": pdf_upload()})

    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, job_a):
    response = client.post(apply_url(job_a), {})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_talent_sees_their_applications_with_status_history(client, talent, job_a, job_b):
    ApplicationFactory(job=job_a, talent=talent, status="interview")
    client.force_login(talent)

    page = client.get("/jobs/applications/").content.decode()

    assert "Machine Learning Engineer" in page
    assert "Interview" in page
    assert "Bioinformatician" not in page


def test_talent_withdraws_and_the_history_records_it(client, talent, talent_profile, job_a):
    client.force_login(talent)
    client.post(apply_url(job_a), {})
    application = Application.objects.get()

    response = client.post(f"/jobs/applications/{application.pk}/withdraw/")

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "withdrawn"
    assert list(application.status_changes.values_list("to_status", flat=True)) == [
        "submitted",
        "withdrawn",
    ]


def test_withdrawing_a_finished_application_says_why(client, talent, job_a):
    application = ApplicationFactory(job=job_a, talent=talent, status="hired")
    client.force_login(talent)

    response = client.post(f"/jobs/applications/{application.pk}/withdraw/", follow=True)

    assert "This application is already closed (Hired)." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "hired"


def test_talent_saves_and_unsaves_a_job(client, talent, job_a):
    client.force_login(talent)

    client.post(f"/jobs/{job_a.pk}/save/")
    saved_page = client.get("/jobs/saved/").content.decode()
    client.post(f"/jobs/{job_a.pk}/save/", headers={"HX-Request": "true"})

    assert "Machine Learning Engineer" in saved_page
    assert SavedJob.objects.count() == 0


def test_status_history_row_is_written_once_per_change(job_a, talent, recruiter):
    from jobs import services

    application = ApplicationFactory(job=job_a, talent=talent)

    services.change_status(application, "reviewing", recruiter)
    services.change_status(application, "reviewing", recruiter)

    assert ApplicationStatusChange.objects.filter(application=application).count() == 1


def test_no_hostile_pdf_is_accepted_as_an_application_cv(client, talent, job_a):
    from tests.fixtures.hostile_pdfs import hostile_corpus

    client.force_login(talent)

    statuses = {
        name: client.post(apply_url(job_a), {"cv": pdf_upload(content=data)}).status_code
        for name, data in hostile_corpus().items()
    }

    assert statuses == dict.fromkeys(statuses, 400)
    assert Application.objects.count() == 0
