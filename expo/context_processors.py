from .models import ExpoEdition


def current_edition(request):
    """The edition the site shows, looked up once per request."""
    if not hasattr(request, "_expo_edition"):
        request._expo_edition = ExpoEdition.objects.current()
    return request._expo_edition


def announcement_banner(request):
    """The newest active banner of an announcement this user received, or None."""
    from django.utils import timezone

    from .announcements.models import AnnouncementDelivery

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    delivery = (
        AnnouncementDelivery.objects.filter(
            user=user,
            sent_at__isnull=False,
            announcement__banner_until__gt=timezone.now(),
        )
        .exclude(announcement__banner_text="")
        .select_related("announcement")
        .order_by("-announcement__sent_at", "-pk")
        .first()
    )
    return delivery.announcement if delivery else None


def expo(request):
    """The current edition (name, dates, brand colours), the visitor's time zone and the
    organiser's banner (looked up only when a template shows it)."""
    return {
        "expo": current_edition(request),
        "visitor_tz": getattr(request, "visitor_tz", None),
        "announcement_banner": lambda: announcement_banner(request),
    }
