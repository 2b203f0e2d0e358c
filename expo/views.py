from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import etag, require_GET

from . import health
from .context_processors import current_edition
from .models import ExpoEdition, Session
from .services import busiest_sectors, key_figures


def home(request):
    edition = current_edition(request)
    context = {"figures": None}
    if edition is not None:
        sessions = Session.objects.filter(edition=edition).select_related(
            "track", "host_booth__company"
        )
        context.update(
            figures=key_figures(edition),
            live_sessions=list(sessions.live()[:6]),
            upcoming_sessions=list(sessions.upcoming()[:6]),
            sectors=busiest_sectors(edition),
            day=edition.day_number(),
        )
    return render(request, "expo/home.html", context)


@never_cache
@require_GET
def healthz(request):
    results = health.run_checks()
    ok = all(r["ok"] for r in results.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": results},
                        status=200 if ok else 503)


# --- Brand stylesheet -------------------------------------------------------------------
# The organiser's colours (set in admin) as CSS custom properties, served as a stylesheet so
# that templates need no style= attribute. Derived shades are computed here so that text on
# and in the brand colours keeps WCAG AA contrast whatever the organiser picks.

_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


def _rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _hex(rgb):
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _mix(rgb, other, amount):
    """rgb moved `amount` (0..1) of the way towards other."""
    return tuple(round(c + (o - c) * amount) for c, o in zip(rgb, other, strict=True))


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _readable_on_white(rgb, ratio=4.5):
    """The colour, darkened just enough to be read as text on white."""
    step = 0
    shade = rgb
    while _contrast(shade, _WHITE) < ratio and step < 20:
        step += 1
        shade = _mix(rgb, _BLACK, step / 20)
    return shade


def _text_on(rgb):
    return _WHITE if _contrast(rgb, _WHITE) >= 4.5 else (17, 24, 39)


def _brand_variables(primary, accent):
    p, a = _rgb(primary), _rgb(accent)
    p_text, a_text = _readable_on_white(p), _readable_on_white(a)
    p_dark, p_darker = _mix(p, _BLACK, 0.15), _mix(p, _BLACK, 0.3)
    values = {
        "--expo-primary": _hex(p),
        "--expo-primary-rgb": "{},{},{}".format(*p),
        "--expo-primary-dark": _hex(p_dark),
        "--expo-primary-darker": _hex(p_darker),
        "--expo-primary-text": _hex(p_text),
        "--expo-primary-subtle": _hex(_mix(p, _WHITE, 0.9)),
        "--expo-primary-border": _hex(_mix(p, _WHITE, 0.7)),
        "--expo-on-primary": _hex(_text_on(p)),
        "--expo-on-primary-dark": _hex(_text_on(p_dark)),
        "--expo-accent": _hex(a),
        "--expo-accent-rgb": "{},{},{}".format(*a),
        "--expo-accent-text": _hex(a_text),
        "--expo-accent-subtle": _hex(_mix(a, _WHITE, 0.88)),
        "--expo-on-accent": _hex(_text_on(a)),
        "--bs-primary": _hex(p),
        "--bs-primary-rgb": "{},{},{}".format(*p),
        "--bs-primary-text-emphasis": _hex(_mix(p_text, _BLACK, 0.2)),
        "--bs-primary-bg-subtle": _hex(_mix(p, _WHITE, 0.9)),
        "--bs-primary-border-subtle": _hex(_mix(p, _WHITE, 0.7)),
        "--bs-link-color": _hex(p_text),
        "--bs-link-color-rgb": "{},{},{}".format(*p_text),
        "--bs-link-hover-color": _hex(_mix(p_text, _BLACK, 0.2)),
        "--bs-link-hover-color-rgb": "{},{},{}".format(*_mix(p_text, _BLACK, 0.2)),
        "--bs-focus-ring-color": "rgba({},{},{},.4)".format(*p),
    }
    return values


def _brand_colours(request):
    edition = current_edition(request)
    if edition is None:
        field = ExpoEdition._meta.get_field
        return None, field("primary_colour").default, field("accent_colour").default
    return edition.pk, edition.primary_colour.lower(), edition.accent_colour.lower()


def _brand_etag(request):
    pk, primary, accent = _brand_colours(request)
    return f"brand-{pk or 0}-{primary[1:]}-{accent[1:]}"


@require_GET
@cache_control(max_age=300, public=True)
@etag(_brand_etag)
def brand_css(request):
    """/brand.css: the current edition's colours as CSS custom properties (linked after the
    framework, so changing colours in admin restyles the site within minutes)."""
    _, primary, accent = _brand_colours(request)
    body = ";".join(f"{k}:{v}" for k, v in _brand_variables(primary, accent).items())
    return HttpResponse(f":root{{{body}}}\n", content_type="text/css; charset=utf-8")
