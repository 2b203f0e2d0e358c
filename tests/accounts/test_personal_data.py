"""A talent's personal data: a JSON export of everything, and deletion that removes the person
and their CV but keeps what employers need in anonymised form."""

import json

import pytest
from django.core.files.base import ContentFile

from accounts.models import ProfileShare, TalentProfile, User
from accounts.personal_data import EXPORT_COLLECTORS
from booths.models import Bookmark, Membership
from jobs.models import Application
from tests.booths.storage import use_private_root
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    BookmarkFactory,
    JobFactory,
    ProfileShareFactory,
    RegistrationFactory,
    TalentProfileFactory,
)
from tests.fixtures.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(tmp_path, monkeypatch):
    return use_private_root(tmp_path, monkeypatch)


@pytest.fixture
def busy_talent(talent, booth_a, company_a, edition, private_root):
    profile = TalentProfileFactory(user=talent, headline="ML engineer")
    profile.cv.save("cv.pdf", ContentFile(pdf_bytes()), save=True)
    job = JobFactory(company=company_a, edition=edition, title="Data Engineer")
    application = ApplicationFactory(talent=talent, job=job, cover_note="Hire me, I'm Tess")
    application.cv.save("a.pdf", ContentFile(pdf_bytes()), save=True)
    BookmarkFactory(user=talent, booth=booth_a)
    ProfileShareFactory(talent=talent, company=company_a)
    RegistrationFactory(user=talent, session__edition=edition, session__title="AI 101")
    return talent


def test_a_talent_downloads_all_their_data_as_json(client, busy_talent):
    client.force_login(busy_talent)

    response = client.get("/me/data.json")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-expo-data-')
    data = json.loads(response.content)
    assert set(data) >= {name for name, _ in EXPORT_COLLECTORS}
    assert data["account"]["email"] == "talent@example.org"
    assert data["profile"]["headline"] == "ML engineer"
    assert data["profile"]["has_cv"] is True
    assert [(a["job"], a["cover_note"]) for a in data["applications"]] == [
        ("Data Engineer", "Hire me, I'm Tess")
    ]
    assert [r["session"] for r in data["registrations"]] == ["AI 101"]
    assert [b["company"] for b in data["booth_bookmarks"]] == ["Company A"]
    assert [s["company"] for s in data["profile_shares"]] == ["Company A"]


def test_deleting_the_account_removes_personal_data_and_files_and_keeps_anonymous_applications(
    client, busy_talent, private_root, django_capture_on_commit_callbacks
):
    client.force_login(busy_talent)
    assert len(list(private_root.rglob("*.pdf"))) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(email="talent@example.org").exists()
    assert not TalentProfile.objects.exists()
    assert not Bookmark.objects.exists()
    assert not ProfileShare.objects.exists()
    assert list(private_root.rglob("*.pdf")) == []
    application = Application.objects.get()
    assert (application.talent, application.cover_note, application.cv.name) == (None, "", "")
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_deletes_nothing(client, busy_talent):
    client.force_login(busy_talent)

    response = client.post("/me/delete/", {"password": "wrong"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=busy_talent.pk).exists()


def test_the_only_admin_of_a_company_is_told_to_hand_over_first(client, company_admin):
    client.force_login(company_admin)

    response = client.post("/me/delete/", {"password": PASSWORD})

    assert "only admin of Company A" in response.content.decode()
    assert Membership.objects.filter(user=company_admin).exists()
