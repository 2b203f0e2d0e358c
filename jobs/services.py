"""Every state change of jobs and applications, with its side effects.

One service owns each change: applying (`check_can_apply` / `do_apply`), an application's
status (`change_status`, `bulk_change_status`, `withdraw`), notes, saved jobs and a job's
life (`save_job`, `publish_job`, `close_job`, `reopen_job`). Emails are rendered and queued only
after the transaction commits (and expo.lib.mail then delivers them from a Celery task).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from booths.models import Membership
from expo.lib import mail

from .models import (
    FINAL_STATUSES,
    PIPELINE_STATUSES,
    Application,
    ApplicationNote,
    ApplicationStatusChange,
    Job,
    SavedJob,
)


class ApplyError(ValidationError):
    """Why an application was refused, in words the talent can act on."""


# --- Email ------------------------------------------------------------------------------------
# --- Applying ---------------------------------------------------------------------------------
def check_can_apply(job, talent, now=None):
    """Raise ApplyError when `talent` may not apply to `job`."""
    if not job.is_open(now):
        raise ApplyError(
            _("This job is no longer taking applications (it closed or passed its deadline)."),
            code="closed",
        )
    if Membership.objects.filter(user=talent).exists():
        raise ApplyError(
            _("Employer staff accounts cannot apply to jobs. Sign in with a talent account."),
            code="staff",
        )
    if Application.objects.filter(job=job, talent=talent).exists():
        raise ApplyError(
            _("You have already applied to this job. See its status in My applications."),
            code="duplicate",
        )


def do_apply(job, talent, *, cover_note="", cv_upload=None, site_url=""):
    """Create the application with a private copy of the CV: the uploaded one, else the
    profile's. Side effects after commit: a confirmation to the talent and a notification to
    each of the company's staff."""
    check_can_apply(job, talent)
    profile = getattr(talent, "talent_profile", None)
    if cv_upload is None and not (profile and profile.cv):
        raise ApplyError(
            _("Please attach your CV as a PDF (your profile has none yet)."), code="no_cv"
        )
    if cv_upload is not None:
        cv_upload.seek(0)
        content = cv_upload.read()
    else:
        with profile.cv.open("rb") as handle:
            content = handle.read()
    try:
        with transaction.atomic():
            application = Application(job=job, talent=talent, cover_note=cover_note)
            application.cv.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
            application.save()
            ApplicationStatusChange.objects.create(
                application=application, from_status="", to_status=application.status, by=talent
            )
    except IntegrityError:
        if application.cv:
            application.cv.delete(save=False)
        raise ApplyError(
            _("You have already applied to this job. See its status in My applications."),
            code="duplicate",
        ) from None
    context = {
        "job_title": job.title,
        "company_name": job.company.name,
        "talent_name": talent.get_full_name(),
        "applications_path": reverse("jobs:my_applications"),
        "job_path": reverse("jobs:detail", args=[job.pk]),
        "pipeline_path": reverse("jobs:application", args=[application.pk]),
        "site_url": site_url,
    }
    # Each in their own language; expo.lib.mail queues the delivery after commit.
    mail.send_templated_email("jobs/email/application_received", [talent], context)
    staff = Membership.objects.filter(company_id=job.company_id).select_related("user")
    mail.send_templated_email("jobs/email/application_new", [m.user for m in staff], context)
    return application


# --- Status -----------------------------------------------------------------------------------
def _record(application, to_status, by, note=""):
    change = ApplicationStatusChange(
        application=application,
        from_status=application.status,
        to_status=to_status,
        by=by,
        note=note[:500],
    )
    application.status = to_status
    application.save(update_fields=["status", "updated_at"])
    change.save()
    return change


def _status_email(application, site_url=""):
    talent = application.talent
    if talent is None:
        return
    context = {
        "job_title": application.job.title,
        "company_name": application.job.company.name,
        "talent_name": talent.get_full_name(),
        "status": application.status,
        # Lazy: rendered in the talent's language, not the language of the staff who changed it.
        "status_label": Application.Status(application.status).label,
        "applications_path": reverse("jobs:my_applications"),
        "site_url": site_url,
    }
    mail.send_templated_email("jobs/email/status_changed", [talent], context)


def change_status(application, to_status, by, note="", site_url=""):
    """Move an application (of the company `by` works for; the caller checked) to `to_status`,
    record it in the history and tell the talent. A no-op when the status is unchanged."""
    if to_status not in PIPELINE_STATUSES:
        raise ValidationError(_("Choose one of the pipeline's statuses."), code="invalid")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status == Application.Status.WITHDRAWN:
            raise ValidationError(
                _("The candidate withdrew this application; its status cannot change."),
                code="withdrawn",
            )
        if application.status == to_status:
            return application
        _record(application, to_status, by, note)
    application = Application.objects.select_related("job__company", "talent").get(
        pk=application.pk
    )
    _status_email(application, site_url)
    return application


def bulk_change_status(applications, to_status, by, site_url=""):
    """change_status for each application of a queryset (already scoped to the company).
    Returns how many changed; withdrawn ones are skipped."""
    changed = 0
    with transaction.atomic():
        for application in applications.exclude(status=Application.Status.WITHDRAWN).exclude(
            status=to_status
        ):
            change_status(application, to_status, by, site_url=site_url)
            changed += 1
    return changed


def withdraw(application, by):
    """The talent withdraws their own application (the caller checked ownership)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status in FINAL_STATUSES:
            raise ValidationError(
                _("This application is already closed (%(status)s).")
                % {"status": application.get_status_display()},
                code="final",
            )
        _record(application, Application.Status.WITHDRAWN, by)
    return application


def add_note(application, author, body):
    return ApplicationNote.objects.create(application=application, author=author, body=body)


# --- Saved jobs -------------------------------------------------------------------------------
def toggle_saved(user, job):
    """Save the job, or unsave it when saved. Returns whether it is saved now."""
    deleted, _rows = SavedJob.objects.filter(user=user, job=job).delete()
    if deleted:
        return False
    SavedJob.objects.get_or_create(user=user, job=job)
    return True


# --- A job's life (employer console) ----------------------------------------------------------
def save_job(job, *, company, edition, publish=False):
    """Create or edit a job of `company` from a validated form's instance. `publish` publishes
    a draft (and stamps published_at once)."""
    job.company = company
    if job.pk is None:
        job.edition = edition
    if publish and job.status != Job.Status.PUBLISHED:
        job.status = Job.Status.PUBLISHED
    if job.status == Job.Status.PUBLISHED and job.published_at is None:
        job.published_at = timezone.now()
    job.save()
    return job


def publish_job(job):
    job.status = Job.Status.PUBLISHED
    job.published_at = job.published_at or timezone.now()
    job.save(update_fields=["status", "published_at", "updated_at"])
    return job


def close_job(job):
    job.status = Job.Status.CLOSED
    job.save(update_fields=["status", "updated_at"])
    return job


def reopen_job(job):
    """Publish again; a deadline in the past must be moved first (the form says so)."""
    if job.deadline is not None and job.deadline <= timezone.now():
        raise ValidationError(
            _("The deadline has passed. Edit the job and set a new deadline to reopen it."),
            code="deadline",
        )
    return publish_job(job)
