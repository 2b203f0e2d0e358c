"""Certificates of completion: who earned one (merged attendance against the session's
threshold), issuing them once, the PDF, and the public verification document."""

import re
from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
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
def _pdf_text(value: str) -> str:
    """A PDF string literal for the standard fonts (WinAnsi): characters outside it become '?'
    (names in other scripts need an embedded font; see the README's open points)."""
    raw = value.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _page_stream(lines) -> bytes:
    parts = [
        "0.043 0.361 0.678 RG 6 w 30 30 782 535 re S",  # the brand-blue frame
        "0.8 0.8 0.8 RG 1 w 45 45 752 505 re S",
    ]
    for font, size, y, text in lines:
        parts.append(f"BT /{font} {size} Tf 80 {y} Td {_pdf_text(text)} Tj ET")
    return "\n".join(parts).encode("latin-1")


def render_pdf(certificate) -> bytes:
    """A one-page A4 landscape PDF using the built-in Helvetica fonts: no dependency."""
    session = certificate.session
    edition = session.edition
    date = formats.date_format(timezone.localtime(session.starts_at, edition.tz), "j F Y")
    verify = absolute_reverse("expo:certificate", args=[certificate.code])
    lines = [
        ("F2", 30, 470, _("Certificate of completion")),
        ("F1", 14, 430, _("This certifies that")),
        ("F2", 26, 390, certificate.name),
        ("F1", 14, 350, _("attended the session")),
        ("F2", 18, 318, session.title),
    ]
    if session.track_id:
        lines.append(("F1", 14, 290, _("Track: %(track)s") % {"track": session.track.name}))
    lines += [
        ("F1", 14, 262, _("on %(date)s at %(expo)s") % {"date": date, "expo": edition.name}),
        ("F1", 11, 120, _("Verification code: %(code)s") % {"code": certificate.code}),
        ("F1", 11, 100, _("Verify at %(url)s") % {"url": verify}),
    ]
    stream = _page_stream(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title "
        + _pdf_text(_("Certificate %(code)s") % {"code": certificate.code}).encode("latin-1")
        + b" /Producer (Virtual Career Expo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)
