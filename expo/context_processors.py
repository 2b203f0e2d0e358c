from .models import ExpoEdition


def current_edition(request):
    """The edition the site shows, looked up once per request."""
    if not hasattr(request, "_expo_edition"):
        request._expo_edition = ExpoEdition.objects.current()
    return request._expo_edition


def expo(request):
    """The current edition (name, dates, brand colours) and the visitor's time zone. The
    organiser's banner comes from expo/organiser/context_processors.py."""
    return {
        "expo": current_edition(request),
        "visitor_tz": getattr(request, "visitor_tz", None),
    }
