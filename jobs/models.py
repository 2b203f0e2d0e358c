"""Jobs posted at the expo and the applications talent make."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import private_storage
from expo.choices import Education, EmploymentType, Level

LEVEL_LABELS = dict(Level.choices)  # lazy: in the language active when shown
EMPLOYMENT_TYPE_LABELS = dict(EmploymentType.choices)


class JobQuerySet(models.QuerySet):
    def open(self, now=None):
        """Published and not past the deadline: computed from the clock, never flipped."""
        now = now or timezone.now()
        return self.filter(status=Job.Status.PUBLISHED).filter(
            Q(deadline__isnull=True) | Q(deadline__gt=now)
        )


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    edition = models.ForeignKey(
        "expo.ExpoEdition",
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("edition"),
    )
    company = models.ForeignKey(
        "booths.Company",
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("company"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    skills = models.CharField(
        _("skills"), max_length=500, blank=True, help_text=_("Separate skills with commas.")
    )
    sector = models.ForeignKey(
        "booths.Sector", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("sector")
    )
    is_tech_rd = models.BooleanField(_("technology and R&D"), default=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    min_education = models.CharField(
        _("minimum education"), max_length=20, choices=Education.choices
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    location = models.CharField(_("location"), max_length=200, default="Hong Kong")
    open_to_overseas = models.BooleanField(_("open to overseas talent"), default=False)
    open_to_gba = models.BooleanField(_("open to GBA talent"), default=False)
    salary_min = models.PositiveIntegerField(_("monthly salary from (HKD)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("monthly salary to (HKD)"), null=True, blank=True)
    deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Kept current by a PostgreSQL trigger (migration 0002): title A, company name and skills B,
    # description C. Never written by Django; NULL on SQLite, where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["edition", "status", "-published_at"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["edition", "status", "deadline"], name="jobs_job_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="salary_range_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.company})"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and (
            self.deadline is None or self.deadline > now
        )

    @property
    def is_closed_by_deadline(self):
        """Published, but past its deadline: closed by the clock, not by anyone."""
        return self.status == self.Status.PUBLISHED and not self.is_open()

    @property
    def skill_list(self):
        return [s.strip() for s in self.skills.split(",") if s.strip()]

    # get_level_display() rebuilds the field's choices on every call (~15 µs); a search page
    # renders 20 cards with two such labels each.
    @property
    def level_label(self):
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def employment_type_label(self):
        return EMPLOYMENT_TYPE_LABELS.get(self.employment_type, self.employment_type)


def application_cv_upload_to(instance, filename):
    return f"applications/{uuid.uuid4().hex}.pdf"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWING = "reviewing", _("Reviewing")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        INTERVIEW = "interview", _("Interview")
        OFFER = "offer", _("Offer")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Not progressed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    job = models.ForeignKey(
        Job, on_delete=models.CASCADE, related_name="applications", verbose_name=_("job")
    )
    talent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="applications",
        verbose_name=_("talent"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    cover_note = models.TextField(_("cover note"), max_length=5000, blank=True)
    cv = models.FileField(
        _("CV"),
        storage=private_storage,
        upload_to=application_cv_upload_to,
        blank=True,
        max_length=200,
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "talent"], name="one_application_per_job")
        ]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self):
        return f"{self.talent or _('Deleted user')} → {self.job.title}"

    @property
    def is_active(self):
        """Still in the pipeline: neither withdrawn, hired nor rejected."""
        return self.status not in FINAL_STATUSES

    @property
    def can_withdraw(self):
        return self.status not in FINAL_STATUSES


FINAL_STATUSES = {
    Application.Status.HIRED,
    Application.Status.REJECTED,
    Application.Status.WITHDRAWN,
}
# The statuses a company moves an application through (withdrawing is the talent's own step).
PIPELINE_STATUSES = [s for s in Application.Status if s != Application.Status.WITHDRAWN]


class ApplicationStatusChange(models.Model):
    """One step in an application's history, written only by jobs.services."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("application"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Application.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Application.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"


class ApplicationNote(models.Model):
    """A note by the company's staff about an applicant; never shown to the talent."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant note")
        verbose_name_plural = _("applicant notes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:50]


class SavedJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_jobs",
        verbose_name=_("user"),
    )
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+", verbose_name=_("job"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved job")
        verbose_name_plural = _("saved jobs")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "job"], name="one_save_per_job")]

    def __str__(self):
        return f"{self.user} ☆ {self.job_id}"
