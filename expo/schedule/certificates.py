"""Certificates of completion: who earned one (merged attendance against the session's
threshold), issuing them once, the PDF, and the public verification document."""

import io
import re
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from expo.lib.urls import absolute_reverse
from expo.schedule.models import (
    Attendance,
    Certificate,
    Registration,
    Session,
    Stage,
    certificate_code,
)

CODE_PATTERN = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


# --- Attendance --------------------------------------------------------------------------
def attended_seconds(intervals, start: datetime, end: datetime) -> int:
    """Seconds inside [start, end) covered by at least one (joined, left) interval. Overlaps
    (two tabs, a reconnect before the old socket noticed) count once; an interval still open
    (left is None) counts up to the end."""
    clipped = sorted(
        (max(joined, start), min(left or end, end))
        for joined, left in intervals
        if joined < end and (left is None or left > start)
    )
    total = 0
    current_start = current_end = None
    for a, b in clipped:
        if b <= a:
            continue
        if current_end is None or a > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = a, b
        else:
            current_end = max(current_end, b)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return int(total)


def attendance_window(session) -> tuple[datetime, datetime]:
    """What counts as the session: from going live to ending when the host did both, else the
    scheduled times."""
    stage = Stage.objects.filter(session=session).first()
    start = (stage and stage.went_live_at) or session.starts_at
    end = (stage and stage.ended_at) or session.ends_at
    if end <= start:
        return session.starts_at, session.ends_at
    return start, end


def earned(session) -> dict[int, int]:
    """{user id: attended seconds} of registered people who met the threshold. Two queries."""
    start, end = attendance_window(session)
    needed = (end - start).total_seconds() * session.attendance_threshold / 100
    registered = set(
        Registration.objects.filter(
            session=session, status=Registration.Status.REGISTERED
        ).values_list("user_id", flat=True)
    )
    by_user: dict[int, list] = {}
    rows = Attendance.objects.filter(session=session, user_id__in=registered).values_list(
        "user_id", "joined_at", "left_at"
    )
    for user_id, joined, left in rows:
        by_user.setdefault(user_id, []).append((joined, left))
    result = {}
    for user_id, intervals in by_user.items():
        seconds = attended_seconds(intervals, start, end)
        if seconds >= needed:
            result[user_id] = seconds
    return result


# --- Issuing -----------------------------------------------------------------------------
def due_sessions(now=None):
    now = now or timezone.now()
    return Session.objects.filter(
        certificate_bearing=True,
        is_cancelled=False,
        ends_at__lte=now,
        certificates_issued_at__isnull=True,
    )


def issue_for_session(session_id: int, now=None) -> list[Certificate]:
    """Issue the certificates of one ended session, once: the session row is claimed with
    select_for_update(skip_locked) and marked done in the same transaction, and a certificate is
    unique per (session, person). Side effects: an email to each new holder."""
    from django.contrib.auth import get_user_model

    from .services import send_schedule_email

    now = now or timezone.now()
    with transaction.atomic():
        session = (
            due_sessions(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("track", "host_booth__company", "edition")
            .filter(pk=session_id)
            .first()
        )
        if session is None:
            return []  # another run holds it, or it is done
        winners = earned(session)
        existing = set(
            Certificate.objects.filter(session=session).values_list("user_id", flat=True)
        )
        users = get_user_model().objects.in_bulk([u for u in winners if u not in existing])
        issued = Certificate.objects.bulk_create(
            [
                Certificate(
                    session=session,
                    user=user,
                    code=certificate_code(),
                    name=user.get_full_name(),
                    attended_seconds=winners[user.pk],
                    issued_at=now,
                )
                for user in users.values()
            ]
        )
        session.certificates_issued_at = now
        session.save(update_fields=["certificates_issued_at"])
        for certificate in issued:
            send_schedule_email(
                "certificate",
                certificate.user,
                {
                    "session": session,
                    "certificate": certificate,
                    "verify_url": absolute_reverse("expo:certificate", args=[certificate.code]),
                    "pdf_url": absolute_reverse("expo:certificate_pdf", args=[certificate.code]),
                },
            )
    return issued


def issue_due_certificates(now=None) -> int:
    """Issue certificates for every certificate-bearing session that has ended."""
    ids = list(due_sessions(now).order_by("ends_at").values_list("pk", flat=True)[:50])
    return sum(len(issue_for_session(pk, now)) for pk in ids)


# --- Verification ------------------------------------------------------------------------
def find(code: str):
    """The certificate with this code, or None for anything else (malformed or unknown)."""
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        return None
    return (
        Certificate.objects.select_related("session__track", "session__edition")
        .filter(code=code)
        .first()
    )


def public_document(certificate) -> dict:
    """What anyone holding the code may know: the name, the session and the date. Nothing
    else about the person (no email, no attendance record)."""
    session = certificate.session
    return {
        "valid": True,
        "code": certificate.code,
        "name": certificate.name,
        "session": session.title,
        "track": session.track.name if session.track_id else None,
        "date": timezone.localtime(session.starts_at, session.edition.tz).date().isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issuer": session.edition.name,
        "url": absolute_reverse("expo:certificate", args=[certificate.code]),
    }


# --- The PDF -----------------------------------------------------------------------------
# Latin-1 text prints in Helvetica. Chinese prints in an embedded TrueType CJK font when one is
# installed (CERTIFICATE_FONT, by default Debian's fonts-wqy-microhei, which the Dockerfile and
# CI install): every reader shows it. Without one, reportlab's built-in CID fonts name a face
# that the reader supplies (Adobe's font packs, pdf.js and Chrome do; a bare poppler does not):
# MSung-Light for Traditional (Adobe-CNS1), STSong-Light for Simplified (Adobe-GB1).
LATIN, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
EMBEDDED, TRADITIONAL, SIMPLIFIED = "ExpoCJK", "MSung-Light", "STSong-Light"
_fonts: dict[str, bool] = {}


def _embedded_font_available() -> bool:
    """Register the configured CJK TrueType font once per process; False when there is none."""
    from django.conf import settings

    path = settings.CERTIFICATE_FONT
    if path not in _fonts:
        ok = False
        if path and Path(path).is_file():
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFError, TTFont

            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=0))
                ok = True
            except (TTFError, OSError):
                ok = False
        _fonts[path] = ok
    return _fonts[path]


