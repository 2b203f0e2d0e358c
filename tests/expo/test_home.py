"""The home page, the base template around every page, and the organiser's brand stylesheet."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from booths.models import Booth
from expo.models import ExpoEdition
from expo.schedule.models import Session
from jobs.models import Job
from tests.factories import (
    BoothFactory,
    CompanyFactory,
    JobFactory,
    SectorFactory,
    SessionFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

FIGURE_ID = re.compile(r'id="((?:fig|share)-[a-z-]+)">([^<]*)<')


def figures_shown(html):
    """{element id: text} for every key-figure tile on the page."""
    return dict(FIGURE_ID.findall(html))


def get_home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def expo(edition):
    """A small expo whose figures are easy to work out by hand.

    Companies with an approved booth: A (InnoHK, offices in the GBA) and B (INNOPARK, none);
    C only has a draft booth, so it does not count. Five open jobs (three at A, two at B):

        job  company  overseas  GBA  tech  level   education
        1    A        yes       yes  yes   entry   bachelor
        2    A        yes       yes  yes   middle  doctorate
        3    A        no        no   yes   senior  bachelor
        4    B        no        yes  no    entry   bachelor
        5    B        yes       yes  yes   entry   master

    plus a closed job and a draft job at A that must not count.
    """
    ai = SectorFactory(name="AI & Data Analytics", slug="ai-data")
    bio = SectorFactory(name="BioTech", slug="biotech")
    a = CompanyFactory(
        name="Harbour AI Labs", sector=ai, programme="innohk", has_gba_or_overseas_office=True
    )
    b = CompanyFactory(name="Lion Rock Bio", sector=bio, programme="innopark")
    c = CompanyFactory(name="Draft Co", sector=bio, programme="innohk")
    booth_a = BoothFactory(edition=edition, company=a)
    BoothFactory(edition=edition, company=b)
    BoothFactory(edition=edition, company=c, status=Booth.Status.DRAFT)
    rows = [
        (a, True, True, True, "entry", "bachelor"),
        (a, True, True, True, "middle", "doctorate"),
        (a, False, False, True, "senior", "bachelor"),
        (b, False, True, False, "entry", "bachelor"),
        (b, True, True, True, "entry", "master"),
    ]
    for company, overseas, gba, tech, level, education in rows:
        JobFactory(
            edition=edition,
            company=company,
            open_to_overseas=overseas,
            open_to_gba=gba,
            is_tech_rd=tech,
            level=level,
            min_education=education,
        )
    JobFactory(
        edition=edition,
        company=a,
        status=Job.Status.CLOSED,
        open_to_overseas=True,
        open_to_gba=True,
    )
    JobFactory(edition=edition, company=a, status=Job.Status.DRAFT)

    now = timezone.now()
    track = TrackFactory(edition=edition, name="Deep Tech Training", slug="deep-tech")
    SessionFactory(
        edition=edition,
        kind=Session.Kind.PRESENTATION,
        host_booth=booth_a,
        title="Building trustworthy AI",
        speakers="Dr Chan Tai Man",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
    )
    SessionFactory(
        edition=edition,
        title="Cancelled talk",
        is_cancelled=True,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
    )
    SessionFactory(
        edition=edition,
        track=track,
        title="Intro to quantum computing",
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
    )
    return edition


# --- What the home page shows ---------------------------------------------------------------


def test_home_shows_the_key_figures_computed_from_the_data(client, expo):
    html = get_home(client)

    assert figures_shown(html) == {
        "fig-companies": "2",
        "fig-jobs": "5",
        "fig-innohk": "3",
        "fig-innopark": "2",
        "share-overseas-gba": "60%",
        "share-companies-gba": "50%",
        "share-tech": "80%",
        "share-entry": "60%",
        "share-middle": "20%",
        "share-bachelor": "60%",
        "share-doctorate": "20%",
    }


def test_home_follows_the_data_when_a_job_is_added(client, expo):
    get_home(client)
    JobFactory(
        edition=expo,
        company=expo.booths.get(company__name="Lion Rock Bio").company,
        open_to_overseas=True,
        open_to_gba=True,
        level="middle",
        min_education="doctorate",
    )
    cache.clear()  # the figures are cached for a minute; the beat task refreshes them

    shown = figures_shown(get_home(client))

    assert (shown["fig-jobs"], shown["fig-innopark"], shown["share-overseas-gba"]) == (
        "6",
        "3",
        "67%",
    )


def test_home_ranks_the_busiest_sectors_with_their_open_jobs(client, expo):
    html = get_home(client)

    section = html[html.index('id="sectors-title"') :]
    assert section.index("AI &amp; Data Analytics") < section.index("BioTech")
    assert re.search(r"AI &amp; Data Analytics.*?3 jobs", section, re.S)
    assert re.search(r"BioTech.*?2 jobs", section, re.S)


def test_home_shows_live_and_upcoming_sessions_but_not_cancelled_ones(client, expo):
    html = get_home(client)

    live = html[html.index('id="live-title"') : html.index('id="soon-title"')]
    soon = html[html.index('id="soon-title"') : html.index('id="sectors-title"')]
    assert "Building trustworthy AI" in live
    assert "Harbour AI Labs" in live
    assert "Intro to quantum computing" in soon
    assert "Deep Tech Training" in soon
    assert "Cancelled talk" not in html


def test_a_session_is_live_now_from_its_first_second_to_its_last(client, edition, clock):
    starts = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    SessionFactory(
        edition=edition,
        title="Fintech at dawn",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )

    def live_section():
        html = get_home(client)
        return (
            html[html.index('id="live-title"') : html.index('id="soon-title"')]
            if ('id="live-title"' in html)
            else ""
        )

    clock.move_to(starts - timedelta(seconds=1))
    before = "Fintech at dawn" in live_section()
    clock.move_to(starts)
    at_start = "Fintech at dawn" in live_section()
    clock.move_to(starts + timedelta(minutes=59, seconds=59))
    last_second = "Fintech at dawn" in live_section()
    clock.move_to(starts + timedelta(hours=1))
    at_end = "Fintech at dawn" in live_section()

    assert (before, at_start, last_second, at_end) == (False, True, True, False)


def test_home_says_which_day_of_a_live_expo_it_is(client, edition):
    now = timezone.now()
    edition.starts_at, edition.ends_at = now - timedelta(days=2), now + timedelta(days=4)
    edition.save()

    html = get_home(client)

    assert "Live now, day 3 of 7" in html
    assert f'<h1 id="expo-title">{escape(edition.name)}</h1>' in html


def test_home_says_when_an_upcoming_expo_opens(client, edition):
    now = timezone.now()
    edition.starts_at, edition.ends_at = now + timedelta(days=5), now + timedelta(days=35)
    edition.save()

    html = get_home(client)

    assert "Opens on" in html
    assert f'datetime="{edition.starts_at.isoformat()}"' in html
    assert "Live now" not in html  # no status pill, and no empty "Live now" section


def test_home_says_when_the_expo_has_ended(client, edition):
    now = timezone.now()
    edition.starts_at, edition.ends_at = now - timedelta(days=35), now - timedelta(days=5)
    edition.save()

    assert "Ended" in get_home(client)


def test_home_with_no_edition_tells_the_organiser_what_to_do(client):
    assert not ExpoEdition.objects.exists()

    html = get_home(client)

    assert "The expo is being set up" in html
    assert "seed_demo" in html
    assert reverse("admin:index") in html


def test_home_with_an_edition_but_no_jobs_or_sessions_has_empty_states(client, edition):
    html = get_home(client)

    assert figures_shown(html) == {
        "fig-companies": "0",
        "fig-jobs": "0",
        "fig-innohk": "0",
        "fig-innopark": "0",
    }
    assert "No open jobs yet" in html
    assert "Nothing is live right now" in html
    assert "No upcoming sessions" in html


def test_anonymous_visitor_is_invited_to_sign_up(client, expo):
    html = get_home(client)

    assert "Create your free account" in html
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html
    assert 'data-user-authenticated="0"' in html
    assert reverse("account_logout") not in html


def test_signed_in_talent_sees_their_name_and_a_sign_out_form(client, expo, talent):
    client.force_login(talent)

    html = get_home(client)

    assert "Welcome back, Tess" in html
    assert "Create your free account" not in html
    assert 'data-user-authenticated="1"' in html
    logout = re.escape(reverse("account_logout"))
    assert re.search(
        rf'<form action="{logout}" method="post">\s*<input type="hidden" name="csrfmiddlewaretoken',
        html,
    )
    assert reverse("admin:index") not in html


def test_organiser_gets_a_link_to_the_admin(client, expo, organiser):
    client.force_login(organiser)

    assert f'href="{reverse("admin:index")}"' in get_home(client)


def test_user_content_is_escaped(client, edition, talent):
    edition.name = "Expo <b>bold</b>"
    edition.tagline = "<script>alert(1)</script>"
    edition.save()
    SessionFactory(
        edition=edition,
        title="<img src=x onerror=alert(2)>",
        starts_at=timezone.now() - timedelta(minutes=5),
    )
    talent.full_name = "<i>Tess</i>"
    talent.save()
    client.force_login(talent)

    html = get_home(client)

    assert "<b>bold</b>" not in html and "Expo &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<i>Tess</i>" not in html


# --- The base template --------------------------------------------------------------------


def test_base_template_has_landmarks_skip_link_and_live_region(client, expo):
    html = get_home(client)

    assert '<html lang="en"' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert re.search(r'id="toasts"[^>]*aria-live="polite"', html, re.S)
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]+\"\}'", html)


def test_language_switcher_posts_to_set_language_with_every_language(client, expo):
    html = get_home(client)

    form = html[html.index(f'action="{reverse("set_language")}"') :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert re.findall(r'name="language" value="([a-z-]+)"', form) == ["en", "zh-hant", "zh-hans"]
    assert "繁體中文" in form and "简体中文" in form


def test_page_language_follows_the_visitors_choice(client, expo):
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302

    assert '<html lang="zh-hant"' in get_home(client)


def test_vendored_assets_are_served_locally_with_no_cdn(client, expo):
    html = get_home(client)

    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in html
    assert "/static/js/expo.js" in html
    external = re.findall(r'(?:src|href)="(https?:)?//', html)
    assert external == []


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_keep_a_strict_content_security_policy_possible(client, expo, talent, signed_in):
    if signed_in:
        client.force_login(talent)
    urls = [reverse("home")]
    if not signed_in:
        urls += [
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("account_email_verification_sent"),
        ]
    else:
        urls += [reverse("account_change_password"), reverse("account_logout")]

    for url in urls:
        html = client.get(url).content.decode()
        assert INLINE_SCRIPT.findall(html) == [], url
        assert EVENT_HANDLER.findall(html) == [], url
        assert STYLE_ATTRIBUTE.findall(html) == [], url
        assert "<style" not in html, url


def test_home_query_count_is_bounded_and_does_not_grow_with_the_data(client, expo, talent):
    def queries_for_home():
        cache.clear()  # worst case: the key figures are computed in the request
        with CaptureQueriesContext(connection) as ctx:
            get_home(client)
        return len(ctx.captured_queries)

    client.force_login(talent)
    few = queries_for_home()

    company = expo.booths.first().company
    track = TrackFactory(edition=expo, name="Upskilling Series (Fintech)", slug="fintech")
    now = timezone.now()
    for i in range(30):
        JobFactory(
            edition=expo,
            company=company,
            sector=SectorFactory(name=f"Sector {i}", slug=f"sector-{i}"),
        )
    for i in range(6):
        SessionFactory(
            edition=expo,
            track=track,
            host_booth=expo.booths.first(),
            starts_at=now - timedelta(minutes=i + 1),
            ends_at=now + timedelta(hours=1),
        )
        SessionFactory(
            edition=expo,
            track=track,
            host_booth=expo.booths.first(),
            starts_at=now + timedelta(hours=i + 1),
            ends_at=now + timedelta(hours=i + 2),
        )
    many = queries_for_home()

    assert many == few


def test_home_query_count_stays_small(client, expo, talent, django_assert_max_num_queries):
    client.force_login(talent)
    cache.clear()
    with django_assert_max_num_queries(10):
        get_home(client)


# --- The brand stylesheet ------------------------------------------------------------------


def test_brand_css_serves_the_editions_colours_as_custom_properties(client, edition):
    edition.primary_colour, edition.accent_colour = "#123456", "#ABCDEF"
    edition.save()

    response = client.get(reverse("brand_css"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=300" in response["Cache-Control"]
    css = response.content.decode()
    assert css.startswith(":root{") and css.rstrip().endswith("}")
    assert "--expo-primary:#123456;" in css
    assert "--bs-primary:#123456;" in css
    assert "--bs-primary-rgb:18,52,86;" in css
    assert "--expo-accent:#abcdef;" in css
    assert response["ETag"]


def test_brand_css_changes_when_the_organiser_changes_the_colours(client, edition):
    first = client.get(reverse("brand_css"))
    html_before = get_home(client)

    edition.primary_colour = "#7a1f5c"
    edition.save()
    second = client.get(reverse("brand_css"))

    assert "--expo-primary:#0b5cad;" in first.content.decode()
    assert "--expo-primary:#7a1f5c;" in second.content.decode()
    assert first["ETag"] != second["ETag"]
    # The link in every page carries a version, so browsers fetch the new colours at once.
    link = re.compile(r'href="(/brand\.css\?v=[^"]+)"')
    assert link.search(html_before).group(1) != link.search(get_home(client)).group(1)


def test_brand_css_answers_not_modified_to_a_matching_etag(client, edition):
    etag = client.get(reverse("brand_css"))["ETag"]

    response = client.get(reverse("brand_css"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_brand_css_keeps_text_readable_on_a_light_brand_colour(client, edition):
    edition.primary_colour, edition.accent_colour = "#ffd400", "#00a19a"
    edition.save()

    css = client.get(reverse("brand_css")).content.decode()

    assert "--expo-on-primary:#111827;" in css  # dark text on a yellow button
    text = re.search(r"--expo-primary-text:(#[0-9a-f]{6});", css).group(1)
    assert text != "#ffd400"  # darkened until it reads on white
    assert "--expo-accent-text:#007974;" in css  # the default teal is too light for text


def test_brand_css_without_an_edition_serves_the_default_colours(client):
    css = client.get(reverse("brand_css")).content.decode()

    assert "--expo-primary:#0b5cad;" in css and "--expo-accent:#00a19a;" in css
