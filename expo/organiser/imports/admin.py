from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expo.lib.admin_permissions import permission_required

from . import running, services
from .models import ImportJob
from .resources import RESOURCES
from .tasks import check_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportJobForm(forms.ModelForm):
    class Meta:
        model = ImportJob
        fields = ["kind", "file", "mode"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it in parts."))
        head = upload.read(4096)
        upload.seek(0)
        if not head.startswith(running.XLSX_MAGIC):
            try:
                head.decode("utf-8-sig")
            except UnicodeDecodeError:
                # The 4 KiB cut may split a character: accept a tail of up to 3 bytes.
                try:
                    head[:-3].decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise forms.ValidationError(
                        _("This is neither an Excel (.xlsx) file nor a UTF-8 CSV file.")
                    ) from None
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportJobForm
    list_display = [
        "__str__",
        "kind",
        "status",
        "total_rows",
        "imported_rows",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["original_name"]
    date_hierarchy = "created_at"
    change_form_template = "admin/organiser/importjob/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/progress/", view(self.progress_view), name="organiser_importjob_progress"
            ),
            path(
                "<int:pk>/confirm/",
                view(require_POST(self.confirm_view)),
                name="organiser_importjob_confirm",
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "kind",
            "file",
            "mode",
            "original_name",
            "status",
            "total_rows",
            "processed_rows",
            "valid_rows",
            "imported_rows",
            "message",
            "created_by",
            "created_at",
            "finished_at",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "file", "mode"]
        return [
            "kind",
            "original_name",
            "mode",
            "status",
            "total_rows",
            "valid_rows",
            "imported_rows",
            "message",
            "created_by",
            "created_at",
            "finished_at",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.original_name = form.cleaned_data["file"].name[:255]
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: check_import.delay(obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:organiser_importjob_change", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "columns": self._columns(object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _columns(self, object_id):
        job = ImportJob.objects.filter(pk=object_id).only("kind").first()
        if job is None:
            return []
        return [f.column_name for f in RESOURCES[job.kind]().get_import_fields()]

    def may_import(self, request, job) -> bool:
        """Starting an import writes companies, booths or jobs: it needs the right to add and
        change those too, not only the import job."""
        opts = RESOURCES[job.kind]._meta.model._meta
        return request.user.has_perms(
            f"{opts.app_label}.{get_permission_codename(action, opts)}"
            for action in ("add", "change")
        )

    @permission_required("view")
    def progress_view(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        return TemplateResponse(
            request,
            "admin/organiser/importjob/_progress.html",
            {"job": job, "can_import": self.may_import(request, job)},
        )

    @permission_required("change")
    def confirm_view(self, request, pk):
        if not self.may_import(request, get_object_or_404(ImportJob, pk=pk)):
            raise PermissionDenied
        if services.start_import(pk):
            self.message_user(
                request, _("Importing: this page follows the progress."), messages.SUCCESS
            )
        else:
            self.message_user(
                request, _("Nothing was imported (see the status below)."), messages.WARNING
            )
        return redirect("admin:organiser_importjob_change", pk)
