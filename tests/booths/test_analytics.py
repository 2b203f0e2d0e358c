"""Booth analytics: visits and unique visitors per day, bookmarks, an SVG chart and a CSV."""

import datetime as dt

import pytest

from booths.services import expo_today, record_visit
from tests.factories import BookmarkFactory

pytestmark = pytest.mark.django_db


def test_analytics_count_visits_unique_visitors_and_bookmarks(client, recruiter, booth_a):
    today = expo_today(booth_a.edition)
    yesterday = today - dt.timedelta(days=1)
    for key, day in [("a", today), ("a", today), ("b", today), ("a", yesterday)]:
        record_visit(booth_a, key, day=day)
    BookmarkFactory(booth=booth_a)
    client.force_login(recruiter)

    response = client.get("/console/analytics/", {"days": 7})

    stats = response.context["stats"]
    assert stats["rows"][-1] == {"day": today, "visits": 3, "visitors": 2, "bookmarks": 1}
    assert stats["rows"][-2] == {"day": yesterday, "visits": 1, "visitors": 1, "bookmarks": 0}
    assert (stats["total_visits"], stats["unique_visitors"], stats["bookmarks"]) == (4, 2, 1)
    content = response.content.decode()
    assert "<svg" in content and "<rect" in content
    assert "style=" not in content


def test_the_csv_download_has_one_row_per_day(client, recruiter, booth_a):
    today = expo_today(booth_a.edition)
    record_visit(booth_a, "a", day=today)
    client.force_login(recruiter)

    response = client.get("/console/analytics.csv", {"days": 7})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    lines = response.content.decode().splitlines()
    assert lines[0] == "Day,Visits,Unique visitors,New bookmarks"
    assert len(lines) == 8
    assert lines[-1] == f"{today.isoformat()},1,1,0"


def test_a_bad_days_parameter_falls_back_to_the_default(client, recruiter, booth_a):
    client.force_login(recruiter)

    response = client.get("/console/analytics/", {"days": "lots"})

    assert response.status_code == 200
    assert response.context["days"] == 14


def test_analytics_are_scoped_to_the_staffs_own_company(
    client, outsider_recruiter, booth_a, booth_b
):
    record_visit(booth_a, "a")
    client.force_login(outsider_recruiter)

    response = client.get("/console/analytics/")

    assert response.context["booth"] == booth_b
    assert response.context["stats"]["total_visits"] == 0
