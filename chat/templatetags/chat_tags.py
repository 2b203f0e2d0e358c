from django import template

from chat.actions.access import is_booth_staff
from chat.actions.queue import booth_summary, estimated_wait_minutes, my_queue_entry
from chat.actions.rooms import history, lobby_room
from expo.models import expo_is_open

register = template.Library()


@register.simple_tag(takes_context=True)
def booth_live_state(context, booth):
    """What a booth's live panel shows before its socket connects."""
    request = context.get("request")
    user = getattr(request, "user", None)
    room = lobby_room(booth.pk)
    summary = booth_summary(booth)
    entry = my_queue_entry(user, booth) if user is not None else None
    position = (
        summary["order"].index(entry.pk) + 1 if entry and entry.pk in summary["order"] else None
    )
    return {
        "room": room,
        "history": history(room),
        "summary": summary,
        "entry": entry,
        "position": position,
        "wait": (
            estimated_wait_minutes(position, summary["minutes_per_person"]) if position else None
        ),
        "is_staff": bool(user and is_booth_staff(user, booth)),
        "can_moderate": bool(user and (user.is_staff or is_booth_staff(user, booth))),
        "expo_open": expo_is_open(booth.edition),
    }
