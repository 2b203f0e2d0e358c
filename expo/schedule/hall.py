"""What the schedule adds to a booth's page (registered in ScheduleConfig.ready(), see
booths/extensions.py)."""

from django.utils import timezone

from .models import Session


def booth_sessions(request, booth) -> dict:
    """The booth's next presentations."""
    sessions = Session.objects.filter(
        host_booth=booth, ends_at__gt=timezone.now(), is_cancelled=False
    ).order_by("starts_at")[:6]
    return {"sessions": list(sessions)}


def booth_meetings(request, booth) -> dict:
    """Free 1:1 times to book (the next two weeks, by Hong Kong day) and the visitor's own
    coming booking at this booth."""
    from booths.access import is_company_staff

    from .meetings import by_day, coming_chat_booking, decorate_bookings, free_slots

    now = timezone.now()
    user = request.user
    staff = is_company_staff(user, booth.company_id)  # the page has looked it up already
    mine = coming_chat_booking(user, booth, now) if user.is_authenticated and not staff else None
    if mine is not None:
        decorate_bookings([mine], now)
    days = [] if staff or mine else by_day(free_slots(booth, now), booth.edition.tz)
    return {
        "meeting_days": days,
        "meeting_days_html": _meeting_days_html(request, days) if days else "",
        "my_booking": mine,
        "staffs_booth": staff,
    }


def _meeting_days_html(request, days):
    """The free times' buttons, rendered once per list of slots (their ids, times and
    recruiters are the key: a booking, a cancellation or a new slot makes another list),
    language, time zone and sign-in state; the visitor's CSRF token is filled in per request.
    A booth with a week of afternoons shows 25 of them: most of a booth page's template time."""
    from django.utils.safestring import mark_safe

    from expo.lib import fragments

    signature = [
        (slot.pk, slot.starts_at.isoformat(), slot.minutes, slot.recruiter.get_short_name())
        for _day, slots in days
        for slot in slots
    ]
    key = fragments.key(
        "meeting-days", (), request.user.is_authenticated, *signature, request=request
    )
    html = fragments.get_or_render(
        key,
        lambda: fragments.render_plain(
            "expo/schedule/_meeting_days.html",
            request,
            {"meeting_days": days, **fragments.VISITOR_SLOTS},
        ),
    )
    return mark_safe(fragments.fill_visitor_slots(html, request))  # noqa: S308


def register():
    from booths import extensions

    extensions.BOOTH_PAGE_PARTS["sessions"] = booth_sessions
    extensions.BOOTH_VISITOR_PARTS["meetings"] = booth_meetings