def _register_cid_fonts():
    if "cid" not in _fonts:
        from reportlab.pdfbase import _cidfontdata, pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        # reportlab 4-5 pairs MSung-Light (Adobe-CNS1) with the GB CMap, which readers refuse
        # or map to the wrong glyphs; Traditional Chinese in Unicode is UniCNS-UCS2-H.
        _cidfontdata.defaultUnicodeEncodings[TRADITIONAL] = ("cht", "UniCNS-UCS2-H")
        pdfmetrics.registerFont(UnicodeCIDFont(TRADITIONAL))
        pdfmetrics.registerFont(UnicodeCIDFont(SIMPLIFIED))
        _fonts["cid"] = True


def font_for(text: str, bold=False) -> str:
    """Helvetica where it has every glyph (cp1252), else the embedded CJK font, else the CID
    face whose character set holds the text: Traditional when Big5 can encode it, Simplified
    otherwise."""
    try:
        text.encode("cp1252")
        return LATIN_BOLD if bold else LATIN
    except UnicodeEncodeError:
        pass
    if _embedded_font_available():
        return EMBEDDED
    _register_cid_fonts()
    try:
        text.encode("big5")
        return TRADITIONAL
    except UnicodeEncodeError:
        return SIMPLIFIED


def hours_attended(seconds: int) -> str:
    """ "1.5 hours", "45 minutes": what a reader of a CV understands at a glance."""
    from django.utils.translation import ngettext

    minutes = round(seconds / 60)
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60, 1)
    count = int(hours) if hours == int(hours) else hours
    plural_of = count if isinstance(count, int) else 2  # 1.5 reads as a plural
    return ngettext("%(count)s hour", "%(count)s hours", plural_of) % {
        "count": formats.number_format(count, use_l10n=True)
    }


def _colour(value, default):
    from reportlab.lib.colors import HexColor

    try:
        return HexColor(value)
    except (ValueError, TypeError):
        return HexColor(default)


def _logo(edition):
    """The edition's logo as a reportlab image, or None when there is none or it is unreadable."""
    from reportlab.lib.utils import ImageReader

    if not edition.logo:
        return None
    try:
        with edition.logo.open("rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except (OSError, ValueError):
        return None


def _draw_qr(canvas, url, x, y, size):
    """The verification address as a QR code of vector squares (sharp at any zoom)."""
    import segno

    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    border = 2
    cells = len(matrix) + 2 * border
    cell = size / cells
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + border) * cell, y + size - (r + border + 1) * cell, cell, cell, 0, 1
                )


