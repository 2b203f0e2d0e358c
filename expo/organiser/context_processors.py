from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .announcements.models import Announcement, AnnouncementDelivery

# When the last banner of any announcement ends (or "none"): every signed-in page asks, and most
# of the time no banner is active at all. Forgotten whenever an announcement changes; kept at
# most a minute otherwise.
BANNERS_END_KEY = "announcements:banners-end"
BANNERS_END_SECONDS = 60


def _banners_end():
    end = cache.get(BANNERS_END_KEY)
    if end is None:
        end = (
            Announcement.objects.exclude(banner_text="").aggregate(end=Max("banner_until"))["end"]
            or "none"
        )
        cache.set(BANNERS_END_KEY, end, BANNERS_END_SECONDS)
    return None if end == "none" else end


def forget_banners_end(**kwargs):
    cache.delete(BANNERS_END_KEY)
    transaction.on_commit(lambda: cache.delete(BANNERS_END_KEY))


def connect_signals():
    uid = "announcements:banners-end"
    post_save.connect(forget_banners_end, sender=Announcement, dispatch_uid=uid)
    post_delete.connect(forget_banners_end, sender=Announcement, dispatch_uid=uid)


def announcement_banner(request):
    """The newest active banner of an announcement this user received, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = timezone.now()
    end = _banners_end()
    if end is None or end <= now:
        return None
    delivery = (
        AnnouncementDelivery.objects.filter(
            user=user,
            sent_at__isnull=False,
            announcement__banner_until__gt=now,
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
