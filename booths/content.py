"""What exhibitors put on their booth, made safe to show: Markdown to sanitised HTML, video
addresses to embed URLs built from a parsed id (never the raw address), images checked by content
and re-encoded (resized, no EXIF)."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# --- Markdown --------------------------------------------------------------------------------
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


# A list item right under a line of text ("Requirements:\n- Python"): Markdown wants a blank
# line before a list, people do not write one.
_LIST_AFTER_TEXT = re.compile(
    r"(?m)^(?![ \t]*(?:[-*+]|\d+[.)])[ \t])(.*\S.*)\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])"
)


def _markdown_html(text: str) -> str:
    text = _LIST_AFTER_TEXT.sub(r"\1\n\n", text.replace("\r\n", "\n"))
    return markdown_lib.markdown(text, extensions=["sane_lists", "tables"], output_format="html")


def render_markdown(text: str) -> str:
    """Markdown to HTML that keeps only harmless tags; links get rel=nofollow noopener."""
    if not text:
        return ""
    html = _markdown_html(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


class _PlainText(HTMLParser):
    """HTML of rendered Markdown to readable plain text: paragraphs apart, list items with a
    bullet or their number, links as "text (address)", no markup left."""

    BLOCKS = {"p", "h2", "h3", "h4", "h1", "h5", "h6", "blockquote", "pre", "table", "tr", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, next number]
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 1])
            if len(self.lists) == 1:
                self.out.append("\n")
        elif tag == "li":
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1][0] == "ol":
                self.out.append(f"\n{indent}{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
            else:
                self.out.append(f"\n{indent}• ")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
        elif tag in ("td", "th"):
            self.out.append("\t")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n")
        elif tag == "a" and self.href:
            href = self.href.pop()
            text = self.out[-1] if self.out else ""
            if href and href not in text and not href.startswith("mailto:"):
                self.out.append(f" ({href})")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data):
        if "\n" in data and not data.strip():
            return  # the line breaks between tags in the rendered HTML
        self.out.append(data)

    def text(self):
        joined = "".join(self.out)
        lines = [line.rstrip() for line in joined.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def markdown_to_text(text: str) -> str:
    """Markdown as plain text for places that show no HTML (calendar descriptions, plain-text
    email): "**bold**" reads "bold", "- item" reads "• item", links keep their address."""
    if not text:
        return ""
    html = _markdown_html(text)
    parser = _PlainText()
    parser.feed(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES))
    parser.close()
    return parser.text()


# --- Video embeds ----------------------------------------------------------------------------
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_BILIBILI_ID = re.compile(r"^BV[0-9A-Za-z]{10}$")
VIDEO_HOSTS = "YouTube, Vimeo, Bilibili"


def video_embed_url(url: str) -> str | None:
    """The embed address for a video page on an allowed host, or None.

    Only the id is taken from the given address; the embed URL is built here, so nothing the
    exhibitor typed reaches the iframe besides an id that matched a strict pattern."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if host.startswith("m."):
        host = host[2:]
    segments = [s for s in parts.path.split("/") if s]
    video_id = None
    if host == "youtu.be" and segments:
        video_id = segments[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if segments[:1] == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            video_id = segments[1]
    if video_id is not None:
        if _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host in ("vimeo.com", "player.vimeo.com") and segments:
        candidate = segments[-1] if host == "vimeo.com" else segments[-1]
        if _VIMEO_ID.match(candidate):
            return f"https://player.vimeo.com/video/{candidate}"
        return None
    if host == "bilibili.com" and len(segments) >= 2 and segments[0] == "video":
        if _BILIBILI_ID.match(segments[1]):
            return f"https://player.bilibili.com/player.html?bvid={segments[1]}&autoplay=0"
    return None


def validate_video_url(url: str) -> None:
    if url and video_embed_url(url) is None:
        raise ValidationError(
            _(
                "We can embed videos from %(hosts)s only. Paste the address of the video's own "
                "page, e.g. https://www.youtube.com/watch?v=…"
            )
            % {"hosts": VIDEO_HOSTS},
            code="video_host",
        )


# --- Images ----------------------------------------------------------------------------------
# A small file can declare a huge picture (a "decompression bomb": 170 KB of PNG for 6300x6300
# RGBA pixels is 159 MB once decoded). The pixel count is read from the header and checked
# before anything is decoded; JPEGs are then decoded at a reduced scale (draft), everything
# else only within IMAGE_MAX_DECODED_PIXELS, and resized before any copy is made.
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000  # a JPEG is decoded at 1/2..1/8 scale, so up to this
IMAGE_MAX_DECODED_PIXELS = 12_000_000  # PNG, WebP, GIF decode in full: at most 48 MB as RGBA
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
LOGO_BOX = (512, 512)
BANNER_BOX = (1920, 640)


def _pillow():
    from PIL import Image

    # Pillow warns above this and refuses at twice it, at open time, before decoding.
    Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
    return Image


def _too_many_pixels(fmt, width, height) -> bool:
    limit = IMAGE_MAX_PIXELS if fmt == "JPEG" else IMAGE_MAX_DECODED_PIXELS
    return width * height > limit


def _too_many_pixels_error(width, height):
    return ValidationError(
        _("The image is %(w)s×%(h)s pixels, too large to process. Please scale it down.")
        % {"w": width, "h": height},
        code="too_many_pixels",
    )


def validate_image(upload) -> None:
    """Refuse anything that is not a JPEG, PNG, WebP or GIF image by its content, and images
    too heavy to process. Reads the header only, never the pixels. Leaves the file position
    at 0."""
    import warnings

    from PIL import UnidentifiedImageError

    Image = _pillow()
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s. Please upload a smaller image.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(IMAGE_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Between 1x and 2x Pillow's limit it only warns: our own check below says why.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                fmt = image.format
                width, height = image.size
                image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has too many pixels to process. Please scale it down."),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not an image we can read. Please upload a JPEG, PNG or WebP image."),
            code="not_image",
        ) from None
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, WebP or GIF; this one is %(format)s.") % {"format": fmt},
            code="image_format",
        )
    if _too_many_pixels(fmt, width, height):
        raise _too_many_pixels_error(width, height)


# EXIF orientations that turn the picture a quarter: the box is swapped before resizing.
_QUARTER_TURNS = {5, 6, 7, 8}


def process_image(upload, box) -> ContentFile:
    """Re-encode an uploaded image to fit in box (width, height): resized, EXIF and other
    metadata dropped (a fresh image is written), PNG when it has transparency, else JPEG.

    Memory stays bounded: the pixel count is checked again before decoding, a JPEG is decoded
    at the smallest scale that still covers the box (Pillow's draft), and the picture is
    turned upright only once it is small."""
    from PIL import ImageOps

    Image = _pillow()
    upload.seek(0)
    with Image.open(upload) as source:
        if _too_many_pixels(source.format, *source.size):
            raise _too_many_pixels_error(*source.size)
        orientation = source.getexif().get(0x0112, 1)
        fit = (box[1], box[0]) if orientation in _QUARTER_TURNS else box
        source.draft(None, fit)  # a JPEG decodes at 1/2..1/8 scale, still covering the box
        source.thumbnail(fit, Image.Resampling.LANCZOS, reducing_gap=None)
        image = ImageOps.exif_transpose(source)
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        out = io.BytesIO()
        if has_alpha:
            clean = image.convert("RGBA")
            clean.save(out, format="PNG", optimize=True)
            ext = "png"
        else:
            clean = image.convert("RGB")
            clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
            ext = "jpg"
    return ContentFile(out.getvalue(), name=f"image.{ext}")
