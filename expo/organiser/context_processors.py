from django.utils import timezone

from .announcements.models import AnnouncementDelivery


def announcement_banner(request):
    """The newest active banner of an announcement this user received, or None."""
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


def announcements(request):
    """The organiser's banner, looked up only when a template shows it."""
    return {"announcement_banner": lambda: announcement_banner(request)}
