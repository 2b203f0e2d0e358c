"""The organiser's key-figures dashboard: the published figures plus live activity.

Aggregate queries only (a fixed number whatever the volume), cached briefly."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from expo.models import Track
from expo.schedule.models import Registration
from jobs.models import Application

from .figures import busiest_sectors, key_figures

ACTIVITY_DAYS = 14


def _days(now, count):
    today = timezone.localdate(now)
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def applications_per_day(edition, now):
    days = _days(now, ACTIVITY_DAYS)
    rows = (
        Application.objects.filter(job__edition=edition, created_at__date__gte=days[0])
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    counts = {row["day"]: row["n"] for row in rows}
    return [(day, counts.get(day, 0)) for day in days]


def registrations_per_track(edition):
    return list(
        Track.objects.filter(edition=edition)
        .annotate(
            registered=Count(
                "sessions__registrations",
                filter=Q(sessions__registrations__status=Registration.Status.REGISTERED),
            )
        )
        .values_list("name", "registered")
        .order_by("position", "name")
    )


def activity(edition, now=None) -> dict:
    now = now or timezone.now()
    from booths.models import BoothVisit

    today = timezone.localdate(now)
    visits = BoothVisit.objects.filter(booth__edition=edition, day=today).aggregate(
        visitors=Count("visitor_key", distinct=True), views=Count("id")
    )
    figures = {
        "visitors_today": visits["visitors"],
        "applications_today": Application.objects.filter(
            job__edition=edition, created_at__date=today
        ).count(),
        "applications_per_day": applications_per_day(edition, now),
        "registrations_per_track": registrations_per_track(edition),
    }
    figures.update(chat_activity(edition))
    return figures


def chat_activity(edition) -> dict:
    """Chats waiting and in progress (live chat's queue and conversations)."""
    from chat.models import Conversation, QueueEntry

    return {
        "chats_waiting": QueueEntry.objects.filter(booth__edition=edition).waiting().count(),
        "chats_active": Conversation.objects.filter(
            booth__edition=edition, status=Conversation.Status.OPEN
        ).count(),
    }


def dashboard(edition, refresh=False) -> dict:
    key = f"admin-dashboard:{edition.pk}"
    data = None if refresh else cache.get(key)
    if data is None:
        data = {
            "figures": key_figures(edition),
            "sectors": [(s.name, s.open_jobs) for s in busiest_sectors(edition, limit=8)],
            "activity": activity(edition),
            "computed_at": timezone.now(),
        }
        cache.set(key, data, min(30, settings.KEY_FIGURES_CACHE_SECONDS))
    return data
