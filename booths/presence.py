"""Who is at a booth right now: staff online (or idle, or on the console) and visitors present.

Presence is a heartbeat with expiry in the cache (Redis in production, local memory when
embedded): a browser closed without a goodbye simply stops beating and drops out after
PRESENCE_TTL seconds. Each socket beats under its own member name so that concurrent
processes, tabs and goodbyes never overwrite each other; reads are a pipeline per page.
"""

import time

from django.core.cache import cache

HEARTBEAT_SECONDS = 25
PRESENCE_TTL = 70
ANY_SOCKET = "-"

# --- Staff ------------------------------------------------------------------------------------
# A member of staff is online for their booth while any of their sockets beats (the console, a
# conversation, or the notification socket every page of the site opens) AND they were active
# within CHAT_IDLE_SECONDS (input in some tab, or the console visible). Beating but inactive is
# "idle": not counted as online, shown as such to the organiser. Who is on the console is
# tracked apart (talent waiting with nobody on the console alerts the team on any page).
#
# With Redis, one sorted set per booth and kind (member "<user>:<socket>", score: when that
# socket's heartbeat expires) lets any process read a booth's staff in one round trip without
# one socket's goodbye removing a colleague or the same person's other tab; one sorted set
# "presence:active" (member: user, score: active until) holds activity. Embedded mode keeps
# the same structures in process-local dicts.


def idle_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "CHAT_IDLE_SECONDS", 600))


class _LocalZsets:
    """The few sorted-set operations presence needs, in one process's memory."""

    def __init__(self):
        self.sets: dict[str, dict[str, float]] = {}

    def zadd(self, key, member, score, gt=False):
        members = self.sets.setdefault(key, {})
        if gt and members.get(member, float("-inf")) >= score:
            return
        members[member] = score

    def zrem(self, key, *members):
        for member in members:
            self.sets.get(key, {}).pop(member, None)

    def live(self, key, now):
        members = self.sets.get(key, {})
        for name in [name for name, score in members.items() if score <= now]:
            del members[name]
        return dict(members)


_local = _LocalZsets()


