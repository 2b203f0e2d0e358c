from django import template
from django.conf import settings
from django.core.cache import cache

from booths.access import is_company_staff
from chat.actions.queue import (
    booth_summary,
    estimated_wait_minutes,
    live_panel_key,
    my_queue_entry,
)
from chat.actions.rooms import history, lobby_room
from expo.models import expo_is_open

register = template.Library()


@register.simple_tag(takes_context=True)
def booth_live_state(context, booth):
    """What a booth's live panel shows before its socket connects. The public part (queue,
    staff online, the lobby's last messages) is shared by every visitor for
    QUEUE_COUNT_CACHE_SECONDS: the socket then sends the summary and replays every event after
    the panel's last event id, so nothing shown stays stale. A visitor in the queue gets their
    exact position."""
    request = context.get("request")
    user = getattr(request, "user", None)
    room = lobby_room(booth.pk)
    entry = my_queue_entry(user, booth) if user is not None else None
    key = live_panel_key(booth.pk)
    shared = None if entry else cache.get(key)
    if shared is None:
        shared = {"summary": booth_summary(booth), "history": history(room)}
        cache.set(key, shared, settings.QUEUE_COUNT_CACHE_SECONDS)
    summary = shared["summary"]
    position = (
        summary["order"].index(entry.pk) + 1 if entry and entry.pk in summary["order"] else None
    )
    # The page read the visitor's membership in this request already (booths.access); the
    # socket checks it afresh on every frame.
    is_staff = bool(user and is_company_staff(user, booth.company_id))
    return {
        "room": room,
        "history": shared["history"],
        "summary": summary,
        "entry": entry,
        "position": position,
        "wait": (
            estimated_wait_minutes(position, summary["minutes_per_person"]) if position else None
        ),
        "is_staff": is_staff,
        "can_moderate": bool(user and (user.is_staff or is_staff)),
        "expo_open": expo_is_open(booth.edition),
    }


@register.simple_tag(takes_context=True)
def live_replay(context, session):
    """The session's on-demand replay made from its live video (chat.liveroom.media), for the
    session page; None when there is none or the visitor may not see the session."""
    from chat.liveroom.media.models import MediaRoom, Replay
    from chat.liveroom.media.replays import may_watch
    from expo.schedule.models import Stage

    request = context.get("request")
    user = getattr(request, "user", None)
    replay = Replay.objects.filter(session=session).first()
    if replay is None:
        # Ended a moment ago: the room is being closed and its recording queued.
        recorded = MediaRoom.objects.filter(session=session).exclude(recording_dir="").exists()
        ended = Stage.objects.filter(session=session, status=Stage.Status.ENDED).exists()
        replay = Replay(session=session) if recorded and ended else None
    if replay is None or user is None or not may_watch(user, session):
        return None
    return replay
