"""Slides: uploaded images, or a PDF whose pages become images (poppler's pdftoppm)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from expo.schedule.models import Slide

SLIDE_BOX = (1920, 1080)
MAX_SLIDES = 150
PDFTOPPM_TIMEOUT = 120


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


def images_from_uploads(files) -> list[ContentFile]:
    """Validated uploads (one PDF, or images) as slide images, in order."""
    from booths.content import process_image
    from expo.lib.files import looks_like_pdf

    if len(files) == 1 and looks_like_pdf(files[0]):
        return pdf_pages_as_images(files[0])
    return [process_image(upload, SLIDE_BOX) for upload in files[:MAX_SLIDES]]


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
