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


def register():
    from booths import extensions

    extensions.BOOTH_PAGE_PARTS["sessions"] = booth_sessions
