import zoneinfo

from django.utils import timezone

TZ_COOKIE = "visitor_tz"


def _zone(name):
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class VisitorTimezoneMiddleware:
    """Pages render in the expo's time zone; the visitor's own zone, when known (their profile,
    else a cookie set by the browser), is kept on the request so times can show it beside."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user and user.is_authenticated else ""
        request.visitor_tz = _zone(name) or _zone(request.COOKIES.get(TZ_COOKIE, "")[:64])
        timezone.activate(zoneinfo.ZoneInfo("Asia/Hong_Kong"))
        return self.get_response(request)