def _redis():
    """The Redis client behind Django's cache, or None (local memory: embedded mode)."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None
    return backend.get_client(cache.make_and_validate_key("presence"), write=True)


def _key(name):
    return cache.make_and_validate_key(name)


def _staff_set(booth_id):
    return f"presence:staff:{booth_id}"


def _console_set(booth_id):
    return f"presence:console:{booth_id}"


_ACTIVE_SET = "presence:active"


def staff_heartbeat(
    booth_id: int, user_id: int, socket: str = ANY_SOCKET, *, console=False, idle=0
) -> None:
    """One of a staff member's sockets is open. `idle`: seconds since their last input in that
    tab (0 when active now, or on a visible console); `console`: the socket is the console."""
    now = time.time()
    expires = now + PRESENCE_TTL
    member = f"{user_id}:{socket}"
    active_until = now - max(0, idle) + idle_seconds()
    client = _redis()
    if client is None:
        _local.zadd(_staff_set(booth_id), member, expires)
        if console:
            _local.zadd(_console_set(booth_id), member, expires)
        _local.zadd(_ACTIVE_SET, str(user_id), active_until, gt=True)
    else:
        pipe = client.pipeline()
        pipe.zadd(_key(_staff_set(booth_id)), {member: expires})
        pipe.expire(_key(_staff_set(booth_id)), PRESENCE_TTL * 2)
        if console:
            pipe.zadd(_key(_console_set(booth_id)), {member: expires})
            pipe.expire(_key(_console_set(booth_id)), PRESENCE_TTL * 2)
        pipe.zadd(_key(_ACTIVE_SET), {str(user_id): active_until}, gt=True)
        pipe.execute()
    if active_until > now:
        _mark_staffed(booth_id, min(expires, active_until))


def staff_left(booth_id: int, user_id: int, socket: str = ANY_SOCKET) -> None:
    """A socket closed: that socket (only) stops counting; the booth leaves the staffed set
    when nobody active remains."""
    member = f"{user_id}:{socket}"
    client = _redis()
    if client is None:
        _local.zrem(_staff_set(booth_id), member)
        _local.zrem(_console_set(booth_id), member)
    else:
        pipe = client.pipeline()
        pipe.zrem(_key(_staff_set(booth_id)), member)
        pipe.zrem(_key(_console_set(booth_id)), member)
        pipe.execute()
    if not booth_presence([booth_id])[booth_id]["online"]:
        _unmark_staffed(booth_id)


def booth_presence(booth_ids) -> dict[int, dict[str, set[int]]]:
    """For each booth: the user ids "online" (beating and active), "idle" (beating, inactive)
    and "console" (with the console open). Two cache round trips whatever the number."""
    booth_ids = list(booth_ids)
    now = time.time()
    client = _redis()
    if client is None:
        staff = [_local.live(_staff_set(b), now) for b in booth_ids]
        console = [_local.live(_console_set(b), now) for b in booth_ids]
        active_scores = _local.live(_ACTIVE_SET, now)
        staff = [list(s) for s in staff]
        console = [list(s) for s in console]
    else:
        pipe = client.pipeline()
        for booth_id in booth_ids:
            pipe.zrangebyscore(_key(_staff_set(booth_id)), now, "+inf")
            pipe.zrangebyscore(_key(_console_set(booth_id)), now, "+inf")
        results = pipe.execute() if booth_ids else []
        staff = [[m.decode() for m in r] for r in results[0::2]]
        console = [[m.decode() for m in r] for r in results[1::2]]
        users = sorted({m.split(":", 1)[0] for members in staff for m in members})
        scores = client.zmscore(_key(_ACTIVE_SET), users) if users else []
        active_scores = {u: s for u, s in zip(users, scores, strict=True) if s and s > now}

    def user_ids(members):
        return {int(m.split(":", 1)[0]) for m in members}

    result = {}
    for booth_id, members, on_console in zip(booth_ids, staff, console, strict=True):
        present = user_ids(members)
        online = {u for u in present if str(u) in active_scores}
        result[booth_id] = {
            "online": online,
            "idle": present - online,
            "console": user_ids(on_console),
        }
    return result


# --- The set of staffed booths ---------------------------------------------------------------
# The hall's "recruiters online now" filter asks which of thousands of booths are staffed: one
# sorted set (member: booth id, score: when its newest active staff heartbeat expires) answers
# in one round trip when the cache is Redis; a process-local dict stands in otherwise.
_STAFFED_KEY = "presence:staffed-booths"


def _mark_staffed(booth_id, expires):
    client = _redis()
    if client is None:
        _local.zadd(_STAFFED_KEY, str(booth_id), expires, gt=True)
        return
    client.zadd(_key(_STAFFED_KEY), {str(booth_id): expires}, gt=True)


def _unmark_staffed(booth_id):
    client = _redis()
    if client is None:
        _local.zrem(_STAFFED_KEY, str(booth_id))
        return
    client.zrem(_key(_STAFFED_KEY), str(booth_id))


def all_staffed_booth_ids() -> set[int]:
    """Every booth with an active staff heartbeat that has not expired, in one round trip."""
    now = time.time()
    client = _redis()
    if client is None:
        return {int(member) for member in _local.live(_STAFFED_KEY, now)}
    key = _key(_STAFFED_KEY)
    pipe = client.pipeline()
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zrangebyscore(key, now, "+inf")
    return {int(member) for member in pipe.execute()[1]}


def online_staff(staff_by_booth: dict[int, list[int]]) -> dict[int, list[int]]:
    """For each booth, which of its staff (user ids) are online now (active). Only members
    of the booth's company count: presence of a removed member ends with their membership."""
    presence = booth_presence(staff_by_booth)
    return {
        booth_id: sorted(presence[booth_id]["online"] & set(user_ids))
        for booth_id, user_ids in staff_by_booth.items()
    }


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
