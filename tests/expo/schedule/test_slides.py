"""The host uploads slides: a PDF becomes one image per page (converted by a worker after the
upload, the old slides kept until then; a lost task or a killed worker loses no upload), images
stay in order; nobody else may upload or watch the conversion, and a file that is not a PDF or an
image is refused with a clear message."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from expo.schedule import slides as slide_service
from expo.schedule.models import Slide, SlideConversion
from tests.factories import SessionFactory, SlideFactory


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


def test_a_pdf_becomes_one_slide_per_page_once_a_worker_converted_it(
    client, session, recruiter, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, session, [pdf_with_pages(3)])

    assert "Your PDF is being turned into slides" in response.content.decode()
    slides = list(Slide.objects.filter(session=session))
    assert [s.position for s in slides] == [0, 1, 2]
    assert all(s.image.name.endswith(".png") for s in slides)
    conversion = SlideConversion.objects.get(session=session)
    assert (conversion.status, conversion.pages, conversion.pdf.name) == ("done", 3, "")
    page = client.get(reverse("expo:session", args=[session.pk])).content.decode()
    assert "Your PDF became 3 slides." in page


def test_the_upload_only_keeps_the_pdf_and_the_old_slides_stay_until_it_is_converted(
    client, session, recruiter
):
    SlideFactory(session=session, position=0)
    client.force_login(recruiter)

    upload(client, session, [pdf_with_pages(2)])  # the commit's task is not run here

    conversion = SlideConversion.objects.get(session=session)
    assert conversion.status == "waiting" and conversion.requested_by == recruiter
    assert conversion.pdf.storage.exists(conversion.pdf.name)
    assert not conversion.pdf.path.startswith(str(session.slides.first().image.storage.location))
    assert Slide.objects.filter(session=session).count() == 1
    page = client.get(reverse("expo:session", args=[session.pk])).content.decode()
    assert "Turning your PDF into slides" in page
    assert f'hx-get="{reverse("expo:slides_status", args=[session.pk])}"' in page


def test_a_lost_task_or_a_killed_worker_loses_no_upload(client, session, recruiter):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(2)])  # the task queued at the commit never ran
    now = timezone.now()

    assert slide_service.convert_due(now) == 0  # the queued task still has its chance
    assert slide_service.convert_due(now + timedelta(seconds=31)) == 1
    assert Slide.objects.filter(session=session).count() == 2

    # A worker that claimed the next PDF and died: the row is converted after its lease.
    upload(client, session, [pdf_with_pages(3)])
    SlideConversion.objects.filter(session=session).update(status="converting", updated_at=now)
    assert slide_service.convert_due(now + timedelta(seconds=60)) == 0
    assert slide_service.convert_due(now + timedelta(minutes=4)) == 1
    assert Slide.objects.filter(session=session).count() == 3


def test_converting_twice_makes_the_slides_once(client, session, recruiter):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(2)])

    first = slide_service.do_convert(session.pk)
    second = slide_service.do_convert(session.pk)

    assert first.status == "done" and second is None
    assert Slide.objects.filter(session=session).count() == 2


def test_a_pdf_the_server_cannot_convert_fails_clearly_and_keeps_the_old_slides(
    client, session, recruiter, monkeypatch
):
    SlideFactory(session=session, position=0)
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(2)])
    monkeypatch.setattr(slide_service.shutil, "which", lambda name: None)  # no poppler

    slide_service.do_convert(session.pk)

    conversion = SlideConversion.objects.get(session=session)
    assert (conversion.status, conversion.error) == ("failed", "no_converter")
    assert Slide.objects.filter(session=session).count() == 1
    page = client.get(reverse("expo:session", args=[session.pk])).content.decode()
    assert "PDF slides cannot be converted on this server." in page
    assert "hx-trigger" not in page


def test_images_uploaded_while_a_pdf_waits_are_not_overwritten_by_it(client, session, recruiter):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(3)])

    upload(client, session, [png("one.png"), png("two.png")])
    slide_service.do_convert(session.pk)

    assert Slide.objects.filter(session=session).count() == 2
    assert not SlideConversion.objects.filter(session=session).exists()


def test_a_newer_pdf_replaces_a_waiting_one(client, session, recruiter):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(3)])
    first = SlideConversion.objects.get(session=session).pdf.name

    upload(client, session, [pdf_with_pages(2)])
    slide_service.do_convert(session.pk)

    conversion = SlideConversion.objects.get(session=session)
    assert conversion.pdf.name == "" and conversion.pages == 2 and first
    assert Slide.objects.filter(session=session).count() == 2


def test_only_the_host_follows_the_conversion_and_the_page_reloads_when_done(
    client, session, recruiter, outsider_recruiter, talent
):
    client.force_login(recruiter)
    upload(client, session, [pdf_with_pages(1)])
    status_url = reverse("expo:slides_status", args=[session.pk])
    for user in (outsider_recruiter, talent):
        client.force_login(user)
        assert client.get(status_url).status_code == 403

    client.force_login(recruiter)
    waiting = client.get(status_url, HTTP_HX_REQUEST="true")
    assert "Turning your PDF into slides" in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    slide_service.do_convert(session.pk)
    done = client.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Your PDF became 1 slide." in done.content.decode()


def test_a_pdf_is_known_by_its_content_whatever_its_name(
    client, session, recruiter, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, session, [pdf_with_pages(2, name="Keynote deck (final)")])

    assert Slide.objects.filter(session=session).count() == 2


def test_an_image_named_like_a_pdf_is_still_an_image(client, session, recruiter):
    client.force_login(recruiter)

    response = upload(client, session, [png("deck.pdf")])

    assert "1 slide uploaded." in response.content.decode()
    assert Slide.objects.get(session=session).image.name.endswith((".png", ".jpg", ".webp"))


def test_images_become_slides_in_order_and_replace_the_old_ones(client, session, recruiter):
    for position in range(3):
        SlideFactory(session=session, position=position)
    client.force_login(recruiter)

    response = upload(client, session, [png("one.png"), png("two.png")])

    assert "2 slides uploaded." in response.content.decode()
    assert list(Slide.objects.filter(session=session).values_list("position", flat=True)) == [0, 1]


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
