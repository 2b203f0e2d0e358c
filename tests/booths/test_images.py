"""Logos, banners and slides: a small file that declares a huge picture (a decompression bomb)
is refused from its header, and what is accepted is decoded within a bound before resizing."""

import io
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from booths.content import LOGO_BOX, process_image, validate_image
from tests.fixtures.images import _chunk, png_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bomb():
    """The outside test's logo: 6300x6300 RGBA in about 150 KB."""
    return png_bomb(6300, 6300)


def header_only_png(width, height):
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IEND", b"")


def upload(data, name="logo.png"):
    return SimpleUploadedFile(name, data, "image/png")


def refusal(data):
    with pytest.raises(ValidationError) as error:
        validate_image(upload(data))
    return error.value.code, error.value.messages[0]


def test_a_decompression_bomb_is_refused_from_its_header(bomb):
    assert len(bomb) < 200_000
    assert refusal(bomb) == (
        "too_many_pixels",
        "The image is 6300×6300 pixels, too large to process. Please scale it down.",
    )


def test_a_picture_claiming_billions_of_pixels_is_refused_before_pillow_decodes_it():
    assert refusal(header_only_png(60_000, 60_000)) == (
        "too_many_pixels",
        "The image has too many pixels to process. Please scale it down.",
    )


def test_resizing_refuses_a_bomb_even_when_nobody_validated_it(bomb):
    with pytest.raises(ValidationError) as error:
        process_image(upload(bomb), LOGO_BOX)

    assert error.value.code == "too_many_pixels"


def test_a_bomb_uploaded_as_a_logo_gets_a_field_error_and_the_booth_keeps_its_logo(
    client, company_admin, booth_a, media_root, bomb
):
    client.force_login(company_admin)

    response = client.post(
        "/console/booth/",
        {"tagline": "Still here", "description": "", "video_url": "", "logo": upload(bomb)},
    )

    assert response.status_code == 200
    assert "6300×6300 pixels" in str(response.context["form"].errors["logo"])
    booth_a.refresh_from_db()
    assert not booth_a.logo


def jpeg(size, orientation=None):
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", size, (20, 120, 200)).save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def test_a_large_photo_is_drafted_and_resized_into_the_box():
    result = Image.open(process_image(jpeg((4000, 3000)), LOGO_BOX))

    assert (result.format, result.size) == ("JPEG", (512, 384))


def test_a_photo_taken_sideways_is_turned_upright_after_resizing():
    result = Image.open(process_image(jpeg((1200, 900), orientation=6), LOGO_BOX))

    assert result.size == (384, 512)
    assert 0x0112 not in result.getexif()
