from django import template
from django.utils.html import format_html

from expo.lib import formatting

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def expo_date(value, arg=None):
    """A date alone, with the date order of the active language (see expo.lib.formatting)."""
    return formatting.format_date(value, arg)


@register.simple_tag(takes_context=True)
def expo_time(context, value, fmt=formatting.DEFAULT_FORMAT):
    """A <time> in Hong Kong time, with the visitor's own time beside it when it differs."""
    found = formatting.moment(value, fmt, context.get("visitor_tz"))
    if found is None:
        return ""
    if found.visitor:
        return format_html(
            '<time datetime="{}">{}</time> <span class="muted">({})</span>',
            found.iso,
            found.expo,
            found.visitor,
        )
    return format_html('<time datetime="{}">{}</time>', found.iso, found.expo)


@register.simple_tag(takes_context=True)
def expo_moment(context, value, fmt=formatting.DEFAULT_FORMAT):
    """The same as plain text, for emails and attributes: "4 Mar 2026, 14:05 HKT (06:05 ...)"."""
    found = formatting.moment(value, fmt, context.get("visitor_tz"))
    return "" if found is None else str(found)


@register.filter
def percent(value):
    return f"{value}%"
