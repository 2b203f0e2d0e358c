"""Bulk imports of companies, booths and jobs, run in Celery with a preview and progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import private_storage


def import_upload_to(instance, filename):
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"imports/{uuid.uuid4().hex}.{extension}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        COMPANIES = "companies", _("Companies")
        BOOTHS = "booths", _("Booths")
        JOBS = "jobs", _("Jobs")

    class Mode(models.TextChoices):
        SKIP_BAD_ROWS = "skip_bad_rows", _("Import the valid rows and report the bad ones")
        ALL_OR_NOTHING = "all_or_nothing", _("Import nothing if any row is bad")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        CHECKED = "checked", _("Checked: ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Not imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("what to import"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=import_upload_to,
        max_length=200,
        help_text=_("CSV (UTF-8) or Excel (.xlsx) with a header row."),
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mode = models.CharField(
        _("when rows are bad"), max_length=20, choices=Mode.choices, default=Mode.SKIP_BAD_ROWS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        db_table = "expo_importjob"  # kept from when it lived in the expo app
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name or self.file.name}"

    @property
    def percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_running(self):
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
