"""Who is at a booth right now: staff online and visitors present.

Presence is a heartbeat with expiry in the cache (Redis in production, local memory when
embedded): a browser closed without a goodbye simply stops beating and drops out after
PRESENCE_TTL seconds. Each heartbeat is one key per (booth, person) so that concurrent
processes never overwrite each other; reads use one get_many per page.
"""

import time

from django.core.cache import cache

HEARTBEAT_SECONDS = 25
PRESENCE_TTL = 70


def _staff_key(booth_id, user_id):
    return f"presence:staff:{booth_id}:{user_id}"


def staff_heartbeat(booth_id: int, user_id: int) -> None:
    """A staff member's console or booth page is open and connected."""
    cache.set(_staff_key(booth_id, user_id), int(time.time()), PRESENCE_TTL)
    _mark_staffed(booth_id, time.time() + PRESENCE_TTL)


def staff_left(booth_id: int, user_id: int) -> None:
    cache.delete(_staff_key(booth_id, user_id))
    from booths.models import Booth

    booth = Booth.objects.filter(pk=booth_id).only("pk", "company_id").first()
    if booth is None or not online_staff(staff_by_booth([booth]))[booth_id]:
        _unmark_staffed(booth_id)


# --- The set of staffed booths ---------------------------------------------------------------
# The hall's "recruiters online now" filter asks which of thousands of booths are staffed: one
# sorted set (member: booth id, score: when its newest staff heartbeat expires) answers in one
# round trip when the cache is Redis; a process-local dict stands in otherwise.
_STAFFED_KEY = "presence:staffed-booths"
_local_staffed: dict[int, float] = {}


def _staffed_client():
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None, None
    key = cache.make_and_validate_key(_STAFFED_KEY)
    return backend.get_client(key, write=True), key


def _mark_staffed(booth_id, expires):
    client, key = _staffed_client()
    if client is None:
        _local_staffed[booth_id] = max(expires, _local_staffed.get(booth_id, 0))
        return
    client.zadd(key, {str(booth_id): expires}, gt=True)


def _unmark_staffed(booth_id):
    client, key = _staffed_client()
    if client is None:
        _local_staffed.pop(booth_id, None)
        return
    client.zrem(key, str(booth_id))


def all_staffed_booth_ids() -> set[int]:
    """Every booth with a staff heartbeat that has not expired, in one round trip."""
    now = time.time()
    client, key = _staffed_client()
    if client is None:
        return {booth_id for booth_id, expires in _local_staffed.items() if expires > now}
    pipe = client.pipeline()
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zrangebyscore(key, now, "+inf")
    return {int(member) for member in pipe.execute()[1]}


def online_staff(staff_by_booth: dict[int, list[int]]) -> dict[int, list[int]]:
    """For each booth, which of its staff (user ids) are online now. One cache round trip."""
    keys = {
        _staff_key(booth_id, user_id): (booth_id, user_id)
        for booth_id, user_ids in staff_by_booth.items()
        for user_id in user_ids
    }
    found = cache.get_many(list(keys)) if keys else {}
    online = {booth_id: [] for booth_id in staff_by_booth}
    for key in found:
        booth_id, user_id = keys[key]
        online[booth_id].append(user_id)
    return online


def staff_by_booth(booths) -> dict[int, list[int]]:
    """Staff user ids of each booth's company, in one query (booths: Booth objects)."""
    from booths.models import Membership

    company_to_booths = {}
    for booth in booths:
        company_to_booths.setdefault(booth.company_id, []).append(booth.pk)
    result = {booth.pk: [] for booth in booths}
    memberships = Membership.objects.filter(company_id__in=company_to_booths).values_list(
        "company_id", "user_id"
    )
    for company_id, user_id in memberships:
        for booth_id in company_to_booths[company_id]:
            result[booth_id].append(user_id)
    return result


def staffed_booth_ids(booths) -> set[int]:
    """Ids of the booths (of those given) with at least one staff member online now."""
    return all_staffed_booth_ids() & {booth.pk for booth in booths}


# --- Visitors at a booth -----------------------------------------------------------------
# One sorted set per booth (member: visitor key, score: expiry time) when the cache is Redis,
# so any process can count the live visitors in one round trip; a process-local dict otherwise.
_local_visitors: dict[int, dict[str, float]] = {}


def _visitors_client(booth_id):
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None, None
    key = cache.make_and_validate_key(f"presence:visitors:{booth_id}")
    return backend.get_client(key, write=True), key


def visitor_heartbeat(booth_id: int, visitor: str) -> None:
    """A visitor (user id or an anonymous socket's token) has the booth open."""
    expires = time.time() + PRESENCE_TTL
    client, key = _visitors_client(booth_id)
    if client is None:
        _local_visitors.setdefault(booth_id, {})[visitor] = expires
        return
    pipe = client.pipeline()
    pipe.zadd(key, {visitor: expires})
    pipe.expire(key, PRESENCE_TTL * 2)
    pipe.execute()


def visitor_left(booth_id: int, visitor: str) -> None:
    client, key = _visitors_client(booth_id)
    if client is None:
        _local_visitors.get(booth_id, {}).pop(visitor, None)
        return
    client.zrem(key, visitor)


def visitor_count(booth_id: int) -> int:
    """Visitors whose heartbeat has not expired: a closed browser drops out on its own."""
    now = time.time()
    client, key = _visitors_client(booth_id)
    if client is None:
        visitors = _local_visitors.get(booth_id, {})
        for name in [name for name, expires in visitors.items() if expires < now]:
            del visitors[name]
        return len(visitors)
    pipe = client.pipeline()
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zcard(key)
    return pipe.execute()[1]
