"""Job search, job pages, applying, and the employer's jobs and applicant pipeline.

Views stay short: forms validate, jobs.services acts, jobs.access fetches every object."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import TalentProfile
from booths.access import staff_company
from booths.content import render_markdown
from booths.models import Sector
from expo.context_processors import current_edition
from expo.lib import fragments
from expo.lib.spreadsheets import csv_response

from . import extensions, services
from .access import (
    application_cv_or_403,
    company_application_or_404,
    company_applications,
    company_job_or_404,
    own_application_or_404,
    visible_job_or_404,
)
from .filters import JobSearchFilter, PipelineFilter, TalentSearchFilter
from .forms import ApplyForm, BulkStatusForm, JobForm, NoteForm, SearchForm, StatusForm
from .matching import jobs_for_profile
from .models import (
    PIPELINE_STATUSES,
    Application,
    ApplicationStatusChange,
    Job,
    SavedJob,
)
from .presenters import facet_groups, facets_digest, job_cards, job_posting_ld
from .search import search

PIPELINE_PAGE = 50


def _site_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def _saved_ids(user, job_ids):
    if not user.is_authenticated or not job_ids:
        return set()
    return set(
        SavedJob.objects.filter(user=user, job_id__in=job_ids).values_list("job_id", flat=True)
    )


def _sectors(request):
    """(pk, slug, name) of every sector, for the filters: from the cache until one changes."""
    key = fragments.key("sectors", ("jobs",), request=request, zone="-")
    sectors = cache.get(key)
    if sectors is None:
        sectors = list(Sector.objects.values_list("pk", "slug", "name"))
        cache.set(key, sectors, fragments.seconds())
    return sectors


# --- Talent: search, job page, applying ---------------------------------------------------------
def job_search(request):
    edition = current_edition(request)
    form = SearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    context = {"form": form, "edition": edition}
    if edition is not None:
        sectors = _sectors(request)
        filterset = JobSearchFilter(request.GET, queryset=Job.objects.none(), sectors=sectors)
        result = search(
            edition,
            filterset,
            text=data.get("q", ""),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
        )
        saved_ids = _saved_ids(request.user, result.ids)
        facets = facet_groups(result, filterset, sectors)
        context.update(
            result=result,
            filterset=filterset,
            facets=facets,
            facets_digest=facets_digest(facets),
            cards=job_cards(request, result, saved_ids),
            company_filter=filterset.form.cleaned_data.get("company"),
        )
    template = "jobs/_results.html" if request.htmx else "jobs/search.html"
    return render(request, template, context)


def _job_for_page(request, pk):
    return visible_job_or_404(request, pk, Job.objects.select_related("company", "sector"))


def _description_html(request, job):
    """The job's Markdown as HTML, rendered once per change of the jobs (the page and its
    JSON-LD both show it; rendering cost more than the rest of a job page's Python)."""
    key = fragments.key("job-description", ("jobs",), job.pk, request=request)
    return mark_safe(fragments.get_or_render(key, lambda: render_markdown(job.description)))  # noqa: S308


def job_detail(request, pk, apply_form=None, status=200):
    job = _job_for_page(request, pk)
    user = request.user
    application = None
    profile = None
    if user.is_authenticated:
        application = Application.objects.filter(job=job, talent=user).first()
        profile = TalentProfile.objects.filter(user=user).first()
    if apply_form is None:
        apply_form = ApplyForm(profile_cv=bool(profile and profile.cv))
    description_html = _description_html(request, job)
    context = {
        "job": job,
        "description_html": description_html,
        "is_open": job.is_open(),
        "application": application,
        "profile": profile,
        "apply_form": apply_form,
        "saved": bool(_saved_ids(user, [job.pk])),
        "job_ld": job_posting_ld(job, request, description_html),
    }
    return render(request, "jobs/job_detail.html", context, status=status)


@login_required
@require_POST
def apply(request, pk):
    job = _job_for_page(request, pk)
    profile = TalentProfile.objects.filter(user=request.user).first()
    form = ApplyForm(request.POST, request.FILES, profile_cv=bool(profile and profile.cv))
    if form.is_valid():
        try:
            services.do_apply(
                job,
                request.user,
                cover_note=form.cleaned_data["cover_note"],
                cv_upload=form.cleaned_data["cv"],
                site_url=_site_url(request),
            )
        except services.ApplyError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your application to %(job)s was sent. We emailed you a confirmation.")
                % {"job": job.title},
            )
            return redirect("jobs:my_applications")
    return job_detail(request, pk, apply_form=form, status=400)


