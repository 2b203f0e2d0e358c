"""The employer's booth console: the editor (text, images, video, brochures) with its
validation, submitting for approval, and who may use it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from booths.models import Booth, Brochure
from tests.factories import BoothFactory
from tests.fixtures.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db

EDITOR = "/console/booth/"


def image_upload(name="logo.jpg", size=(1200, 900), fmt="JPEG", exif=True):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (22.0, 18.0, 0.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), f"image/{fmt.lower()}")


def booth_data(**overrides):
    data = {
        "tagline": "Robots for hospitals",
        "description": "## About us\n\nWe build robots.",
        "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    }
    data.update(overrides)
    return data


def test_an_admin_edits_the_booth_with_a_logo_that_is_resized_and_stripped_of_exif(
    client, company_admin, booth_a, media_root
):
    client.force_login(company_admin)

    response = client.post(EDITOR, {**booth_data(), "logo": image_upload()})

    assert response.status_code == 302
    booth = Booth.objects.get(pk=booth_a.pk)
    assert (booth.tagline, booth.video_url) == (
        "Robots for hospitals",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    with Image.open(booth.logo.path) as saved:
        assert max(saved.size) == 512
        assert not saved.getexif()
        assert "exif" not in saved.info
    assert booth.logo.name.startswith("booths/logos/")


def test_opening_the_editor_writes_nothing_and_the_first_save_creates_a_draft(
    client, company_admin, edition, company_a
):
    client.force_login(company_admin)

    page = client.get(EDITOR)

    assert page.status_code == 200
    assert "Save the booth" in page.content.decode()
    assert not Booth.objects.exists()
    assert client.post(EDITOR, booth_data()).status_code == 302
    assert Booth.objects.get(company=company_a, edition=edition).status == Booth.Status.DRAFT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "logo",
            SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", "image/png"),
            "Upload a valid image",
        ),
        (
            "banner",
            SimpleUploadedFile("b.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg"),
            "Upload a valid image",
        ),
        ("video_url", "https://evil.example.org/v/123", "YouTube, Vimeo, Bilibili"),
        ("video_url", "javascript:alert(1)", "Enter a valid URL"),
    ],
    ids=["pdf-as-png", "broken-jpeg", "video-host", "video-scheme"],
)
def test_bad_input_in_the_editor_gets_a_clear_error_and_keeps_the_other_fields(
    client, company_admin, booth_a, media_root, field, value, message
):
    client.force_login(company_admin)
    before = Booth.objects.get(pk=booth_a.pk)

    response = client.post(EDITOR, {**booth_data(tagline="Kept tagline"), field: value})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert 'value="Kept tagline"' in response.content.decode()
    after = Booth.objects.get(pk=booth_a.pk)
    assert (after.tagline, after.logo.name, after.video_url) == (
        before.tagline,
        before.logo.name,
        before.video_url,
    )


def test_an_image_too_large_to_process_is_refused(client, company_admin, booth_a, media_root):
    client.force_login(company_admin)
    huge = image_upload(size=(8000, 6000), fmt="PNG", exif=False)

    response = client.post(EDITOR, {**booth_data(), "banner": huge})

    assert "too large to process" in str(response.context["form"].errors["banner"])


def test_script_in_the_description_is_saved_as_typed_but_never_rendered(
    client, company_admin, booth_a
):
    client.force_login(company_admin)
    client.post(EDITOR, booth_data(description="Hi <script>alert('x')</script> **there**"))

    page = client.get(f"/booths/{booth_a.company.slug}/").content.decode()

    assert "<script>alert" not in page
    assert "<strong>there</strong>" in page


def test_brochures_are_added_as_checked_pdfs_and_removed(
    client, company_admin, booth_a, media_root
):
    client.force_login(company_admin)

    client.post(
        "/console/booth/brochures/",
        {"title": "Graduate programme", "file": SimpleUploadedFile("g.pdf", pdf_bytes())},
    )
    brochure = Brochure.objects.get(booth=booth_a)
    assert brochure.title == "Graduate programme"
    assert brochure.file.name.startswith("booths/brochures/")

    client.post(f"/console/booth/brochures/{brochure.pk}/delete/")
    assert not Brochure.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<html>not a pdf</html>", "not a PDF"), (pdf_bytes(padding=6 * 1024 * 1024), "limit")],
    ids=["renamed", "6mb"],
)
def test_a_bad_brochure_is_refused_and_the_title_kept(
    client, company_admin, booth_a, media_root, content, message
):
    client.force_login(company_admin)

    response = client.post(
        "/console/booth/brochures/",
        {"title": "Keep me", "file": SimpleUploadedFile("x.pdf", content)},
    )

    assert response.status_code == 400
    assert message in str(response.context["brochure_form"].errors["file"])
    assert 'value="Keep me"' in response.content.decode()
    assert not Brochure.objects.exists()


def test_an_admin_submits_a_draft_booth_for_approval(client, company_admin, edition, company_a):
    booth = BoothFactory(edition=edition, company=company_a, status=Booth.Status.DRAFT)
    client.force_login(company_admin)

    client.post("/console/booth/submit/")

    booth.refresh_from_db()
    assert booth.status == Booth.Status.SUBMITTED
    assert booth.submitted_at is not None


def test_submitting_twice_says_it_is_already_submitted(client, company_admin, edition, company_a):
    BoothFactory(edition=edition, company=company_a, status=Booth.Status.SUBMITTED)
    client.force_login(company_admin)

    response = client.post("/console/booth/submit/", follow=True)

    assert "already submitted for approval" in response.content.decode()


def test_the_console_links_to_the_booth_team_and_analytics(client, company_admin, booth_a):
    client.force_login(company_admin)

    content = client.get("/console/").content.decode()

    for path in ("/console/booth/", "/console/team/", "/console/analytics/"):
        assert f'href="{path}"' in content


CONSOLE_PAGES = ["/console/", "/console/analytics/", "/console/analytics.csv"]
ADMIN_PAGES = ["/console/booth/", "/console/team/"]


@pytest.mark.parametrize("path", CONSOLE_PAGES + ADMIN_PAGES)
def test_talent_and_anonymous_visitors_cannot_open_the_console(client, talent, booth_a, path):
    assert client.get(path).status_code in (302, 403)
    client.force_login(talent)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_recruiters_cannot_edit_the_booth_or_manage_the_team(client, recruiter, booth_a, path):
    client.force_login(recruiter)

    assert client.get(path).status_code == 403
    assert client.post(path, booth_data()).status_code == 403


def test_an_outsider_recruiter_never_sees_company_a_in_the_console(
    client, outsider_recruiter, booth_a, booth_b
):
    client.force_login(outsider_recruiter)

    for path in CONSOLE_PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert b"Company A" not in response.content


def test_an_outsider_cannot_delete_another_companys_brochure(
    client, outsider_recruiter, booth_a, booth_b, media_root
):
    from booths.models import Membership

    Membership.objects.filter(user=outsider_recruiter).update(role="admin")
    brochure = Brochure(booth=booth_a, title="A", size=1)
    brochure.file.save("a.pdf", SimpleUploadedFile("a.pdf", pdf_bytes()), save=True)
    client.force_login(outsider_recruiter)

    response = client.post(f"/console/booth/brochures/{brochure.pk}/delete/")

    assert response.status_code == 404
    assert Brochure.objects.filter(pk=brochure.pk).exists()


def test_the_saved_logo_is_served_by_django_so_it_works_without_debug(
    client, company_admin, booth_a, media_root, settings
):
    client.force_login(company_admin)
    client.post(EDITOR, {**booth_data(), "logo": image_upload()})
    client.logout()
    settings.DEBUG = False

    response = client.get(f"/booths/{booth_a.company.slug}/logo/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_no_hostile_pdf_is_accepted_as_a_brochure(client, company_admin, booth_a, media_root):
    from tests.fixtures.hostile_pdfs import hostile_corpus

    client.force_login(company_admin)

    refused = {}
    for name, data in hostile_corpus().items():
        response = client.post(
            "/console/booth/brochures/",
            {"title": "Programme", "file": SimpleUploadedFile("p.pdf", data)},
        )
        errors = str(response.context["brochure_form"].errors["file"])
        refused[name] = (response.status_code, "scripts or embedded files" in errors)

    assert refused == dict.fromkeys(refused, (400, True))
    assert not Brochure.objects.exists()
