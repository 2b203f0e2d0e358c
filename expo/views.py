import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import check_for_language
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import etag, require_GET
from django.views.i18n import set_language as django_set_language

from .branding import brand_variables
from .context_processors import current_edition
from .lib import fragments, health
from .models import ExpoEdition
from .organiser.figures import busiest_sectors, key_figures
from .schedule.models import Session


def _shown_sessions(request, edition):
    """(live, upcoming) sessions of the home page: read at most once a second for everyone."""
    second = int(time.time())
    key = fragments.key("home-sessions", ("schedule",), edition.pk, second, request=request)
    shown = cache.get(key)
    if shown is None:
        sessions = Session.objects.filter(edition=edition).select_related(
            "track", "host_booth__company"
        )
        shown = (list(sessions.live()[:6]), list(sessions.upcoming()[:6]))
        cache.set(key, shown, 2)
    return shown


def home(request):
    edition = current_edition(request)
    context = {"figures": None}
    if edition is not None:
        live, upcoming = _shown_sessions(request, edition)
        # The page's fragment (templates/expo/home.html) changes with the minute ("ends in 5
        # minutes") and the sessions shown; figures and sectors are read only to render it.
        context.update(
            figures=SimpleLazyObject(lambda: key_figures(edition)),
            live_sessions=live,
            upcoming_sessions=upcoming,
            sectors=SimpleLazyObject(lambda: busiest_sectors(edition)),
            day=edition.day_number(),
            shown=(int(time.time() // 60), [s.pk for s in live], [s.pk for s in upcoming]),
        )
    return render(request, "expo/home.html", context)


@never_cache
@require_GET
def healthz(request):
    results = health.run_checks()
    ok = all(r["ok"] for r in results.values() if not r.get("advisory"))
    return JsonResponse(
        {"status": "ok" if ok else "error", "checks": results}, status=200 if ok else 503
    )


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
    body = ";".join(f"{k}:{v}" for k, v in brand_variables(primary, accent).items())
    return HttpResponse(f":root{{{body}}}\n", content_type="text/css; charset=utf-8")


def set_language(request):
    """Django's set_language (cookie for everyone), and for signed-in users the choice is also
    kept on their profile: it follows them to other devices (UserLanguageMiddleware) and
    decides the language of the emails they receive."""
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
