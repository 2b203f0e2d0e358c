"""One way to write a date or time everywhere: pages, emails, PDFs and the browser's live
updates (static/js/expo.js Expo.formatTime writes the same text).

The expo's own time (Hong Kong, "HKT") comes first, in 24-hour time; the visitor's own time
follows in brackets when their zone is known and its offset differs; both in the active
language, with the date order of that language (CHINESE_FORMATS)."""

from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The default: a date and a 24-hour time. Django's DATETIME_FORMAT in English is 12-hour
# ("Jan. 7, 2027, 8:42 p.m."), which is why no template should rely on it.
DEFAULT_FORMAT = "j M Y, H:i"

# Templates write dates with English-style formats ("j M Y"); Chinese reads them year, month,
# day ("2026年3月4日", with the weekday after the date).
CHINESE_FORMATS = {
    "D j M, H:i": "n月j日（D）H:i",
    "D j M": "n月j日（D）",
    "D": "D",
    "H:i": "H:i",
    "j M Y": "Y年n月j日",
    "j M Y, H:i": "Y年n月j日 H:i",
    "j F Y": "Y年n月j日",
    "l j F Y, H:i": "Y年n月j日（l）H:i",
    "j M": "n月j日",
    "j M, H:i": "n月j日 H:i",
    "j/n": "n/j",
}


def localize_format(fmt):
    """The format to use for `fmt` in the active language."""
    if (get_language() or "").startswith("zh"):
        return CHINESE_FORMATS.get(fmt, fmt)
    return fmt


def format_date(value, fmt):
    """Django's |date with the date order of the active language."""
    return date_filter(value, localize_format(fmt) if fmt else fmt)


@dataclass
class Moment:
    iso: str
    expo: str  # "4 Mar 2026, 14:05 HKT"
    visitor: str | None  # "4 Mar 2026, 06:05 your time", or None when it is the same

    def __str__(self):
        return f"{self.expo} ({self.visitor})" if self.visitor else self.expo


def moment(value, fmt=DEFAULT_FORMAT, visitor_tz=None, expo_tz=None) -> Moment | None:
    """`value` (an aware datetime) in the expo's time zone, and in the visitor's when known and
    different. `fmt` is a Django date format written the English way; named formats
    (DATETIME_FORMAT) are replaced by DEFAULT_FORMAT, since Django's English ones are 12-hour."""
    if value is None:
        return None
    if fmt.isupper():
        fmt = DEFAULT_FORMAT
    time_only = fmt == "H:i"
    fmt = localize_format(fmt)
    local = timezone.localtime(value, expo_tz or timezone.get_current_timezone())
    text = f"{formats.date_format(local, fmt)} {_('HKT')}"
    theirs = None
    if visitor_tz is not None:
        other = timezone.localtime(value, visitor_tz)
        if other.utcoffset() != local.utcoffset():
            their_fmt = fmt
            if time_only and other.date() != local.date():
                # 09:00 HKT on Tuesday is Monday evening in Los Angeles: say which day.
                their_fmt = localize_format("D j M, H:i")
            theirs = f"{formats.date_format(other, their_fmt)} {_('your time')}"
    return Moment(value.isoformat(), text, theirs)
