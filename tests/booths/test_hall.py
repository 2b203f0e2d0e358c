"""The exhibition hall: approved booths of the current expo, filters in the URL, htmx partial
updates, pagination, and a query count that does not grow with the number of booths."""

import re

import pytest
from django.urls import reverse

from booths.models import Booth
from booths.presence import staff_heartbeat
from tests.factories import (
    BookmarkFactory,
    BoothFactory,
    CompanyFactory,
    JobFactory,
    MembershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

HALL = "/booths/"


def names(response):
    """The companies on the hall's cards, in order (the cards come from the cache, so the
    page's HTML is what tells)."""
    return re.findall(r'class="booth-card-title"><a[^>]*>([^<]*)</a>', response.content.decode())


def test_the_hall_lists_only_approved_booths_of_the_current_expo(client, edition, booth_a):
    BoothFactory(edition=edition, status=Booth.Status.DRAFT, company__name="Drafty")
    BoothFactory(edition=edition, status=Booth.Status.SUBMITTED, company__name="Waiting")
    BoothFactory(company__name="Other expo")  # another edition

    response = client.get(HALL)

    assert response.status_code == 200
    assert names(response) == ["Company A"]


def test_featured_booths_come_first(client, edition):
    BoothFactory(edition=edition, company__name="Alpha")
    BoothFactory(edition=edition, company__name="Zeta", is_featured=True)

    assert names(client.get(HALL)) == ["Zeta", "Alpha"]


def test_filters_combine_and_keep_their_state_in_the_url(client, edition):
    ai = SectorFactory(name="AI", slug="ai")
    bio = SectorFactory(name="Bio", slug="bio")
    BoothFactory(edition=edition, company=CompanyFactory(name="AI HK", sector=ai))
    BoothFactory(
        edition=edition,
        company=CompanyFactory(name="AI Abroad", sector=ai, has_gba_or_overseas_office=True),
    )
    BoothFactory(
        edition=edition,
        company=CompanyFactory(name="Bio Abroad", sector=bio, has_gba_or_overseas_office=True),
    )

    response = client.get(HALL, {"sector": "ai", "offices_abroad": "on"})

    assert names(response) == ["AI Abroad"]
    content = response.content.decode()
    assert '<option value="ai" selected>' in content
    assert re.search(r'<input type="checkbox" name="offices_abroad"[^>]* checked', content)


def test_programme_and_text_search_filter_the_hall(client, edition):
    BoothFactory(edition=edition, company__name="Robo Park", company__programme="innopark")
    BoothFactory(
        edition=edition,
        company__name="Gene Lab",
        company__programme="innohk",
        description="We sequence genomes.",
    )

    assert names(client.get(HALL, {"programme": "innopark"})) == ["Robo Park"]
    assert names(client.get(HALL, {"q": "GENOMES"})) == ["Gene Lab"]
    assert names(client.get(HALL, {"q": "robo", "programme": "innohk"})) == []


def test_hiring_abroad_keeps_booths_with_an_open_job_for_gba_or_overseas_talent(client, edition):
    local = BoothFactory(edition=edition, company__name="Local only")
    abroad = BoothFactory(edition=edition, company__name="Hires abroad")
    closed = BoothFactory(edition=edition, company__name="Closed abroad job")
    JobFactory(edition=edition, company=local.company)
    JobFactory(edition=edition, company=abroad.company, open_to_gba=True)
    JobFactory(edition=edition, company=closed.company, open_to_overseas=True, status="closed")

    assert names(client.get(HALL, {"hiring_abroad": "on"})) == ["Hires abroad"]


def test_staffed_now_keeps_booths_with_a_recruiter_online(
    client, edition, booth_a, booth_b, recruiter, outsider_recruiter
):
    staff_heartbeat(booth_b.pk, outsider_recruiter.pk)

    response = client.get(HALL, {"staffed": "on"})

    assert names(response) == ["Company B"]
    assert "1 recruiter online" in response.content.decode()


def test_an_unknown_hall_is_reported_and_the_other_filters_still_apply(client, edition, booth_a):
    response = client.get(HALL, {"sector": "no-such-hall", "q": "Company"})

    assert response.status_code == 200
    assert names(response) == ["Company A"]
    assert "Select a valid choice" in response.content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(client, edition, booth_a):
    response = client.get(HALL, {"q": "Company"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="hall-count"' in content
    assert "HX-Request" in response["Vary"]


def test_the_hall_is_paginated_and_page_links_keep_the_filters(client, edition):
    for i in range(30):
        BoothFactory(edition=edition, company__name=f"Firm {i:02}", company__programme="innohk")

    first = client.get(HALL, {"programme": "innohk"})
    second = client.get(HALL, {"programme": "innohk", "page": 2})

    assert len(names(first)) == 24
    assert len(names(second)) == 6
    assert "?programme=innohk&amp;page=2" in first.content.decode()


def test_open_job_counts_and_bookmarks_show_on_the_cards(client, edition, booth_a, talent):
    JobFactory.create_batch(3, edition=edition, company=booth_a.company)
    BookmarkFactory(user=talent, booth=booth_a)
    client.force_login(talent)

    response = client.get(HALL)

    [card] = response.context["cards"]
    assert "3 open jobs" in card
    assert 'aria-pressed="true"' in card and "Bookmarked" in card


def _fill_hall(edition, count):
    for i in range(count):
        booth = BoothFactory(edition=edition, company__name=f"Firm {i:03}")
        JobFactory.create_batch(2, edition=edition, company=booth.company)
        MembershipFactory(company=booth.company)


def _count_queries(client, params=None):
    """Queries of a hall page with nothing in the cache (the most it ever runs)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HALL, params).status_code == 200
    return len(queries)


def test_the_hall_runs_a_fixed_number_of_queries(
    client, edition, talent, django_assert_max_num_queries
):
    client.force_login(talent)
    _fill_hall(edition, 1)
    BookmarkFactory(user=talent, booth=Booth.objects.first())
    one = _count_queries(client)
    _fill_hall(edition, 40)

    # With nothing cached: session, user, edition, sectors, count, page, staff of the page,
    # the cards' booths, their queues, bookmarks of the page, plus what the site's header
    # needs for a signed-in user
    with django_assert_max_num_queries(11):
        many = _count_queries(client)
    assert many == one


def test_the_staffed_filter_runs_a_fixed_number_of_queries(
    client, edition, django_assert_max_num_queries
):
    params = {"staffed": "on", "q": "Firm"}
    _fill_hall(edition, 1)
    one = _count_queries(client, params)
    _fill_hall(edition, 40)

    # edition, sectors, candidates, their staff, count, page, staff of the page
    with django_assert_max_num_queries(7):
        many = _count_queries(client, params)
    assert many == one


def test_the_hall_url_is_booths(edition):
    assert reverse("booths:hall") == HALL
