"""Fragments that are the same for everyone come from the cache (expo/fragments.py): a change
shows at once, every visitor still sees their own state around them, and the cache really is
used (a second visit renders less)."""

import re

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from chat.actions.queue import do_join_queue
from expo.lib import fragments
from tests.factories import BookmarkFactory, JobFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

HALL = "/booths/"


def card(html, booth):
    start = html.index(f'data-chat-booth-summary="{booth.pk}"')
    return html[start : html.index("</article>", start)]


def test_a_second_visitor_of_the_hall_costs_no_query(client, edition, booth_a, booth_b):
    from django.db import connection

    client.get(HALL)  # the first visitor renders and caches the cards and the listing

    with CaptureQueriesContext(connection) as queries:
        html = client.get(HALL).content.decode()

    assert len(queries) == 0
    assert "Company A" in html and "Company B" in html


def test_an_edited_tagline_shows_on_the_hall_and_the_booth_page_at_once(client, edition, booth_a):
    client.get(HALL)
    client.get(f"/booths/{booth_a.company.slug}/")

    booth_a.tagline = "Robots for every lab"
    booth_a.save()

    assert "Robots for every lab" in card(client.get(HALL).content.decode(), booth_a)
    assert "Robots for every lab" in client.get(f"/booths/{booth_a.company.slug}/").content.decode()


def test_a_change_committed_after_a_page_was_cached_still_shows(client, edition, booth_a):
    """A page rendered between the change and its commit (from the old rows) must not outlive
    the commit: the version is bumped again after it."""
    with transaction.atomic():
        booth_a.tagline = "Committed later"
        booth_a.save()
        old = fragments.versions()["booths"]
    # (in this test the outer transaction never commits; run the on-commit bump by hand)
    fragments.bump("booths")

    assert fragments.versions()["booths"] != old
    assert "Committed later" in card(client.get(HALL).content.decode(), booth_a)


def test_each_visitor_sees_their_own_bookmark_and_their_own_form_on_a_shared_card(
    client, edition, booth_a
):
    fan, other = UserFactory(), UserFactory()
    BookmarkFactory(user=fan, booth=booth_a)

    client.force_login(fan)
    mine = card(client.get(HALL, {"programme": ""}).content.decode(), booth_a)
    client.force_login(other)
    theirs = card(client.get(HALL).content.decode(), booth_a)
    client.logout()
    anonymous = card(client.get(HALL).content.decode(), booth_a)

    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs
    assert 'value="/booths/?programme="' in mine and 'value="/booths/"' in theirs
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{64}"', theirs)
    assert "bookmark" not in anonymous.lower()


def test_the_live_counts_on_a_cached_card_follow_the_queue(client, edition, booth_a, talent):
    client.get(HALL)

    do_join_queue(talent, booth_a.pk)

    assert "1 waiting" in card(client.get(HALL).content.decode(), booth_a)


def test_a_renamed_session_shows_on_the_schedule_at_once(client, edition):
    session = SessionFactory(edition=edition, title="Intro to robotics")
    assert "Intro to robotics" in client.get("/schedule/").content.decode()

    session.title = "Robotics, the sequel"
    session.save()

    page = client.get("/schedule/").content.decode()
    assert "Robotics, the sequel" in page and "Intro to robotics" not in page


def test_an_edited_job_shows_in_the_search_results_at_once(client, edition, company_a):
    job = JobFactory(edition=edition, company=company_a, title="Data Engineer")
    assert "Data Engineer" in client.get("/jobs/").content.decode()

    job.title = "Senior Data Engineer"
    job.save()

    assert "Senior Data Engineer" in client.get("/jobs/").content.decode()


def test_fragments_are_kept_per_language(client, edition, booth_a):
    english = client.get(HALL, headers={"accept-language": "en"}).content.decode()
    chinese = client.get(HALL, headers={"accept-language": "zh-hant"}).content.decode()

    assert "0 open jobs" in card(english, booth_a)
    assert "0 open jobs" not in card(chinese, booth_a)
