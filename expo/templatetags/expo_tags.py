from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# Templates write dates with English-style formats ("j M Y"); Chinese reads them year, month,
# day ("2026年3月4日", with the weekday after the date). Named formats (DATETIME_FORMAT, ...)
# already follow the language through Django's locale formats.
CHINESE_FORMATS = {
    "D j M, H:i": "n月j日（D）H:i",
    "D j M": "n月j日（D）",
    "D": "D",
    "j M Y": "Y年n月j日",
    "j M Y, H:i": "Y年n月j日 H:i",
    "j F Y": "Y年n月j日",
    "l j F Y, H:i": "Y年n月j日（l）H:i",
    "j M": "n月j日",
    "j M, H:i": "n月j日 H:i",
    "j/n": "n/j",
}


TIME_ONLY = {"H:i", "TIME_FORMAT"}


def localize_format(fmt):
    """The format to use for `fmt` in the active language."""
    if (get_language() or "").startswith("zh"):
        return CHINESE_FORMATS.get(fmt, fmt)
    return fmt


@register.filter(expects_localtime=True, is_safe=False)
def expo_date(value, arg=None):
    """Django's |date, with the date order of the active language (see CHINESE_FORMATS)."""
    return date_filter(value, localize_format(arg) if arg else arg)


@register.simple_tag(takes_context=True)
def expo_time(context, value, fmt="DATETIME_FORMAT"):
    """A <time> in Hong Kong time, with the visitor's own time beside it when it differs."""
    if value is None:
        return ""
    expo_tz = timezone.get_current_timezone()
    local = timezone.localtime(value, expo_tz)
    fmt = localize_format(fmt)
    text = formats.date_format(local, fmt)
    visitor_tz = context.get("visitor_tz")
    if visitor_tz is not None:
        theirs = timezone.localtime(value, visitor_tz)
        if theirs.utcoffset() != local.utcoffset():
            their_fmt = fmt
            if theirs.date() != local.date() and fmt in TIME_ONLY:
                # 09:00 HKT on Tuesday is Monday evening in Los Angeles: say which day.
                their_fmt = localize_format("D j M, H:i")
            return format_html(
                '<time datetime="{}">{} {}</time> <span class="muted">({} {})</span>',
                value.isoformat(),
                text,
                _("HKT"),
                formats.date_format(theirs, their_fmt),
                _("your time"),
            )
    return format_html('<time datetime="{}">{} {}</time>', value.isoformat(), text, _("HKT"))


@register.filter
def percent(value):
    return f"{value}%"
