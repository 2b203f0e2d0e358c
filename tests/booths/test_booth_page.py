"""A booth's page: its content made safe, its jobs, presentations, brochures and live panel,
visits counted in one statement, bookmarks and profile sharing, a fixed number of queries."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ProfileShare
from booths.models import Bookmark, Booth, BoothVisit, Brochure
from booths.presence import staff_heartbeat
from tests.factories import BoothFactory, JobFactory, MembershipFactory, SessionFactory
from tests.fixtures.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db


def url(booth):
    return f"/booths/{booth.company.slug}/"


def test_the_booth_page_shows_the_company_its_jobs_and_presentations(client, booth_a):
    JobFactory(edition=booth_a.edition, company=booth_a.company, title="Data Engineer")
    JobFactory(edition=booth_a.edition, company=booth_a.company, title="Old", status="closed")
    SessionFactory(
        edition=booth_a.edition, host_booth=booth_a, title="Meet our lab", kind="presentation"
    )

    response = client.get(url(booth_a))

    content = response.content.decode()
    assert response.status_code == 200
    assert [job.title for job in response.context["jobs"]] == ["Data Engineer"]
    assert "1 open job" in content
    assert "Meet our lab" in content
    assert "HKT" in content


def test_the_description_is_rendered_from_markdown_and_sanitised(client, booth_a):
    booth_a.description = (
        "## Hello\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror=alert(1)> <a href="https://example.org" onclick="x()">site</a>'
    )
    booth_a.save()

    html = client.get(url(booth_a)).context["description_html"]

    assert "<h2>Hello</h2>" in html
    assert "<strong>bold</strong>" in html
    for bad in ("<script", "javascript:", "onerror", "onclick", "<img"):
        assert bad not in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("video_url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?t=3", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://www.bilibili.com/video/BV1GJ411x7h7/",
            "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&autoplay=0",
        ),
        ("https://evil.example.org/watch?v=dQw4w9WgXcQ", None),
        ('https://www.youtube.com/watch?v=abc"><script>', None),
    ],
)
def test_videos_are_embedded_from_a_parsed_id_on_allowed_hosts_only(
    client, booth_a, video_url, embed
):
    Booth.objects.filter(pk=booth_a.pk).update(video_url=video_url)

    response = client.get(url(booth_a))

    assert response.context["video_embed_url"] == embed
    if embed is None:
        assert "<iframe" not in response.content.decode()


def test_draft_booths_are_hidden_from_visitors_but_previewed_by_their_staff(
    client, edition, company_a, recruiter, outsider_recruiter
):
    booth = BoothFactory(edition=edition, company=company_a, status=Booth.Status.DRAFT)

    assert client.get(url(booth)).status_code == 404
    client.force_login(outsider_recruiter)
    assert client.get(url(booth)).status_code == 404
    client.force_login(recruiter)
    response = client.get(url(booth))
    assert response.status_code == 200
    assert "Preview: this booth is not public yet" in response.content.decode()


def test_a_booth_of_another_expo_is_not_found(client, edition):
    other = BoothFactory()  # its own edition, not the current one

    assert client.get(url(other)).status_code == 404


def test_the_page_knows_who_is_staffing_now_and_asks_visitors_to_sign_in(
    client, booth_a, recruiter, company_admin
):
    staff_heartbeat(booth_a.pk, recruiter.pk)

    response = client.get(url(booth_a))

    content = response.content.decode()
    assert "Rita" in content and "Ada" not in content
    assert "/accounts/login/?next=" in content


def test_each_visit_is_counted_once_per_visitor_and_day(client, booth_a, talent):
    client.get(url(booth_a))
    client.get(url(booth_a))  # same anonymous visitor (cookie)
    client.force_login(talent)
    client.get(url(booth_a))
    client.get(url(booth_a))

    rows = list(BoothVisit.objects.filter(booth=booth_a).values_list("hits", flat=True))
    assert sorted(rows) == [2, 2]
    keys = list(BoothVisit.objects.values_list("visitor_key", flat=True))
    assert all(len(key) == 40 and int(key, 16) >= 0 for key in keys)  # keyed hashes, not ids


def test_the_companys_own_staff_do_not_count_as_visitors(client, booth_a, recruiter):
    client.force_login(recruiter)

    client.get(url(booth_a))

    assert BoothVisit.objects.count() == 0


def test_a_visit_on_a_new_day_is_a_new_row(booth_a):
    from booths.services import record_visit

    today = timezone.localdate()
    record_visit(booth_a, "k" * 40, day=today)
    record_visit(booth_a, "k" * 40, day=today + dt.timedelta(days=1))

    assert BoothVisit.objects.filter(booth=booth_a).count() == 2


def test_a_talent_bookmarks_a_booth_and_removes_the_bookmark(client, booth_a, talent):
    client.force_login(talent)

    added = client.post(f"{url(booth_a)}bookmark/", headers={"HX-Request": "true"})
    assert Bookmark.objects.filter(user=talent, booth=booth_a).exists()
    assert 'aria-pressed="true"' in added.content.decode()

    removed = client.post(f"{url(booth_a)}bookmark/")
    assert not Bookmark.objects.exists()
    assert removed.status_code == 302


def test_anonymous_visitors_are_asked_to_sign_in_to_bookmark(client, booth_a):
    response = client.post(f"{url(booth_a)}bookmark/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Bookmark.objects.exists()


def test_a_talent_shares_the_profile_with_a_company_from_its_booth(client, booth_a, talent):
    client.force_login(talent)

    client.post(f"{url(booth_a)}share/")
    assert ProfileShare.objects.filter(talent=talent, company=booth_a.company).exists()
    assert "Stop sharing my profile" in client.get(url(booth_a)).content.decode()

    client.post(f"{url(booth_a)}share/")
    assert not ProfileShare.objects.exists()


def test_brochures_of_an_approved_booth_download_as_pdf_attachments(client, booth_a):
    brochure = Brochure(booth=booth_a, title="Graduate programme", size=10)
    brochure.file.save("x.pdf", ContentFile(pdf_bytes()), save=True)

    response = client.get(f"{url(booth_a)}brochures/{brochure.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="graduate-programme.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_media_of_a_booth_that_is_not_public_is_not_served(client, edition, company_a):
    booth = BoothFactory(edition=edition, company=company_a, status=Booth.Status.SUBMITTED)
    brochure = Brochure(booth=booth, title="Secret", size=10)
    brochure.file.save("x.pdf", ContentFile(pdf_bytes()), save=True)

    assert client.get(f"{url(booth)}brochures/{brochure.pk}/").status_code == 404
    assert client.get(f"{url(booth)}logo/").status_code == 404


def test_a_brochure_of_another_booth_is_not_found_under_this_booth(client, booth_a, booth_b):
    brochure = Brochure(booth=booth_b, title="B", size=10)
    brochure.file.save("x.pdf", ContentFile(pdf_bytes()), save=True)

    assert client.get(f"{url(booth_a)}brochures/{brochure.pk}/").status_code == 404


def _fill_booth(booth, jobs):
    JobFactory.create_batch(jobs, edition=booth.edition, company=booth.company)
    MembershipFactory.create_batch(3, company=booth.company)
    for _ in range(3):
        SessionFactory(edition=booth.edition, host_booth=booth, kind="presentation")
    for i in range(3):
        brochure = Brochure(booth=booth, title=f"B{i}", size=10)
        brochure.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=True)


def _count_queries(client, path):
    """Queries of the page with nothing in the cache (the most it ever runs)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_booth_page_runs_a_fixed_number_of_queries(
    client, booth_a, talent, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(talent)
    _fill_booth(booth_a, jobs=1)
    few = _count_queries(client, url(booth_a))
    _fill_booth(booth_a, jobs=40)

    # Ours: (session, user, membership check, bookmark, share, the talent's 1:1 booking when
    # signed in) edition, booth, staff, jobs, job count, sessions, free 1:1 times, brochures,
    # the visit; the rest is the live panel's.
    with django_assert_max_num_queries(26):
        many = _count_queries(client, url(booth_a))
    assert many == few
