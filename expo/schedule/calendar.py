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


# --- Booked 1:1 times and interviews -----------------------------------------------------------
def booking_title(booking, for_user) -> str:
    """What the meeting is called in the calendar of one side."""
    from django.utils.translation import gettext as _

    company = booking.booth.company.name
    if booking.talent_id == getattr(for_user, "pk", None):
        if booking.kind == "interview":
            return _("Interview with %(company)s: %(job)s") % {
                "company": company,
                "job": booking.application.job.title if booking.application_id else "",
            }
        return _("1:1 chat with %(company)s") % {"company": company}
    name = booking.talent.get_full_name()
    if booking.kind == "interview":
        return _("Interview with %(name)s") % {"name": name}
    return _("1:1 chat with %(name)s") % {"name": name}


def _booking_event(booking, for_user, cancelled, now) -> Event:
    talent_side = booking.talent_id == getattr(for_user, "pk", None)
    url = absolute_reverse("expo:my_schedule" if talent_side else "expo:agenda")
    host = site_url().split("://", 1)[-1].split("/", 1)[0] or "expo"
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", booking.slot.starts_at)
    event.add("dtend", booking.slot.ends_at)
    event.add("summary", booking_title(booking, for_user))
    other = booking.slot.recruiter if talent_side else booking.talent
    event.add("description", "\n\n".join([other.get_full_name(), url]))
    event.add("url", url)
    event.add("location", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    return event


def booking_calendar(booking, for_user, cancelled=False) -> bytes:
    """One booked time as seen by one side (their title and link), as an .ics to attach."""
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_booking_event(booking, for_user, cancelled, now))
    return calendar.to_ical()


def bookings_events(bookings, for_user):
    now = timezone.now()
    return [_booking_event(b, for_user, False, now) for b in bookings]
