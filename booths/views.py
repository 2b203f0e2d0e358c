import mimetypes
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services import toggle_share
from expo.context_processors import current_edition
from expo.lib import fragments
from expo.lib.charts import bar_chart
from expo.lib.spreadsheets import csv_response

from . import cards, extensions, presence, services
from .access import (
    booth_for_staff,
    get_company_object_or_404,
    is_company_staff,
    membership_for,
    staff_company,
)
from .content import render_markdown, video_embed_url
from .filters import HallFilter
from .forms import BoothForm, BrochureForm, InviteForm
from .models import Bookmark, Booth, Brochure, Invitation, Membership

HALL_PAGE_SIZE = 24
VISITOR_COOKIE = "expo_visitor"


def _edition_or_404(request):
    edition = current_edition(request)
    if edition is None:
        raise Http404(_("There is no expo yet."))
    return edition


def _visible_booth_or_404(request, slug):
    """A booth of the current expo: approved ones for everyone; others only for their own
    company's staff and the organiser (as a preview)."""
    edition = _edition_or_404(request)
    key = fragments.key("booth", ("booths",), edition.pk, slug, request=request, zone="-")
    booth = cache.get(key)
    if booth is None:
        booth = get_object_or_404(
            Booth.objects.select_related("company__sector", "edition"),
            edition=edition,
            company__slug=slug,
        )
        cache.set(key, booth, fragments.seconds())
    if not booth.is_public and not (
        request.user.is_staff or is_company_staff(request.user, booth.company_id)
    ):
        raise Http404
    return booth


def _decorate(booths, user, staff):
    """Recruiters online (of `staff`: {booth id: user ids}), the visitor's bookmarks (None when
    anonymous) and what other apps add (talent waiting) for a page of booths: one cache round
    trip and a fixed number of queries whatever the page size."""
    online = presence.online_staff(staff)
    extensions.decorate_hall(booths)
    bookmarked = set()
    if user.is_authenticated and booths:
        bookmarked = set(
            Bookmark.objects.filter(user=user, booth__in=booths).values_list("booth_id", flat=True)
        )
    for booth in booths:
        booth.staff_online_count = len(online[booth.pk])
        booth.is_bookmarked = (booth.pk in bookmarked) if user.is_authenticated else None


def _hall_listing(request, edition, hall_filter):
    """(Page of booth positions, [(booth id, company id)] on it, {booth id: staff user ids}).
    What a choice of filters lists is the same for everyone until a booth or its staff
    changes: one cache read, unless "recruiters online now" (live) is one of the filters."""
    params = sorted((k, v) for k, v in request.GET.lists() if k != "page")
    requested = request.GET.get("page") or "1"
    live = hall_filter.is_bound and "staffed" in request.GET
    key = fragments.key(
        "hall-listing", ("booths",), edition.pk, params, requested, request=request, zone="-"
    )
    listing = None if live else cache.get(key)
    if listing is None:
        queryset = hall_filter.qs.order_by("-is_featured", "company__name", "pk")
        total = queryset.count()
        number = Paginator(range(total), HALL_PAGE_SIZE).get_page(requested).number
        start = (number - 1) * HALL_PAGE_SIZE
        rows = list(queryset.values_list("pk", "company_id")[start : start + HALL_PAGE_SIZE])
        staff = presence.staff_by_booth([Booth(pk=pk, company_id=c) for pk, c in rows])
        listing = (total, number, rows, staff)
        if not live:
            cache.set(key, listing, fragments.seconds())
    total, number, rows, staff = listing
    return Paginator(range(total), HALL_PAGE_SIZE).page(number), rows, staff


def _hall_cards(ids):
    """{id: booth} of the booths whose card is not cached, with what other apps annotate."""
    full = extensions.annotate_hall(
        Booth.objects.filter(pk__in=ids).select_related("company__sector")
    )
    return {booth.pk: booth for booth in full}


