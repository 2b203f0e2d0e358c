import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from booths.content import render_markdown, video_embed_url
from expo.context_processors import current_edition
from expo.lib import fragments
from expo.lib.spreadsheets import csv_response
from expo.schedule.models import (
    CalendarFeed,
    Certificate,
    Registration,
    Session,
    SlideConversion,
    Stage,
)

from . import certificates, services, slide_uploads, slides
from .calendar import calendar_for
from .filters import ScheduleFilter
from .forms import SlidesForm
from .meeting_views import my_meetings

PAGE_SIZE = 30
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _sessions():
    return Session.objects.select_related("track", "host_booth__company", "edition")


def _get_session(request, pk, queryset=None):
    """One session, annotated with seats taken and the visitor's registration."""
    queryset = services.with_seats(queryset or _sessions(), request.user)
    session = get_object_or_404(queryset, pk=pk)
    services.decorate([session])
    return session


CARD_PARTS = {"card_head": "expo/schedule/_card_head.html", "panel": "expo/schedule/_register.html"}


def _with_cached_cards(request, sessions):
    """Each session's card from the cache, in one round trip: its head (the same for every
    visitor in a language and time zone) and its registration panel, keyed by the seats left
    and the visitor's registration status ("anonymous", none, registered, waitlisted). A signed-in
    visitor's panel holds the visitor slots (expo.lib.fragments) for their CSRF token and the
    page's address, filled in here: the panels of thirty sessions were most of a signed-in
    schedule page's CPU."""
    status = request.user.is_authenticated and "signed-in"
    keys = {}
    for session in sessions:
        state = (session.live_now, session.ended, session.is_cancelled)
        keys[session, "card_head"] = fragments.key(
            "session-card", ("schedule",), session.pk, *state, request=request
        )
        keys[session, "panel"] = fragments.key(
            "session-panel",
            ("schedule",),
            session.pk,
            *state,
            session.seats_left,
            status and session.my_status,
            request=request,
        )

    def render_missing(missing):
        return {
            (session, part): fragments.render_plain(
                CARD_PARTS[part], request, {"session": session, **fragments.VISITOR_SLOTS}
            )
            for session, part in missing
        }

    html = fragments.get_many_or_render(keys, render_missing)
    for (session, part), text in html.items():
        text = fragments.fill_visitor_slots(text, request)
        setattr(session, part, mark_safe(text))  # noqa: S308  (rendered by a template)
    return sessions


def _can_see_attendees(user, session) -> bool:
    return user.is_authenticated and (user.is_staff or session.is_host(user))


def schedule(request):
    edition = current_edition(request)
    if edition is None:
        return render(request, "expo/schedule/schedule.html", {"edition": None})
    queryset = services.with_seats(_sessions().filter(edition=edition), request.user).order_by(
        "starts_at", "pk"
    )
    schedule_filter = ScheduleFilter(
        request.GET, queryset=queryset, edition=edition, user=request.user, request=request
    )
    page = Paginator(schedule_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "edition": edition,
        "filter": schedule_filter,
        "page": page,
        "sessions": _with_cached_cards(request, services.decorate(list(page.object_list))),
        "days": edition.days(),
        "day": request.GET.get("day", ""),
        "now": timezone.now(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "expo/schedule/_results.html" if partial else "expo/schedule/schedule.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def session_detail(request, pk):
    session = _get_session(request, pk)
    is_host = session.is_host(request.user)
    context = {
        "session": session,
        "is_host": is_host,
        "description_html": render_markdown(session.description),
        "embed_url": video_embed_url(session.stream_url),
        "recording_embed_url": video_embed_url(session.recording_url),
        "slides": list(session.slides.all()),
        "stage": Stage.objects.filter(session=session).first(),
        "now": timezone.now(),
    }
    if _can_see_attendees(request.user, session):
        context["attendees"] = list(services.attendees(session)[:500])
    if is_host:
        context["slides_form"] = SlidesForm()
        context["conversion"] = SlideConversion.objects.filter(session=session).first()
    return render(request, "expo/schedule/session.html", context)


def _after_change(request, session_pk):
    """htmx swaps the registration panel; a plain form goes back where it came from."""
    if request.htmx:
        session = _get_session(request, session_pk)
        response = render(
            request, "expo/schedule/_register.html", {"session": session, "show_messages": True}
        )
        response["HX-Trigger"] = "schedule:changed"
        return response
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("expo:session", args=[session_pk])
    return redirect(target)


@login_required
@require_POST
def register(request, pk):
    try:
        result = services.register(pk, request.user)
    except services.ScheduleError as error:
        level = messages.INFO if error.code == "duplicate" else messages.ERROR
        messages.add_message(request, level, str(error))
    else:
        if result.waitlisted:
            messages.info(
                request,
                _(
                    "The session is full: you are on the waitlist. We will "
                    "email you if a seat frees up."
                ),
            )
        else:
            messages.success(request, _("You are registered. We sent you a confirmation."))
    return _after_change(request, pk)


@login_required
@require_POST
def cancel(request, pk):
    try:
        services.cancel(pk, request.user)
    except services.ScheduleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return _after_change(request, pk)


@login_required
def attendees_csv(request, pk):
    session = _get_session(request, pk)
    if not _can_see_attendees(request.user, session):
        raise PermissionDenied
    return csv_response(
        f"session-{session.pk}-attendees.csv",
        [_("Name"), _("Email"), _("Status"), _("Registered at")],
        (
            [r.user.get_full_name(), r.user.email, r.get_status_display(), r.created_at.isoformat()]
            for r in services.attendees(session).iterator()
        ),
    )


@login_required
@require_POST
def upload_slides(request, pk):
    session = _get_session(request, pk)
    if not session.is_host(request.user):
        raise PermissionDenied
    form = SlidesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["files"]))
    elif slides.is_single_pdf(files := form.cleaned_data["files"]):
        slide_uploads.request_conversion(session, files[0], request.user)
        messages.info(
            request,
            _("Your PDF is being turned into slides: they appear here in a moment."),
        )
    else:
        try:
            images = slides.images_from_uploads(files)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            slides.replace_with_images(session, images)
            count = len(images)
            messages.success(
                request,
                ngettext("%(count)d slide uploaded.", "%(count)d slides uploaded.", count)
                % {"count": count},
            )
    return redirect("expo:session", pk=pk)


