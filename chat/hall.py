"""What chat adds to the exhibition hall (registered in ChatConfig.ready(), see
booths/extensions.py): how many talent wait in each booth's queue."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from .models import QueueEntry


def waiting_key(booth_id):
    return f"chat:waiting:{booth_id}"


def waiting_counts(booths) -> None:
    """Sets booth.waiting_count on a page of booths: one cache round trip, and one query for
    the booths whose count is not cached. A count is kept QUEUE_COUNT_CACHE_SECONDS at most
    and dropped when the booth's queue changes (chat/signals.py); the booth's own page shows
    its queue exactly, over its socket."""
    keys = {waiting_key(booth.pk): booth.pk for booth in booths}
    found = cache.get_many(list(keys)) if keys else {}
    waiting = {pk: found[key] for key, pk in keys.items() if key in found}
    missing = [pk for pk in keys.values() if pk not in waiting]
    if missing:
        counted = dict(
            QueueEntry.objects.waiting()
            .filter(booth__in=missing)
            .values("booth")
            .annotate(n=Count("pk"))
            .values_list("booth", "n")
        )
        fresh = {pk: counted.get(pk, 0) for pk in missing}
        cache.set_many(
            {waiting_key(pk): n for pk, n in fresh.items()}, settings.QUEUE_COUNT_CACHE_SECONDS
        )
        waiting.update(fresh)
    for booth in booths:
        booth.waiting_count = waiting.get(booth.pk, 0)


def register():
    from booths import extensions

    extensions.HALL_DECORATORS["waiting"] = waiting_counts
