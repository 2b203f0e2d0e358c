"""Certificates: attendance merged so reconnects do not count twice, issued once and only above
the threshold, a PDF for the holder, a public verification page and JSON that reveal only the
name, session and date, and a clear 404 for a forged code."""

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from expo.schedule import certificates
from expo.schedule.models import Certificate, Stage
from expo.schedule.tasks import issue_certificates
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    RegistrationFactory,
    SessionFactory,
    TrackFactory,
    UserFactory,
)

START = timezone.now().replace(microsecond=0) - timedelta(hours=3)
END = START + timedelta(minutes=100)
AFTER = END + timedelta(minutes=1)


def at(minutes):
    return START + timedelta(minutes=minutes)


def test_overlapping_and_repeated_intervals_count_once():
    intervals = [(at(0), at(30)), (at(20), at(50)), (at(20), at(50)), (at(60), None)]

    assert certificates.attended_seconds(intervals, START, END) == (50 + 40) * 60


def test_time_outside_the_session_does_not_count():
    intervals = [(at(-30), at(10)), (at(95), at(130))]

    assert certificates.attended_seconds(intervals, START, END) == 15 * 60


@pytest.fixture
def session(edition):
    track = TrackFactory(edition=edition, name="Deep Tech Training")
    return SessionFactory(
        edition=edition,
        track=track,
        title="Quantum basics",
        starts_at=START,
        ends_at=END,
        certificate_bearing=True,
        attendance_threshold=75,
    )


def attend(session, user, *intervals):
    RegistrationFactory(session=session, user=user)
    for joined, left in intervals:
        AttendanceFactory(session=session, user=user, joined_at=at(joined), left_at=at(left))


@pytest.mark.django_db(transaction=True)
def test_certificates_go_only_to_attendees_above_the_threshold(session):
    enough = UserFactory(full_name="Ada Enough")
    reconnects = UserFactory(full_name="Rex Reconnects")
    too_little = UserFactory(full_name="Tim Toolittle")
    attend(session, enough, (0, 80))
    # 3 tabs and reconnects: 0-40 and 30-60 twice, then 70-80 = 70 minutes, not 120.
    attend(session, reconnects, (0, 40), (30, 60), (30, 60), (70, 80))
    attend(session, too_little, (0, 74))

    issued = certificates.issue_for_session(session.pk, now=AFTER)

    assert sorted(c.name for c in issued) == ["Ada Enough"]
    assert [m.to for m in mail.outbox] == [[enough.email]]
    assert mail.outbox[0].subject == "Your certificate: Quantum basics"
    assert issued[0].code in mail.outbox[0].body


def test_the_threshold_follows_the_hosts_live_and_end_times(session, talent):
    Stage.objects.create(session=session, went_live_at=at(10), ended_at=at(50), status="ended")
    attend(session, talent, (10, 45))  # 35 of 40 live minutes

    issued = certificates.issue_for_session(session.pk, now=AFTER)

    assert [c.user for c in issued] == [talent]


def test_nothing_is_issued_before_the_session_ends_or_for_unregistered_people(session, talent):
    AttendanceFactory(session=session, user=talent, joined_at=at(0), left_at=at(100))

    early = certificates.issue_for_session(session.pk, now=at(99))
    after = certificates.issue_for_session(session.pk, now=AFTER)

    assert (early, after) == ([], [])


@pytest.mark.django_db(transaction=True)
def test_issuing_twice_or_concurrently_gives_one_certificate_and_one_email(on_postgres, session):
    for _ in range(5):
        attend(session, UserFactory(), (0, 100))
    barrier = threading.Barrier(2)
    counts = []

    def run():
        barrier.wait()
        counts.append(certificates.issue_due_certificates(now=AFTER))
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    again = certificates.issue_due_certificates(now=AFTER)

    assert (sum(counts), again) == (5, 0)
    assert Certificate.objects.count() == 5
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_issues_due_certificates(session, talent):
    attend(session, talent, (0, 100))

    assert issue_certificates.delay().get() == 1


# --- Verification ------------------------------------------------------------------------------
def test_the_verification_page_confirms_name_session_and_date_only(client, session, talent):
    certificate = CertificateFactory(session=session, user=talent, name="Tess Talent")

    html = client.get(reverse("expo:certificate", args=[certificate.code])).content.decode()

    assert "This certificate is genuine" in html
    assert "Tess Talent" in html and "Quantum basics" in html
    assert talent.email not in html


