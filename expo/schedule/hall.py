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
    return {
        "meeting_days": [] if staff else by_day(free_slots(booth, now), booth.edition.tz),
        "my_booking": mine,
        "staffs_booth": staff,
    }


def register():
    from booths import extensions

    extensions.BOOTH_PAGE_PARTS["sessions"] = booth_sessions
    extensions.BOOTH_VISITOR_PARTS["meetings"] = booth_meetings
