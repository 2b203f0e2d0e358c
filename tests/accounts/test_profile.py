"""The talent profile form: every field, checkboxes for what they seek and their sectors, the
CV upload checked by content, the consent switch; bad input keeps everything else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import TalentProfile
from tests.booths.storage import use_private_root
from tests.factories import SectorFactory, TalentProfileFactory
from tests.fixtures.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(tmp_path, monkeypatch):
    return use_private_root(tmp_path, monkeypatch)


PROFILE = "/me/profile/"


def profile_data(**overrides):
    data = {
        "headline": "ML engineer",
        "education_level": "master",
        "field_of_study": "Computer Science",
        "institution": "HKU",
        "graduation_year": "2025",
        "experience_level": "entry",
        "skills": "Python, PyTorch",
        "region": "gba",
        "city": "Shenzhen",
        "country": "",
        "seeking": ["full_time", "internship"],
        "languages": "English, Cantonese",
        "links": "https://github.com/tess\nhttps://tess.example.org",
        "is_discoverable": "on",
    }
    data.update(overrides)
    return data


def test_a_talent_fills_the_profile_and_uploads_a_cv(client, talent, private_root):
    sector = SectorFactory(name="AI")
    client.force_login(talent)

    response = client.post(
        PROFILE,
        {
            **profile_data(sectors=[sector.pk]),
            "cv": SimpleUploadedFile("cv.pdf", pdf_bytes(), "application/pdf"),
        },
    )

    assert response.status_code == 302
    profile = TalentProfile.objects.get(user=talent)
    assert (profile.headline, profile.region, profile.seeking, profile.is_discoverable) == (
        "ML engineer",
        "gba",
        ["full_time", "internship"],
        True,
    )
    assert list(profile.sectors.all()) == [sector]
    assert profile.cv.name.startswith("cv/") and profile.cv.name.endswith(".pdf")
    assert "cv.pdf" not in profile.cv.name
    assert (private_root / profile.cv.name).read_bytes().startswith(b"%PDF-")
    assert profile.cv_uploaded_at is not None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cv.pdf", b"GIF89a not a pdf", "application/pdf"), "not a PDF"),
        (
            SimpleUploadedFile("cv.pdf", pdf_bytes(padding=6 * 1024 * 1024), "application/pdf"),
            "the limit is 5.0",
        ),
        (SimpleUploadedFile("cv.pdf", pdf_bytes(javascript=True), "application/pdf"), "scripts"),
        (SimpleUploadedFile("cv.pdf", pdf_bytes(encrypt=True), "application/pdf"), "password"),
    ],
    ids=["renamed", "too-big", "javascript", "encrypted"],
)
def test_a_bad_cv_is_refused_with_a_clear_error_and_the_other_fields_are_kept(
    client, talent, private_root, upload, message
):
    client.force_login(talent)

    response = client.post(PROFILE, {**profile_data(), "cv": upload})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["cv"]
    assert message in str(errors["cv"])
    content = response.content.decode()
    assert 'value="ML engineer"' in content
    assert "Shenzhen" in content
    assert not TalentProfile.objects.filter(user=talent).exclude(headline="").exists()
    assert list(private_root.rglob("*.pdf")) == []


def test_a_new_cv_replaces_the_old_file(
    client, talent, private_root, django_capture_on_commit_callbacks
):
    client.force_login(talent)
    pdf = lambda: SimpleUploadedFile("cv.pdf", pdf_bytes(), "application/pdf")  # noqa: E731
    client.post(PROFILE, {**profile_data(), "cv": pdf()})
    first = TalentProfile.objects.get(user=talent).cv.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data(), "cv": pdf()})

    second = TalentProfile.objects.get(user=talent).cv.name
    assert second != first
    assert [p.name for p in private_root.rglob("*.pdf")] == [second.split("/")[-1]]


def test_saving_without_a_new_file_keeps_the_cv(client, talent, private_root):
    client.force_login(talent)
    client.post(PROFILE, {**profile_data(), "cv": SimpleUploadedFile("cv.pdf", pdf_bytes())})
    cv = TalentProfile.objects.get(user=talent).cv.name

    client.post(PROFILE, profile_data(headline="Changed"))

    profile = TalentProfile.objects.get(user=talent)
    assert (profile.headline, profile.cv.name) == ("Changed", cv)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("graduation_year", "1800"),
        ("links", "not a link"),
        ("region", "mars"),
        ("seeking", ["astronaut"]),
    ],
)
def test_invalid_fields_get_field_errors_not_a_500(client, talent, field, value):
    client.force_login(talent)

    response = client.post(PROFILE, profile_data(**{field: value}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


def test_the_dashboard_shows_profile_completeness_and_bookmarks(client, talent, booth_a):
    from tests.factories import BookmarkFactory

    TalentProfileFactory(user=talent)
    BookmarkFactory(user=talent, booth=booth_a)
    client.force_login(talent)

    response = client.get("/me/")

    assert response.status_code == 200
    completeness = response.context["completeness"]
    assert 0 < completeness["percent"] < 100
    assert "CV" in completeness["missing"]
    assert "Company A" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_dashboard_query_count_does_not_grow_with_bookings_registrations_or_bookmarks(
    client, talent, edition, count, django_assert_max_num_queries
):
    from tests.factories import (
        BookingFactory,
        BookmarkFactory,
        RegistrationFactory,
        SessionFactory,
    )

    TalentProfileFactory(user=talent)
    for _ in range(count):
        booking = BookingFactory(talent=talent, slot__booth__edition=edition)
        BookmarkFactory(user=talent, booth=booking.booth)
        RegistrationFactory(session=SessionFactory(edition=edition), user=talent)
    client.force_login(talent)

    with django_assert_max_num_queries(10):
        response = client.get("/me/")

    assert len(response.context["bookings"]) == min(count, 10)
    assert response.content.decode().count("1:1 chat") >= min(count, 10)


def test_the_dashboard_and_profile_need_a_signed_in_user(client):
    for path in ("/me/", PROFILE, "/me/data.json", "/me/delete/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_no_hostile_pdf_is_accepted_as_a_profile_cv(client, talent, private_root):
    from tests.fixtures.hostile_pdfs import hostile_corpus

    client.force_login(talent)

    refused = {
        name: "scripts or embedded files"
        in str(
            client.post(PROFILE, {**profile_data(), "cv": SimpleUploadedFile("cv.pdf", data)})
            .context["form"]
            .errors.get("cv")
        )
        for name, data in hostile_corpus().items()
    }

    assert refused == dict.fromkeys(refused, True)
    assert list(private_root.rglob("*.pdf")) == []
