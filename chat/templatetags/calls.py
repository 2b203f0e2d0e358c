"""Call records in a conversation: "Video call, 2:05" (chat.calls)."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def call_duration(seconds):
    """Talk time as h:mm:ss or m:ss (the same in every language)."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def call_duration_iso(seconds):
    """The same as an ISO 8601 duration, for <time datetime>."""
    return f"PT{int(seconds or 0)}S"


@register.filter
def iso_datetime(value):
    """An ISO string from an event's data as an aware datetime (for |time and |date)."""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return timezone.localtime(parsed) if parsed else None
