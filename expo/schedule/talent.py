"""What the schedule adds to the accounts app (registered in ScheduleConfig.ready()): the
talent's coming registrations and certificates on the dashboard."""

from django.utils import timezone

from .models import Certificate


def dashboard_part(request) -> dict:
    registrations = (
        request.user.registrations.filter(session__ends_at__gt=timezone.now())
        .exclude(status="cancelled")
        .select_related("session")
        .order_by("session__starts_at")[:10]
    )
    return {
        "registrations": list(registrations),
        "certificates": list(Certificate.objects.for_user(request.user)),
    }


def register():
    from accounts import extensions

    extensions.DASHBOARD_PARTS["schedule"] = dashboard_part
