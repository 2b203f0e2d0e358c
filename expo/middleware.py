import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

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


class UserLanguageMiddleware:
    """A signed-in user's saved language (User.language, set by the language switcher) applies
    on any device until they choose otherwise there: LocaleMiddleware picks the language from
    the cookie, else Accept-Language; without the cookie, the profile wins over the browser.
    Anonymous visitors keep the cookie. Must come after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user is not None
            and user.is_authenticated
            and user.language in dict(settings.LANGUAGES)
            and user.language != getattr(request, "LANGUAGE_CODE", None)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class AdminInlineStylesMiddleware:
    """The site's pages allow no inline style (CONTENT_SECURITY_POLICY); Django admin's own
    templates and django-import-export's still carry a few (a <style> in the change list, style
    attributes in the export form), so admin pages alone may use them. Scripts stay strict
    everywhere. Placed after CSPMiddleware, so the policy is built with this update."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("admin:index")):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
