from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .context_processors import current_edition
from .models import Session
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
