"""The host uploads slides: a PDF becomes one image per page, images stay in order; nobody
else may upload, and a file that is not a PDF or an image is refused with a clear message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from expo.schedule.models import Slide
from tests.factories import SessionFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def session(edition, booth_a):
    return SessionFactory(edition=edition, host_booth=booth_a, kind="presentation")


def pdf_with_pages(count, name="deck.pdf"):
    pages = [Image.new("RGB", (400, 300), colour) for colour in ("red", "green", "blue")[:count]]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:])
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def png(name):
    out = io.BytesIO()
    Image.new("RGB", (320, 180), "white").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def upload(client, session, files):
    return client.post(
        reverse("expo:upload_slides", args=[session.pk]), {"files": files}, follow=True
    )


def test_a_pdf_becomes_one_slide_per_page(client, session, recruiter):
    client.force_login(recruiter)

    response = upload(client, session, [pdf_with_pages(3)])

    assert "3 slides uploaded." in response.content.decode()
    slides = list(Slide.objects.filter(session=session))
    assert [s.position for s in slides] == [0, 1, 2]
    assert all(s.image.name.endswith(".png") for s in slides)


def test_a_pdf_is_known_by_its_content_whatever_its_name(client, session, recruiter):
    client.force_login(recruiter)

    response = upload(client, session, [pdf_with_pages(2, name="Keynote deck (final)")])

    assert "2 slides uploaded." in response.content.decode()
    assert Slide.objects.filter(session=session).count() == 2


def test_an_image_named_like_a_pdf_is_still_an_image(client, session, recruiter):
    client.force_login(recruiter)

    response = upload(client, session, [png("deck.pdf")])

    assert "1 slide uploaded." in response.content.decode()
    assert Slide.objects.get(session=session).image.name.endswith((".png", ".jpg", ".webp"))


def test_images_become_slides_in_order_and_replace_the_old_ones(client, session, recruiter):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(3)])

    upload(client, session, [png("one.png"), png("two.png")])

    assert Slide.objects.filter(session=session).count() == 2


def test_a_file_that_is_not_a_pdf_or_image_is_refused_clearly(client, session, recruiter):
    client.force_login(recruiter)
    fake = SimpleUploadedFile("deck.pdf", b"MZ not a pdf", content_type="application/pdf")

    response = upload(client, session, [fake])

    assert "deck.pdf is neither a PDF nor an image we can read" in response.content.decode()
    assert Slide.objects.count() == 0


def test_only_the_host_uploads_slides(client, session, outsider_recruiter, talent):
    for user in (outsider_recruiter, talent):
        client.force_login(user)
        response = upload(client, session, [png("x.png")])
        assert response.status_code == 403
    assert Slide.objects.count() == 0
