"""Slides: uploaded images, or a PDF whose pages become images (poppler's pdftoppm).

Images are checked and stored in the upload's request. A PDF of up to MAX_SLIDES pages can take
a worker many seconds to turn into images, so the upload only keeps it with a SlideConversion row
(one transaction) and a Celery task converts it after the commit; the beat's sweep
(convert_due) converts a row whose task was lost or whose worker died, so a killed worker loses
no upload. The host's session page shows the conversion and reloads when the slides are ready.
"""

import logging
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.schedule.models import Slide, SlideConversion

log = logging.getLogger(__name__)

SLIDE_BOX = (1920, 1080)
MAX_SLIDES = 150
PDFTOPPM_TIMEOUT = 120
# A conversion claimed longer ago than this is taken to have lost its worker.
CONVERSION_LEASE = timedelta(seconds=PDFTOPPM_TIMEOUT + 60)
# The task queued at the upload's commit has this long before the sweep converts the row itself.
SWEEP_GRACE = timedelta(seconds=30)


def pdf_pages_as_images(upload) -> list[ContentFile]:
    """Each page of a (validated) PDF as a PNG, 1600 px wide at most. Raises ValidationError
    when the PDF cannot be turned into images."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "slides.pdf"
        upload.seek(0)
        source.write_bytes(upload.read())
        upload.seek(0)
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise ValidationError(
                _("PDF slides cannot be converted on this server. Upload images instead."),
                code="no_converter",
            )
        try:
            subprocess.run(  # noqa: S603  (fixed arguments, no shell)
                [
                    pdftoppm,
                    "-png",
                    "-scale-to",
                    "1600",
                    "-l",
                    str(MAX_SLIDES),
                    str(source),
                    str(Path(tmp) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError):
            raise ValidationError(
                _("We could not turn this PDF into slides. Export it again, or upload images."),
                code="unconvertible",
            ) from None
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [ContentFile(page.read_bytes(), name="slide.png") for page in pages]


def is_single_pdf(files) -> bool:
    from expo.lib.files import looks_like_pdf

    return len(files) == 1 and looks_like_pdf(files[0])


def images_from_uploads(files) -> list[ContentFile]:
    """Validated image uploads as slide images, in order."""
    from booths.content import process_image

    return [process_image(upload, SLIDE_BOX) for upload in files[:MAX_SLIDES]]


def replace_with_images(session, images) -> list[Slide]:
    """The host's images become the slides; a PDF still waiting to be converted is dropped
    (it would otherwise replace them when it is done)."""
    with transaction.atomic():
        conversion = SlideConversion.objects.select_for_update().filter(session=session).first()
        if conversion is not None:
            if conversion.pdf:
                name, storage = conversion.pdf.name, conversion.pdf.storage
                transaction.on_commit(lambda: storage.delete(name))
            conversion.delete()
        return replace_slides(session, images)


def _claim(session_id, now) -> SlideConversion | None:
    """The session's conversion, marked as being converted, if nobody else is on it."""
    with transaction.atomic():
        conversion = (
            SlideConversion.objects.select_for_update().filter(session_id=session_id).first()
        )
        if conversion is None or not conversion.in_progress or not conversion.pdf:
            return None
        if (
            conversion.status == SlideConversion.Status.CONVERTING
            and conversion.updated_at > now - CONVERSION_LEASE
        ):
            return None  # another worker has it
        conversion.status, conversion.updated_at = SlideConversion.Status.CONVERTING, now
        conversion.save(update_fields=["status", "updated_at"])
    return conversion


def _finish(conversion, pdf_name, **fields):
    """Record the outcome, unless a newer upload replaced the PDF meanwhile (it waits its turn).
    Returns whether it was recorded."""
    with transaction.atomic():
        current = SlideConversion.objects.select_for_update().filter(pk=conversion.pk).first()
        if current is None or current.pdf.name != pdf_name:
            return False  # replaced by a newer PDF, or by images
        for name, value in fields.items():
            setattr(current, name, value)
        current.updated_at = timezone.now()
        current.save()
        return current


def do_convert(session_id, now=None) -> SlideConversion | None:
    """Convert the session's waiting PDF into its slides. Safe to run twice and at once: the
    row is claimed under a lock, and a result is kept only for the PDF it was made from."""
    conversion = _claim(session_id, now or timezone.now())
    if conversion is None:
        return None
    pdf_name = conversion.pdf.name
    try:
        with conversion.pdf.open("rb") as pdf:
            images = pdf_pages_as_images(pdf)
        if not images:
            raise ValidationError("", code=SlideConversion.Error.NO_PAGES)
    except FileNotFoundError:
        log.warning("slides: the PDF of session %s is gone", session_id)
        return _finish(
            conversion,
            pdf_name,
            status=SlideConversion.Status.FAILED,
            error=SlideConversion.Error.UNCONVERTIBLE,
        )
    except ValidationError as error:
        return _finish(
            conversion,
            pdf_name,
            status=SlideConversion.Status.FAILED,
            error=error.code or SlideConversion.Error.UNCONVERTIBLE,
        )
    with transaction.atomic():
        done = _finish(
            conversion,
            pdf_name,
            status=SlideConversion.Status.DONE,
            pages=len(images),
            error="",
            pdf="",
        )
        if done:
            replace_slides(conversion.session, images)
            storage = conversion.pdf.storage
            transaction.on_commit(lambda: storage.delete(pdf_name))
    return done


def convert_due(now=None, limit=20) -> int:
    """Convert rows whose task never came (lost with a broker or a killed worker) or whose
    worker died mid-way. Run by the beat."""
    now = now or timezone.now()
    due = SlideConversion.objects.filter(
        status=SlideConversion.Status.WAITING, updated_at__lte=now - SWEEP_GRACE
    ) | SlideConversion.objects.filter(
        status=SlideConversion.Status.CONVERTING, updated_at__lte=now - CONVERSION_LEASE
    )
    converted = 0
    for session_id in due.order_by("updated_at").values_list("session_id", flat=True)[:limit]:
        converted += bool(do_convert(session_id, now))
    return converted


def replace_slides(session, images) -> list[Slide]:
    """The session's slides become these images; the live room starts again at slide one."""
    from expo.schedule.models import Stage

    with transaction.atomic():
        for slide in session.slides.all():
            slide.image.delete(save=False)
        session.slides.all().delete()
        slides = []
        for position, image in enumerate(images):
            slide = Slide(session=session, position=position)
            slide.image.save(image.name, image, save=False)
            slides.append(slide)
        Slide.objects.bulk_create(slides)
        Stage.objects.filter(session=session).update(slide=0)
    return slides