def _line(canvas, text, y, size, bold=False, colour=None, x=None, width=842):
    """One line of text, centred unless x is given, shrunk to fit the page."""
    font = font_for(text, bold)
    # the CJK faces have no bold: draw the outline as well as the fill
    render_bold = bold and font in (EMBEDDED, TRADITIONAL, SIMPLIFIED)
    while canvas.stringWidth(text, font, size) > width - 160 and size > 9:
        size -= 1
    if x is None:
        x = (width - canvas.stringWidth(text, font, size)) / 2
    # the render mode is graphics state and outlasts the text object: keep it inside q/Q
    canvas.saveState()
    if colour is not None:
        canvas.setFillColor(colour)
        canvas.setStrokeColor(colour)
    text_object = canvas.beginText()
    text_object.setFont(font, size)
    if render_bold:
        text_object.setTextRenderMode(2)
        canvas.setLineWidth(size / 40)
    text_object.setTextOrigin(x, y)
    text_object.textLine(text)
    canvas.drawText(text_object)
    canvas.restoreState()


def render_pdf(certificate) -> bytes:
    """A one-page A4 landscape certificate in the expo's brand colours, with its logo, the
    holder's name in any script, the session, track and hours attended, and a QR code to the
    public verification page."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    session = certificate.session
    edition = session.edition
    primary = _colour(edition.primary_colour, "#0b5cad")
    accent = _colour(edition.accent_colour, "#00a19a")
    ink, muted = HexColor("#111827"), HexColor("#4b5563")
    width, height = 842, 595
    date = formats.date_format(timezone.localtime(session.starts_at, edition.tz), "j F Y")
    if (translation.get_language() or "").startswith("zh"):
        date = formats.date_format(timezone.localtime(session.starts_at, edition.tz), "Y年n月j日")
    verify = absolute_reverse("expo:certificate", args=[certificate.code])

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(_("Certificate %(code)s") % {"code": certificate.code})
    canvas.setAuthor(edition.organiser or edition.name)
    canvas.setSubject(session.title)
    canvas.setCreator("Virtual Career Expo")

    # A band of the primary colour down the left, an accent rule, a thin frame.
    canvas.setFillColor(primary)
    canvas.rect(0, 0, 28, height, stroke=0, fill=1)
    canvas.setFillColor(accent)
    canvas.rect(28, 0, 6, height, stroke=0, fill=1)
    canvas.setStrokeColor(HexColor("#d1d5db"))
    canvas.setLineWidth(1)
    canvas.rect(52, 22, width - 74, height - 44, stroke=1, fill=0)

    logo = _logo(edition)
    top = height - 60
    if logo is not None:
        w, h = logo.getSize()
        scale = min(200 / w, 56 / h)
        canvas.drawImage(
            logo, (width - w * scale) / 2, top - h * scale, w * scale, h * scale, mask="auto"
        )
        top -= h * scale + 20
    else:
        _line(canvas, edition.name, top - 20, 16, bold=True, colour=primary)
        top -= 40

    _line(canvas, _("Certificate of completion"), top - 40, 32, bold=True, colour=primary)
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(2)
    canvas.line(width / 2 - 60, top - 58, width / 2 + 60, top - 58)
    _line(canvas, _("This certifies that"), top - 92, 14, colour=muted)
    _line(canvas, certificate.name, top - 136, 34, bold=True, colour=ink)
    _line(canvas, _("attended the session"), top - 168, 14, colour=muted)
    _line(canvas, session.title, top - 200, 20, bold=True, colour=ink)
    details = []
    if session.track_id:
        details.append(_("Track: %(track)s") % {"track": session.track.name})
    details.append(
        _("Time attended: %(hours)s") % {"hours": hours_attended(certificate.attended_seconds)}
    )
    _line(canvas, "  ·  ".join(details), top - 228, 13, colour=muted)
    _line(
        canvas,
        _("on %(date)s at %(expo)s") % {"date": date, "expo": edition.name},
        top - 250,
        13,
        colour=muted,
    )

    # The foot: who issued it and how to verify it on the left, the QR code on the right.
    if edition.organiser:
        _line(canvas, edition.organiser, 70, 12, bold=True, colour=ink, x=80)
    code_line = _("Verification code: %(code)s") % {"code": certificate.code}
    _line(canvas, code_line, 52, 10, colour=muted, x=80)
    _line(canvas, _("Verify at %(url)s") % {"url": verify}, 38, 9, colour=muted, x=80)
    _draw_qr(canvas, verify, width - 140, 36, 96)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
