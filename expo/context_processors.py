from django.core.cache import cache

from .lib import fragments
from .models import ExpoEdition

_NONE = "none"


def current_edition(request):
    """The edition the site shows, looked up once per request: from the cache until an
    edition changes (expo/fragments.py), so most pages ask the database nothing for it."""
    if not hasattr(request, "_expo_edition"):
        key = fragments.key("current-edition", ("edition",), request=request, zone="-")
        edition = cache.get(key)
        if edition is None:
            edition = ExpoEdition.objects.current() or _NONE
            cache.set(key, edition, fragments.seconds())
        request._expo_edition = None if edition == _NONE else edition
    return request._expo_edition


def expo(request):
    """The current edition (name, dates, brand colours) and the visitor's time zone. The
    organiser's banner comes from expo/organiser/context_processors.py."""
    return {
        "expo": current_edition(request),
        "visitor_tz": getattr(request, "visitor_tz", None),
    }
