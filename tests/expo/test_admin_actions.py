"""The organiser's everyday admin actions: close jobs, cancel a session and tell its
registrants, ban a user from all chats, export companies, booths and jobs as CSV or Excel."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from chat.models import Ban
from expo.schedule.models import Registration
from jobs.models import Job
from tests.factories import JobFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def run_action(client, model_url, action, pks, **extra):
    return client.post(model_url, {"action": action, "_selected_action": pks, **extra})


def test_the_organiser_closes_jobs_in_bulk(client, organiser, edition, booth_a):
    jobs = JobFactory.create_batch(2, edition=edition, company=booth_a.company)
    client.force_login(organiser)

    run_action(client, reverse("admin:jobs_job_changelist"), "close_jobs", [j.pk for j in jobs])

    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.CLOSED}
    assert not Job.objects.open().exists()


def test_cancelling_a_session_emails_everyone_registered_or_waitlisted_once(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    session = SessionFactory(edition=edition, title="Fintech clinic")
    registered = RegistrationFactory(session=session).user
    waitlisted = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED).user
    RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    client.force_login(organiser)
    url = reverse("admin:schedule_session_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, url, "cancel_and_notify", [session.pk])
        run_action(client, url, "cancel_and_notify", [session.pk])  # a second click

    session.refresh_from_db()
    assert session.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == sorted([registered.email, waitlisted.email])
    assert all("Cancelled: Fintech clinic" == m.subject for m in mail.outbox)


def test_the_organiser_bans_a_user_from_all_chats(client, organiser, talent):
    client.force_login(organiser)

    run_action(
        client,
        reverse("admin:accounts_user_changelist"),
        "ban_from_chats",
        [talent.pk, organiser.pk],
    )

    assert list(Ban.objects.values_list("user__email", flat=True)) == [talent.email]


@pytest.mark.parametrize("file_format", ["0", "1"], ids=["csv", "xlsx"])
def test_jobs_export_in_the_import_files_columns(client, organiser, edition, booth_a, file_format):
    job = JobFactory(edition=edition, company=booth_a.company, title="Robotics engineer")
    client.force_login(organiser)

    form = run_action(client, reverse("admin:jobs_job_changelist"), "export_admin_action", [job.pk])
    response = client.post(
        reverse("admin:jobs_job_export"),
        {
            "format": file_format,
            "resource": "0",
            "export_items": [job.pk],
            "jobresource_company": "on",
            "jobresource_title": "on",
            "jobresource_level": "on",
        },
    )

    assert form.status_code == 200  # the action asks for the format and columns first
    if file_format == "0":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["company", "title", "level"]
    assert rows[1] == [booth_a.company.slug, "Robotics engineer", "entry"]


def test_companies_export_as_csv(client, organiser, booth_a):
    client.force_login(organiser)

    response = client.post(
        reverse("admin:booths_company_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [booth_a.company.pk],
            "companyresource_slug": "on",
            "companyresource_name": "on",
        },
    )

    assert response.content.decode().splitlines() == [
        "slug,name",
        f"{booth_a.company.slug},{booth_a.company.name}",
    ]