def test_the_verification_json_is_machine_readable(client, session, talent, settings):
    settings.SITE_URL = "https://expo.example.org"
    certificate = CertificateFactory(session=session, user=talent, name="Tess Talent")

    data = client.get(reverse("expo:certificate_json", args=[certificate.code])).json()

    assert data == {
        "valid": True,
        "code": certificate.code,
        "name": "Tess Talent",
        "session": "Quantum basics",
        "track": "Deep Tech Training",
        "date": START.astimezone(session.edition.tz).date().isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issuer": session.edition.name,
        "url": f"https://expo.example.org/certificates/{certificate.code}/",
    }


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKLM", "not-a-code", "x" * 200, "%00", "abcd"])
def test_a_forged_or_malformed_code_is_a_clear_404(client, db, code):
    page = client.get(f"/certificates/{code}/")
    data = client.get(f"/certificates/{code}.json")

    assert page.status_code == 404
    assert "No certificate has this code" in page.content.decode()
    assert (data.status_code, data.json()["valid"]) == (404, False)


def test_the_holder_downloads_a_pdf_with_the_details(client, session, talent):
    certificate = CertificateFactory(session=session, user=talent, name="Tess Talent")
    client.force_login(talent)

    response = client.get(reverse("expo:certificate_pdf", args=[certificate.code]))

    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in (
        "Certificate of completion",
        "Tess Talent",
        "Quantum basics",
        "Track: Deep Tech Training",
        certificate.code,
        f"/certificates/{certificate.code}/",
    ):
        assert expected in text


def pdf_of(client, certificate, language="en"):
    client.force_login(certificate.user)
    response = client.get(
        reverse("expo:certificate_pdf", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.parametrize("font", ["embedded", "reader's CID font"])
def test_a_chinese_name_title_and_track_print_in_chinese_not_question_marks(
    client, session, talent, settings, font
):
    if font != "embedded":
        settings.CERTIFICATE_FONT = ""
    session.title = "数据科学入门"  # Simplified
    session.save()
    session.track.name = "深科技培訓"  # Traditional
    session.track.save()
    certificate = CertificateFactory(session=session, user=talent, name="陳大文")

    text = pdf_of(client, certificate).pages[0].extract_text()

    assert "陳大文" in text
    assert "数据科学入门" in text
    assert "深科技培訓" in text
    assert "?" not in text.replace(f"/certificates/{certificate.code}/", "")


def test_the_chinese_font_is_embedded_so_every_reader_shows_it(client, session, talent):
    certificate = CertificateFactory(session=session, user=talent, name="陳大文")

    page = pdf_of(client, certificate).pages[0]

    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    embedded = [
        font
        for font in fonts
        if font["/Subtype"] == "/TrueType" and "/FontFile2" in font["/FontDescriptor"]
    ]
    assert embedded, "no CJK font embedded: install fonts-wqy-microhei or set CERTIFICATE_FONT"


def test_the_certificate_is_worded_in_the_holders_language(client, session, talent):
    talent.language = "zh-hant"
    talent.save()
    certificate = CertificateFactory(session=session, user=talent, name="陳大文")

    text = pdf_of(client, certificate).pages[0].extract_text()

    assert "完成證書" in text
    assert "陳大文" in text


def test_the_certificate_shows_hours_attended_brand_colours_logo_and_a_qr_code(
    client, session, talent, settings, tmp_path
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "#ff6600").save(logo, "PNG")
    edition = session.edition
    edition.primary_colour = "#7a1fa2"
    edition.logo.save("logo.png", ContentFile(logo.getvalue()))
    certificate = CertificateFactory(session=session, user=talent, attended_seconds=5400)

    page = pdf_of(client, certificate).pages[0]

    assert "Time attended: 1.5 hours" in page.extract_text()
    content = page.get_contents().get_data().decode("latin-1")
    assert ".478431 .121569 .635294 rg" in content  # #7a1fa2 as a fill colour
    images = [name for name in page["/Resources"]["/XObject"]]
    assert len(images) == 1  # the logo
    # the QR code: a square of dark modules drawn as filled rectangles
    assert content.count(" re f") > 200


def test_hours_attended_reads_naturally():
    from django.utils import translation

    with translation.override("en"):
        assert certificates.hours_attended(45 * 60) == "45 minutes"
        assert certificates.hours_attended(3600) == "1 hour"
        assert certificates.hours_attended(2 * 3600 + 600) == "2.2 hours"


def test_someone_else_cannot_download_the_pdf(client, session, talent, outsider_recruiter):
    certificate = CertificateFactory(session=session, user=talent)
    client.force_login(outsider_recruiter)

    response = client.get(reverse("expo:certificate_pdf", args=[certificate.code]))

    assert response.status_code == 404


def test_my_schedule_lists_my_certificates(client, session, talent):
    certificate = CertificateFactory(session=session, user=talent)
    client.force_login(talent)

    html = client.get(reverse("expo:my_schedule")).content.decode()

    assert certificate.code in html
