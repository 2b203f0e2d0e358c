"""iCalendar documents: one session, or a person's registered sessions as a subscribable feed."""

from django.utils import timezone
from icalendar import Calendar, Event

from booths.content import markdown_to_text
from expo.lib.urls import absolute_reverse, site_url

PRODID = "-//Virtual Career Expo//Schedule//EN"


def _uid(session) -> str:
    host = site_url().split("://", 1)[-1].split("/", 1)[0] or "expo"
    return f"session-{session.pk}@{host}"


def _event(session, now) -> Event:
    url = absolute_reverse("expo:session", args=[session.pk])
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    host = session.host_booth.company.name if session.host_booth_id else session.edition.organiser
    description = markdown_to_text(session.description)  # calendars show no Markdown
    lines = [line for line in (host, session.speakers, description) if line]
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    event.add("location", url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    if session.track_id:
        event.add("categories", [session.track.name])
    return event


def calendar_for(sessions, name: str) -> bytes:
    """An iCalendar document (RFC 5545) holding the given sessions; times in UTC."""
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for session in sessions:
        calendar.add_component(_event(session, now))
    return calendar.to_ical()
