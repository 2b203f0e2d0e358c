"""Booth approval in the organiser's admin: approve, request changes with a reason (an
intermediate form), feature, assign a hall; the company admins get an email through Celery."""

import pytest
from django.core import mail

from booths.models import Booth
from tests.factories import BoothFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/booths/booth/"


@pytest.fixture
def submitted(edition, company_a, company_admin, recruiter):
    return BoothFactory(edition=edition, company=company_a, status=Booth.Status.SUBMITTED)


def test_the_organiser_approves_a_booth_and_its_admins_are_emailed(client, organiser, submitted):
    client.force_login(organiser)

    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [submitted.pk]})

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Booth.Status.APPROVED
    assert submitted.reviewed_at is not None
    assert [m.to for m in mail.outbox] == [["admin@a.example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Your booth is live: Company A"
    assert f"/booths/{submitted.company.slug}/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_requesting_changes_asks_for_a_reason_first(client, organiser, submitted):
    client.force_login(organiser)

    response = client.post(
        CHANGELIST, {"action": "request_changes", "_selected_action": [submitted.pk]}
    )

    assert response.status_code == 200
    assert "What should the company change?" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Booth.Status.SUBMITTED
    assert mail.outbox == []


def test_an_empty_reason_is_refused_with_a_clear_error(client, organiser, submitted):
    client.force_login(organiser)

    response = client.post(
        CHANGELIST,
        {
            "action": "request_changes",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "  ",
        },
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Booth.Status.SUBMITTED


def test_the_reason_is_saved_and_emailed_to_the_company_admins(client, organiser, submitted):
    client.force_login(organiser)

    client.post(
        CHANGELIST,
        {
            "action": "request_changes",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "Please add your graduate programme.",
        },
    )

    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (
        Booth.Status.REJECTED,
        "Please add your graduate programme.",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@a.example.org"]
    assert "Please add your graduate programme." in mail.outbox[0].body
    assert "/console/booth/" in mail.outbox[0].body


def test_the_organiser_features_booths_and_assigns_a_hall(client, organiser, submitted):
    hall = SectorFactory(name="Hall of Robots")
    client.force_login(organiser)

    client.post(CHANGELIST, {"action": "feature", "_selected_action": [submitted.pk]})
    client.post(
        CHANGELIST,
        {
            "action": "assign_hall",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "sector": hall.pk,
        },
    )

    submitted.refresh_from_db()
    submitted.company.refresh_from_db()
    assert (submitted.is_featured, submitted.company.sector) == (True, hall)


def test_the_changelist_filters_by_status_sector_and_programme(client, organiser, submitted):
    client.force_login(organiser)

    response = client.get(
        CHANGELIST, {"status__exact": "submitted", "company__programme": "innohk"}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [submitted]


def test_the_status_cannot_be_edited_around_the_service(client, organiser, submitted):
    client.force_login(organiser)

    response = client.get(f"{CHANGELIST}{submitted.pk}/change/")

    assert 'name="status"' not in response.content.decode()
