"""Organiser admin: job and application lists with filters, CSV export."""

import csv
import io

import pytest

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/jobs/job/?company__programme__exact=innohk&level__exact=entry",
        "/admin/jobs/job/?min_education__exact=bachelor&sector__id__exact=1",
        "/admin/jobs/application/?status__exact=submitted&job__min_education__exact=bachelor",
        "/admin/jobs/application/?job__company__programme__exact=innohk&job__level__exact=entry",
    ],
)
def test_admin_lists_filter(client, organiser, job_a, url):
    client.force_login(organiser)

    assert client.get(url).status_code == 200


def test_admin_exports_applications_as_csv(client, organiser, job_a, talent):
    application = ApplicationFactory(job=job_a, talent=talent)
    client.force_login(organiser)

    response = client.post(
        "/admin/jobs/application/",
        {"action": "export_applications_csv", "_selected_action": [application.pk]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "job", "company"]
    assert rows[1][1:3] == ["Machine Learning Engineer", "Company A"]


def test_admin_exports_jobs_as_csv(client, organiser, job_a):
    client.force_login(organiser)

    response = client.post(
        "/admin/jobs/job/", {"action": "export_jobs_csv", "_selected_action": [job_a.pk]}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "Machine Learning Engineer"


def test_admin_application_page_shows_history(client, organiser, job_a, talent, recruiter):
    from jobs import services

    application = ApplicationFactory(job=job_a, talent=talent)
    services.change_status(application, "interview", recruiter)
    client.force_login(organiser)

    response = client.get(f"/admin/jobs/application/{application.pk}/change/")

    assert response.status_code == 200
    assert "Interview" in response.content.decode()
