"""What the schedule adds to the accounts app (registered in ScheduleConfig.ready()): the
talent's coming registrations and certificates on the dashboard."""

from django.utils import timezone

from .models import Booking, Certificate


def dashboard_part(request) -> dict:
    registrations = (
        request.user.registrations.filter(session__ends_at__gt=timezone.now())
        .exclude(status="cancelled")
        .select_related("session")
        .order_by("session__starts_at")[:10]
    )
    bookings = (
        request.user.bookings.filter(status=Booking.Status.BOOKED, slot__ends_at__gt=timezone.now())
        .select_related("slot", "booth__company")
        .order_by("slot__starts_at")[:10]
    )
    return {
        "registrations": list(registrations),
        "bookings": list(bookings),
        "certificates": list(Certificate.objects.for_user(request.user)),
    }


def register():
    from accounts import extensions

    extensions.DASHBOARD_PARTS["schedule"] = dashboard_part
