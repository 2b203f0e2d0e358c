"""Who may download a CV: the owner, organiser staff, staff of a company the talent applied to
or shared the profile with. Everyone else gets 404 (403 when anonymous)."""

import pytest
from django.core.files.base import ContentFile

from accounts.access import can_download_cv
from tests.booths.storage import use_private_root
from tests.factories import (
    ApplicationFactory,
    JobFactory,
    ProfileShareFactory,
    TalentProfileFactory,
)
from tests.fixtures.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(tmp_path, monkeypatch):
    return use_private_root(tmp_path, monkeypatch)


@pytest.fixture
def profile(talent, private_root):
    profile = TalentProfileFactory(user=talent)
    profile.cv.save("cv.pdf", ContentFile(pdf_bytes()), save=True)
    return profile


def cv_url(profile):
    return f"/cv/{profile.user_id}/"


def test_the_owner_downloads_the_cv_as_an_attachment_with_nosniff(client, talent, profile):
    client.force_login(talent)

    response = client.get(cv_url(profile))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_cv_is_stored_outside_the_public_media_path(settings):
    from accounts.models import TalentProfile

    location = TalentProfile._meta.get_field("cv").storage.location
    assert location == str(settings.PRIVATE_MEDIA_ROOT)
    assert not location.startswith(str(settings.MEDIA_ROOT))


def test_organiser_staff_download_any_cv(client, organiser, profile):
    client.force_login(organiser)

    assert client.get(cv_url(profile)).status_code == 200


def test_staff_of_a_company_the_talent_applied_to_download_the_cv(
    client, recruiter, profile, company_a, edition
):
    ApplicationFactory(talent=profile.user, job=JobFactory(company=company_a, edition=edition))
    client.force_login(recruiter)

    assert client.get(cv_url(profile)).status_code == 200


def test_staff_of_a_company_the_talent_shared_with_download_the_cv(
    client, recruiter, profile, company_a
):
    ProfileShareFactory(talent=profile.user, company=company_a)
    client.force_login(recruiter)

    assert client.get(cv_url(profile)).status_code == 200


def test_an_outsider_recruiter_cannot_download_a_cv_shared_with_another_company(
    client, outsider_recruiter, profile, company_a, edition
):
    ProfileShareFactory(talent=profile.user, company=company_a)
    ApplicationFactory(talent=profile.user, job=JobFactory(company=company_a, edition=edition))
    client.force_login(outsider_recruiter)

    assert client.get(cv_url(profile)).status_code == 404


def test_other_talent_cannot_download_a_cv(client, profile):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(cv_url(profile)).status_code == 404


def test_anonymous_visitors_cannot_download_any_cv(client, profile):
    assert client.get(cv_url(profile)).status_code == 403


def test_an_unknown_profile_and_a_profile_without_cv_are_not_found(client, organiser, talent):
    TalentProfileFactory(user=talent)
    client.force_login(organiser)

    assert client.get("/cv/999999/").status_code == 404
    assert client.get(f"/cv/{talent.pk}/").status_code == 404


def test_the_access_rule_in_one_place(
    talent, recruiter, outsider_recruiter, organiser, profile, company_a
):
    from django.contrib.auth.models import AnonymousUser

    ProfileShareFactory(talent=talent, company=company_a)

    assert [
        can_download_cv(user, profile)
        for user in (talent, organiser, recruiter, outsider_recruiter, AnonymousUser())
    ] == [True, True, True, False, False]


def test_a_talent_deletes_the_cv(client, talent, profile, django_capture_on_commit_callbacks):
    client.force_login(talent)
    path = profile.cv.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/cv/delete/")

    profile.refresh_from_db()
    assert not profile.cv
    import os

    assert not os.path.exists(path)
