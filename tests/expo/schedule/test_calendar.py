"""Calendar files: one .ics per session, and a personal feed behind a secret token."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from expo.schedule.models import CalendarFeed
from tests.factories import RegistrationFactory, SessionFactory, TrackFactory


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_a_session_ics_holds_one_event_with_its_times_in_utc(client, edition):
    track = TrackFactory(edition=edition, name="Upskilling Series (Fintech)")
    starts = timezone.now().replace(microsecond=0) + timedelta(days=1)
    session = SessionFactory(
        edition=edition,
        track=track,
        title="Payments 101",
        speakers="Ms. Lee",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    )

    calendar = parse(client.get(reverse("expo:session_ics", args=[session.pk])))

    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Payments 101"
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + timedelta(minutes=90)
    assert str(event["uid"]).startswith(f"session-{session.pk}@")
    assert str(event["url"]).endswith(reverse("expo:session", args=[session.pk]))
    assert "Ms. Lee" in str(event["description"])
    assert str(calendar["version"]) == "2.0"


def test_a_calendar_description_is_plain_text_not_markdown(client, edition):
    session = SessionFactory(
        edition=edition,
        host_booth=None,
        speakers="",
        description=(
            "**Hands-on** session: bring a laptop.\n\n"
            "- Python 3.11\n- A [GitHub](https://github.com) account\n\n"
            "Questions: `#expo-help` & <b>more</b>"
        ),
    )

    calendar = parse(client.get(reverse("expo:session_ics", args=[session.pk])))

    description = str(calendar.walk("VEVENT")[0]["description"])
    url = description.rsplit("\n\n", 1)[-1]
    assert description == (
        "Hands-on session: bring a laptop.\n\n"
        "• Python 3.11\n• A GitHub (https://github.com) account\n\n"
        "Questions: #expo-help & more\n\n"
        f"{url}"
    )
    assert url.endswith(reverse("expo:session", args=[session.pk]))


def test_the_personal_feed_lists_only_registered_sessions(client, edition, talent):
    registered = SessionFactory(edition=edition, title="Going")
    waitlisted = SessionFactory(edition=edition, title="Waiting")
    SessionFactory(edition=edition, title="Other")
    RegistrationFactory(session=registered, user=talent)
    RegistrationFactory(session=waitlisted, user=talent, status="waitlisted")
    feed = CalendarFeed.objects.create(user=talent)

    calendar = parse(client.get(reverse("expo:calendar_feed", args=[feed.token])))

    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Going"]


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00", "' OR 1=1 --"])
def test_a_malformed_or_unknown_feed_token_is_a_404(client, db, token):
    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 404


def test_resetting_the_feed_address_retires_the_old_one(client, talent):
    client.force_login(talent)
    client.get(reverse("expo:my_schedule"))
    old = CalendarFeed.objects.get(user=talent).token

    client.post(reverse("expo:calendar_reset"))

    new = CalendarFeed.objects.get(user=talent).token
    assert new != old
    assert client.get(reverse("expo:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("expo:calendar_feed", args=[new])).status_code == 200


def test_my_schedule_shows_the_feed_address(client, talent):
    client.force_login(talent)

    response = client.get(reverse("expo:my_schedule"))

    token = CalendarFeed.objects.get(user=talent).token
    assert f"/calendar/{token}.ics" in response.content.decode()