@login_required
@never_cache
@require_GET
def slides_status(request, pk):
    """The host's view of their PDF's conversion (polled by the session page while it runs);
    once the slides are ready, the page reloads to show them."""
    session = get_object_or_404(Session, pk=pk)
    if not session.is_host(request.user):
        raise PermissionDenied
    conversion = SlideConversion.objects.filter(session=session).first()
    response = render(
        request,
        "expo/schedule/_slides_conversion.html",
        {"session": session, "conversion": conversion},
    )
    if request.htmx and conversion is not None and conversion.status == conversion.Status.DONE:
        response["HX-Refresh"] = "true"
    return response


@login_required
def live(request, pk):
    session = _get_session(request, pk)
    is_host = session.is_host(request.user)
    if not (is_host or session.my_status == Registration.Status.REGISTERED):
        messages.info(request, _("Register for this session to join its live room."))
        return redirect("expo:session", pk=pk)
    context = {
        "session": session,
        "is_host": is_host,
        "embed_url": video_embed_url(session.stream_url),
        "slides": list(session.slides.all()),
    }
    return render(request, "expo/schedule/live.html", context)


# --- Calendars ---------------------------------------------------------------------------
def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def session_ics(request, pk):
    session = get_object_or_404(_sessions(), pk=pk)
    return _ics(calendar_for([session], session.title), f"session-{session.pk}.ics")


@never_cache
@require_GET
def calendar_feed(request, token):
    """A personal feed for calendar apps: the secret token is the only credential."""
    feed = None
    if TOKEN_PATTERN.match(token):
        feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404(_("This calendar address is not valid (it may have been reset)."))
    sessions = _sessions().filter(
        registrations__user=feed.user,
        registrations__status=Registration.Status.REGISTERED,
    )
    name = _("My expo schedule")
    return _ics(calendar_for(sessions, name), "expo-schedule.ics")


@login_required
@require_POST
def calendar_reset(request):
    services.reset_calendar_feed(request.user)
    messages.success(request, _("Your calendar address was reset. Subscribe to the new one."))
    return redirect(f"{reverse('expo:my_schedule')}")


@login_required
def my_schedule(request):
    feed = services.calendar_feed_for(request.user)
    sessions = services.with_seats(
        _sessions().filter(
            registrations__user=request.user,
            registrations__status__in=[
                Registration.Status.REGISTERED,
                Registration.Status.WAITLISTED,
            ],
        ),
        request.user,
    ).order_by("starts_at", "pk")
    context = {
        "sessions": services.decorate(list(sessions)),
        "feed_url": request.build_absolute_uri(reverse("expo:calendar_feed", args=[feed.token])),
        "certificates": list(Certificate.objects.for_user(request.user)),
        "now": timezone.now(),
        **my_meetings(request.user),
    }
    return render(request, "expo/schedule/my_schedule.html", context)


# --- Certificates ------------------------------------------------------------------------
def _certificate_or_404(code):
    certificate = certificates.find(code)
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return certificate


def certificate(request, code):
    found = certificates.find(code)
    if found is None:
        return render(
            request, "expo/schedule/certificate_invalid.html", {"code": code[:40]}, status=404
        )
    return render(
        request,
        "expo/schedule/certificate.html",
        {"certificate": found, "document": certificates.public_document(found)},
    )


@require_GET
def certificate_json(request, code):
    found = certificates.find(code)
    if found is None:
        return JsonResponse({"valid": False, "error": "No certificate has this code."}, status=404)
    return JsonResponse(certificates.public_document(found))


@login_required
def certificate_pdf(request, code):
    found = _certificate_or_404(code)
    if found.user_id != request.user.pk and not request.user.is_staff:
        raise Http404(_("No certificate has this code."))
    response = HttpResponse(certificates.render_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response
