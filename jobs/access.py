"""Who may see which job and application. Every view gets its objects through here, and the
company scoping goes through booths.access, so no view can forget a check."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from booths.access import get_company_object_or_404, is_company_staff, staff_company

from .models import Application, Job


def company_job_or_404(request, pk, queryset=None):
    """A job of the signed-in staff member's company (403 for non-staff, 404 for others')."""
    queryset = queryset if queryset is not None else Job.objects.all()
    return get_company_object_or_404(request, queryset, pk=pk)


def company_applications(request, queryset=None):
    """The applications to the staff member's company's jobs (403 for non-staff)."""
    company = staff_company(request)
    queryset = queryset if queryset is not None else Application.objects.all()
    return queryset.filter(job__company=company)


def company_application_or_404(request, pk, queryset=None):
    queryset = queryset if queryset is not None else Application.objects.all()
    return get_company_object_or_404(request, queryset, company_field="job__company", pk=pk)


def own_application_or_404(request, pk, queryset=None):
    """The signed-in talent's own application; anybody else's is a 404."""
    queryset = queryset if queryset is not None else Application.objects.all()
    return get_object_or_404(queryset, pk=pk, talent=request.user)


def visible_job_or_404(request, pk, queryset=None):
    """A job's public page: published jobs (also past their deadline, shown as closed) for
    everyone; drafts and closed jobs only for their company's staff and organisers."""
    queryset = queryset if queryset is not None else Job.objects.all()
    job = get_object_or_404(queryset, pk=pk)
    if job.status != Job.Status.PUBLISHED and not (
        request.user.is_staff or is_company_staff(request.user, job.company_id)
    ):
        if (
            job.status == Job.Status.CLOSED
            and Application.objects.filter(job=job, talent_id=request.user.pk).exists()
        ):
            return job  # an applicant may still read the job they applied to
        raise_404()
    return job


def application_cv_or_403(request, pk):
    """An application whose CV the user may download: the talent who applied, staff of the
    job's company, organisers. Everyone else gets 404 (the id leaks nothing)."""
    application = get_object_or_404(Application.objects.select_related("job"), pk=pk)
    user = request.user
    allowed = (
        user.is_staff
        or application.talent_id == user.pk
        or is_company_staff(user, application.job.company_id)
    )
    if not allowed:
        raise_404()
    if not application.cv:
        raise_404()
    return application


def raise_404():
    raise Http404