# --- Talent: the hall and the booth ------------------------------------------------------------
def hall(request):
    edition = current_edition(request)
    hall_filter = HallFilter(
        request.GET or None, queryset=Booth.objects.filter(edition=edition).approved()
    )
    page, rows, staff = _hall_listing(request, edition, hall_filter)
    booths = [Booth(pk=pk, company_id=company_id) for pk, company_id in rows]
    _decorate(booths, request.user, staff)
    context = {
        "filter": hall_filter,
        "page": page,
        "cards": cards.render(request, booths, _hall_cards),
        "edition": edition,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "booths/_hall_results.html" if partial else "booths/hall.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _record_visit(request, response, booth):
    if is_company_staff(request.user, booth.company_id) or not booth.is_public:
        return
    if request.user.is_authenticated:
        key = services.visitor_key(user_id=request.user.pk)
    else:
        token = request.COOKIES.get(VISITOR_COOKIE, "")
        if not (token.isalnum() and len(token) == 32):
            token = secrets.token_hex(16)
            response.set_cookie(
                VISITOR_COOKIE,
                token,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        key = services.visitor_key(anonymous_token=token)
    services.record_visit(booth, key)


def _booth_main(request, booth):
    """The booth's about, video, brochures and what other apps add (jobs, presentations):
    rendered once per language and time zone and kept until the booth, its jobs or its
    sessions change."""

    def render_main():
        context = {
            "booth": booth,
            "company": booth.company,
            "description_html": render_markdown(booth.display_description),
            "video_embed_url": video_embed_url(booth.video_url),
            "brochures": list(booth.brochures.all()),
            **extensions.booth_page_context(request, booth),
        }
        return render_to_string("booths/_booth_main.html", context, request=request)

    key = fragments.key("booth-main", ("booths",), booth.pk, booth.status, request=request)
    return mark_safe(fragments.get_or_render(key, render_main))  # noqa: S308  (template output)


def detail(request, slug):
    booth = _visible_booth_or_404(request, slug)
    user = request.user
    context = {
        "booth": booth,
        "company": booth.company,
        "booth_main": _booth_main(request, booth),
        "is_own_booth": is_company_staff(user, booth.company_id),
        "is_bookmarked": user.is_authenticated
        and Bookmark.objects.filter(user=user, booth=booth).exists(),
        "is_shared": user.is_authenticated
        and user.profile_shares.filter(company_id=booth.company_id).exists(),
        **extensions.booth_visitor_context(request, booth),
    }
    response = render(request, "booths/detail.html", context)
    _record_visit(request, response, booth)
    return response


@login_required
@require_POST
def bookmark(request, slug):
    booth = _visible_booth_or_404(request, slug)
    booth.is_bookmarked = services.toggle_bookmark(request.user, booth)
    if request.htmx:
        return render(request, "booths/_bookmark_button.html", {"booth": booth})
    if booth.is_bookmarked:
        messages.success(request, _("Booth bookmarked. Find it on your dashboard."))
    else:
        messages.info(request, _("Bookmark removed."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("booths:detail", booth.company.slug)


@login_required
@require_POST
def share_profile(request, slug):
    booth = _visible_booth_or_404(request, slug)
    if is_company_staff(request.user, booth.company_id):
        raise Http404
    shared = toggle_share(request.user, booth.company)
    if shared:
        messages.success(
            request,
            _("%(company)s can now see your profile and download your CV.")
            % {"company": booth.company},
        )
    else:
        messages.info(
            request,
            _("You no longer share your profile with %(company)s.") % {"company": booth.company},
        )
    return redirect("booths:detail", booth.company.slug)


def _file_response(field, *, public, attachment_name=None, content_type=None):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = content_type or mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=attachment_name is not None,
        filename=attachment_name or "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


def booth_image(request, slug, kind):
    """A booth's logo or banner (served by Django so it works with DEBUG off, too)."""
    booth = _visible_booth_or_404(request, slug)
    field = getattr(booth, kind)
    if not field:
        raise Http404
    return _file_response(field, public=booth.is_public)


def brochure_download(request, slug, pk):
    booth = _visible_booth_or_404(request, slug)
    brochure = get_object_or_404(Brochure, booth=booth, pk=pk)
    name = f"{slugify(brochure.title) or 'brochure'}.pdf"
    return _file_response(
        brochure.file, public=booth.is_public, attachment_name=name, content_type="application/pdf"
    )


# --- Employer console --------------------------------------------------------------------------
def console(request):
    company = staff_company(request)
    edition = _edition_or_404(request)
    booth = Booth.objects.filter(edition=edition, company=company).first()
    membership = membership_for(request.user)
    return render(
        request,
        "booths/console/index.html",
        {"company": company, "booth": booth, "membership": membership, "edition": edition},
    )


def _own_booth(request):
    """The company's booth at the current expo (admins). A POST creates it as a draft on first
    use; a GET never writes, and before the first save it shows an unsaved draft."""
    company = staff_company(request, role=Membership.Role.ADMIN)
    edition = _edition_or_404(request)
    booths = Booth.objects.select_related("company", "edition")
    if request.method == "POST":
        return booths.get_or_create(edition=edition, company=company)[0]
    return booths.filter(edition=edition, company=company).first() or Booth(
        edition=edition, company=company
    )


def console_booth(request):
    booth = _own_booth(request)
    form = BoothForm(instance=booth)
    if request.method == "POST":
        form = BoothForm(request.POST, request.FILES, instance=Booth.objects.get(pk=booth.pk))
        if form.is_valid():
            services.update_booth(booth, form.cleaned_data)
            messages.success(request, _("Your booth is saved."))
            return redirect("booths:console_booth")
        messages.error(request, _("Nothing was saved: please correct the highlighted fields."))
    return render(
        request,
        "booths/console/booth.html",
        {
            "booth": booth,
            "membership": membership_for(request.user),
            "form": form,
            "brochure_form": BrochureForm(),
            "brochures": list(booth.brochures.all()) if booth.pk else [],
            "description_html": render_markdown(booth.display_description),
            "video_embed_url": video_embed_url(booth.video_url),
        },
    )


@require_POST
def console_submit(request):
    booth = _own_booth(request)
    try:
        services.submit_booth(booth, by=request.user)
    except services.BoothError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Submitted. The organiser reviews booths and emails you the outcome.")
        )
    return redirect("booths:console_booth")


@require_POST
def console_brochure_add(request):
    booth = _own_booth(request)
    form = BrochureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_brochure(booth, form.cleaned_data["title"], form.cleaned_data["file"])
        except services.BoothError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Brochure added."))
            return redirect("booths:console_booth")
    return render(
        request,
        "booths/console/booth.html",
        {
            "booth": booth,
            "membership": membership_for(request.user),
            "form": BoothForm(instance=booth),
            "brochure_form": form,
            "brochures": list(booth.brochures.all()),
            "description_html": render_markdown(booth.display_description),
            "video_embed_url": video_embed_url(booth.video_url),
        },
        status=200 if form.is_valid() else 400,
    )


@require_POST
def console_brochure_delete(request, pk):
    booth = _own_booth(request)
    services.delete_brochure(get_object_or_404(Brochure, booth=booth, pk=pk))
    messages.success(request, _("Brochure removed."))
    return redirect("booths:console_booth")


def console_team(request):
    company = staff_company(request, role=Membership.Role.ADMIN)
    form = InviteForm()
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                services.invite_member(
                    company,
                    form.cleaned_data["email"],
                    form.cleaned_data["role"],
                    by=request.user,
                    request=request,
                )
            except services.BoothError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("booths:console_team")
    now = timezone.now()
    invitations = [
        i for i in Invitation.objects.filter(company=company, accepted_at=None) if i.is_pending(now)
    ]
    return render(
        request,
        "booths/console/team.html",
        {
            "company": company,
            "membership": membership_for(request.user),
            "members": list(company.memberships.select_related("user").order_by("role", "user")),
            "invitations": invitations,
            "form": form,
        },
    )


@require_POST
def console_member_remove(request, pk):
    staff_company(request, role=Membership.Role.ADMIN)
    membership = get_company_object_or_404(
        request, Membership.objects.select_related("user"), pk=pk
    )
    try:
        services.remove_member(membership.company, membership)
    except services.BoothError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s left the team.") % {"name": membership.user})
        if membership.user_id == request.user.pk:
            return redirect("home")
    return redirect("booths:console_team")


@require_POST
def console_invitation_revoke(request, pk):
    staff_company(request, role=Membership.Role.ADMIN)
    invitation = get_company_object_or_404(request, Invitation.objects.all(), pk=pk)
    invitation.delete()
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("booths:console_team")


def accept_invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("company"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.accept_invitation(invitation, request.user)
        except services.BoothError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Welcome to the team of %(company)s.") % {"company": invitation.company}
            )
            return redirect("booths:console")
    return render(request, "booths/console/invitation.html", {"invitation": invitation})


def _analytics_context(request):
    company = staff_company(request)
    booth = booth_for_staff(request, _edition_or_404(request))
    try:
        days = min(max(int(request.GET.get("days", 14)), 7), 90)
    except ValueError:
        days = 14
    return company, booth, days, services.analytics(booth, days=days)


def console_analytics(request):
    company, booth, days, stats = _analytics_context(request)
    return render(
        request,
        "booths/console/analytics.html",
        {
            "company": company,
            "membership": membership_for(request.user),
            "booth": booth,
            "days": days,
            "stats": stats,
            "chart": bar_chart(stats["rows"], bar_key="visits", line_key="visitors"),
            "day_choices": [7, 14, 30, 90],
        },
    )


def console_analytics_csv(request):
    company, booth, days, stats = _analytics_context(request)
    return csv_response(
        f"booth-analytics-{company.slug}-{days}d.csv",
        [_("Day"), _("Visits"), _("Unique visitors"), _("New bookmarks")],
        (
            [row["day"].isoformat(), row["visits"], row["visitors"], row["bookmarks"]]
            for row in stats["rows"]
        ),
    )