@login_required
@require_POST
def toggle_save(request, pk):
    job = _job_for_page(request, pk)
    saved = services.toggle_saved(request.user, job)
    if request.htmx:
        return render(request, "jobs/_save_button.html", {"job": job, "saved": saved})
    messages.success(request, _("Job saved.") if saved else _("Job removed from your saved jobs."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("jobs:detail", args=[job.pk])
    return redirect(target)


@login_required
def saved_jobs(request):
    saved = (
        SavedJob.objects.filter(user=request.user)
        .select_related("job__company", "job__sector")
        .defer("job__search_vector", "job__description")
    )
    return render(request, "jobs/saved.html", {"saved": saved})


@login_required
def for_you(request):
    edition = current_edition(request)
    profile = TalentProfile.objects.filter(user=request.user).prefetch_related("sectors").first()
    matches = jobs_for_profile(edition, profile) if edition and profile else []
    return render(request, "jobs/for_you.html", {"matches": matches, "profile": profile})


@login_required
def my_applications(request):
    applications = (
        Application.objects.filter(talent=request.user)
        .select_related("job__company")
        .defer("job__search_vector", "job__description")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=ApplicationStatusChange.objects.only(
                    "application_id", "from_status", "to_status", "at"
                ),
            )
        )
    )
    applications = extensions.decorate_my_applications(applications)
    return render(request, "jobs/my_applications.html", {"applications": applications})


@login_required
@require_POST
def withdraw(request, pk):
    application = own_application_or_404(request, pk, Application.objects.select_related("job"))
    try:
        services.withdraw(application, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You withdrew your application to %(job)s.") % {"job": application.job.title},
        )
    return redirect("jobs:my_applications")


@login_required
def application_cv(request, pk):
    """The CV sent with an application: to the talent, the job's company and organisers."""
    application = application_cv_or_403(request, pk)
    name = f"cv-application-{application.pk}.pdf"
    response = FileResponse(
        application.cv.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Employer console: jobs ----------------------------------------------------------------------
@login_required
def console(request):
    company = staff_company(request)
    jobs = (
        Job.objects.filter(company=company)
        .defer("search_vector", "description")
        .annotate(
            applicants=Count("applications"),
            new_applicants=Count(
                "applications", filter=Q(applications__status=Application.Status.SUBMITTED)
            ),
        )
        .order_by("status", "-published_at", "-id")
    )
    return render(
        request,
        "jobs/console/job_list.html",
        {"company": company, "jobs": jobs},
    )


@login_required
def job_edit(request, pk=None):
    company = staff_company(request)
    job = company_job_or_404(request, pk) if pk else Job(company=company)
    form = JobForm(request.POST or None, instance=job)
    if request.method == "POST" and form.is_valid():
        edition = current_edition(request)
        if edition is None and job.pk is None:
            form.add_error(None, _("There is no expo edition to post jobs to yet."))
        else:
            job = services.save_job(
                form.instance, company=company, edition=edition, publish="publish" in request.POST
            )
            messages.success(request, _("Saved “%(title)s”.") % {"title": job.title})
            return redirect("jobs:console")
    return render(request, "jobs/console/job_form.html", {"form": form, "job": job})


@login_required
@require_POST
def job_state(request, pk):
    job = company_job_or_404(request, pk)
    action = request.POST.get("action")
    actions = {
        "publish": services.publish_job,
        "close": services.close_job,
        "reopen": services.reopen_job,
    }
    if action not in actions:
        messages.error(request, _("Unknown action."))
        return redirect("jobs:console")
    try:
        actions[action](job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        labels = {
            "publish": _("“%(title)s” is published."),
            "close": _("“%(title)s” is closed: talent can no longer apply."),
            "reopen": _("“%(title)s” is open again."),
        }
        messages.success(request, labels[action] % {"title": job.title})
    return redirect("jobs:console")


# --- Employer console: applicants ---------------------------------------------------------------
def _pipeline_queryset(request, job=None):
    applications = company_applications(
        request,
        Application.objects.select_related("job", "talent__talent_profile").defer(
            "job__search_vector", "job__description", "cover_note"
        ),
    )
    if job is not None:
        applications = applications.filter(job=job)
    return applications


def _status_counts(applications):
    counts = applications.order_by().aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in Application.Status.values}
    )
    return [(s, label, counts[s]) for s, label in Application.Status.choices]


