"""The organiser's control room in admin: staff roles, the key-figures dashboard, the audit log."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from booths.models import Booth
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_with_role(role, email):
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def analyst(db):
    return staff_with_role("Read-only analyst", "analyst@example.org")


def test_the_staff_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Read-only analyst",
        "Content moderator",
        "Events team",
    }


def test_an_analyst_can_look_but_gets_403_on_every_change(client, analyst, booth_a):
    client.force_login(analyst)
    change_url = reverse("admin:booths_booth_change", args=[booth_a.pk])

    assert client.get(reverse("admin:booths_booth_changelist")).status_code == 200
    assert client.get(reverse("admin:booths_booth_add")).status_code == 403
    assert client.post(change_url, {"status": "rejected"}).status_code == 403
    assert (
        client.post(
            reverse("admin:booths_booth_delete", args=[booth_a.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    booth_a.refresh_from_db()
    assert booth_a.status == Booth.Status.APPROVED


def test_an_analyst_has_view_permissions_only(analyst):
    codenames = set(
        Group.objects.get(name="Read-only analyst").permissions.values_list("codename", flat=True)
    )

    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)


def test_the_events_team_may_change_sessions_but_not_jobs():
    events = staff_with_role("Events team", "events@example.org")

    assert events.has_perm("schedule.change_session")
    assert events.has_perm("jobs.view_job")
    assert not events.has_perm("jobs.change_job")


def test_talent_and_employer_staff_cannot_open_the_dashboard(client, talent, recruiter):
    for user in (talent, recruiter):
        client.force_login(user)
        response = client.get(reverse("admin:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_changes_are_in_the_audit_log(client, organiser, booth_a):
    client.force_login(organiser)

    client.post(
        reverse("admin:booths_sector_change", args=[booth_a.company.sector.pk]),
        {
            "name_en": "Renamed hall",  # each language has its own field (modeltranslation)
            "name_zh_hant": "",
            "name_zh_hans": "",
            "slug": booth_a.company.sector.slug,
            "hall_en": "",
            "hall_zh_hant": "",
            "hall_zh_hans": "",
            "position": 1,
        },
    )

    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_repr) == (organiser, "Renamed hall")
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 200


def test_staff_without_rights_on_imports_and_announcements_get_403(client, edition):
    from expo.organiser.announcements.models import Announcement
    from expo.organiser.imports.models import ImportJob

    events = UserFactory(email="staff@example.org", is_staff=True)  # staff, but no rights
    announcement = Announcement.objects.create(
        edition=edition, subject="S", body="B", segment=Announcement.Segment.ALL_TALENT
    )
    job = ImportJob.objects.create(kind="jobs", file="imports/x.csv", created_by=events)
    client.force_login(events)

    urls = [
        reverse("admin:organiser_announcement_preview", args=[announcement.pk]),
        reverse("admin:organiser_announcement_progress", args=[announcement.pk]),
        reverse("admin:organiser_importjob_progress", args=[job.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert (
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk])).status_code == 403
    )
    client.force_login(staff_with_role("Read-only analyst", "analyst2@example.org"))
    assert (
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk])).status_code == 403
    )
