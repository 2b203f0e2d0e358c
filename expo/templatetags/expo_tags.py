from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def expo_time(context, value, fmt="DATETIME_FORMAT"):
    """A <time> in Hong Kong time, with the visitor's own time beside it when it differs."""
    if value is None:
        return ""
    expo_tz = timezone.get_current_timezone()
    local = timezone.localtime(value, expo_tz)
    text = formats.date_format(local, fmt)
    visitor_tz = context.get("visitor_tz")
    if visitor_tz is not None:
        theirs = timezone.localtime(value, visitor_tz)
        if theirs.utcoffset() != local.utcoffset():
            return format_html(
                '<time datetime="{}">{} {}</time> <span class="muted">({} {})</span>',
                value.isoformat(),
                text,
                _("HKT"),
                formats.date_format(theirs, fmt),
                _("your time"),
            )
    return format_html('<time datetime="{}">{} {}</time>', value.isoformat(), text, _("HKT"))


@register.filter
def percent(value):
    return f"{value}%"