def _render_pipeline(request, job=None):
    base = _pipeline_queryset(request, job)
    filterset = PipelineFilter(request.GET, queryset=base)
    page = Paginator(filterset.qs.order_by("-created_at", "-pk"), PIPELINE_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "job": job,
        "filterset": filterset,
        "page": page,
        "status_counts": _status_counts(base),
        "bulk_form": BulkStatusForm(),
        "pipeline_statuses": PIPELINE_STATUSES,
    }
    template = "jobs/console/_pipeline_table.html" if request.htmx else "jobs/console/pipeline.html"
    return render(request, template, context)


@login_required
def pipeline(request):
    return _render_pipeline(request)


@login_required
def job_pipeline(request, pk):
    return _render_pipeline(request, company_job_or_404(request, pk))


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def pipeline_bulk(request):
    staff_company(request)
    form = BulkStatusForm(request.POST)
    if form.is_valid():
        chosen = company_applications(request).filter(pk__in=form.cleaned_data["applications"])
        changed = services.bulk_change_status(
            chosen, form.cleaned_data["status"], request.user, site_url=_site_url(request)
        )
        messages.success(request, _("%(count)d applicants moved.") % {"count": changed})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _back(request, "jobs:pipeline")


@login_required
def pipeline_export(request):
    filterset = PipelineFilter(request.GET, queryset=_pipeline_queryset(request))
    rows = filterset.qs.order_by("-created_at", "-pk")
    header = [
        _("Applied at"),
        _("Job"),
        _("Candidate"),
        _("Email"),
        _("Status"),
        _("Education"),
        _("Based in"),
        _("Skills"),
    ]

    rows = (
        [
            timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
            a.job.title,
            a.talent.get_full_name() if a.talent else _("Deleted user"),
            a.talent.email if a.talent else "",
            a.get_status_display(),
            profile.get_education_level_display() if profile else "",
            profile.get_region_display() if profile else "",
            profile.skills if profile else "",
        ]
        for a in rows.iterator(chunk_size=500)
        for profile in [getattr(a.talent, "talent_profile", None) if a.talent else None]
    )
    return csv_response("applicants.csv", header, rows)


def _application_page(request, application, status_form=None, note_form=None, status=200):
    changes = application.status_changes.select_related("by")
    notes = application.notes.select_related("author")
    context = {
        "application": application,
        "changes": changes,
        "notes": notes,
        "status_form": status_form or StatusForm(initial={"status": application.status}),
        "note_form": note_form or NoteForm(),
        **extensions.application_context(request, application),
    }
    return render(request, "jobs/console/application.html", context, status=status)


def _company_application(request, pk):
    return company_application_or_404(
        request, pk, Application.objects.select_related("job__company", "talent__talent_profile")
    )


@login_required
def application_detail(request, pk):
    return _application_page(request, _company_application(request, pk))


@login_required
@require_POST
def application_status(request, pk):
    application = _company_application(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                application,
                form.cleaned_data["status"],
                request.user,
                note=form.cleaned_data["note"],
                site_url=_site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Status updated; the candidate was told by email."))
            return redirect("jobs:application", pk=application.pk)
    return _application_page(request, application, status_form=form, status=400)


@login_required
@require_POST
def application_note(request, pk):
    application = _company_application(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(application, request.user, form.cleaned_data["body"])
        messages.success(request, _("Note added."))
        return redirect("jobs:application", pk=application.pk)
    return _application_page(request, application, note_form=form, status=400)


# --- Employer console: talent search ------------------------------------------------------------
@login_required
def talent_search(request):
    staff_company(request)
    profiles = (
        TalentProfile.objects.filter(is_discoverable=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("sectors")
        .order_by("-updated_at", "-pk")
    )
    filterset = TalentSearchFilter(request.GET, queryset=profiles)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "jobs/console/talent_search.html", {"filterset": filterset, "page": page}
    )
