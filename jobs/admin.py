from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.lib.exports import ExpoExportMixin
from expo.lib.readonly_admin import ReadOnlyAdmin
from expo.lib.spreadsheets import csv_response

from .models import Application, ApplicationNote, ApplicationStatusChange, Job, SavedJob
from .resources import JobResource


def export_csv(columns, filename):
    """An admin action writing the selected rows as CSV: columns are (header, getter)."""

    def action(modeladmin, request, queryset):
        return csv_response(
            filename,
            [header for header, _getter in columns],
            (
                [getter(row) for _header, getter in columns]
                for row in queryset.iterator(chunk_size=1000)
            ),
        )

    action.short_description = _("Export selected as CSV")
    action.allowed_permissions = ("view",)
    action.__name__ = f"export_{filename.split('.')[0]}_csv"
    return action


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


JOB_COLUMNS = [
    (_("id"), lambda j: j.pk),
    (_("title"), lambda j: j.title),
    (_("company"), lambda j: j.company.name),
    (_("programme"), lambda j: j.company.get_programme_display()),
    (_("sector"), lambda j: j.sector.name),
    (_("level"), lambda j: j.get_level_display()),
    (_("minimum education"), lambda j: j.get_min_education_display()),
    (_("employment type"), lambda j: j.get_employment_type_display()),
    (_("location"), lambda j: j.location),
    (_("open to overseas talent"), lambda j: j.open_to_overseas),
    (_("open to GBA talent"), lambda j: j.open_to_gba),
    (_("status"), lambda j: j.get_status_display()),
    (_("published at"), lambda j: _when(j.published_at)),
    (_("application deadline"), lambda j: _when(j.deadline)),
]
APPLICATION_COLUMNS = [
    (_("id"), lambda a: a.pk),
    (_("job"), lambda a: a.job.title),
    (_("company"), lambda a: a.job.company.name),
    (_("programme"), lambda a: a.job.company.get_programme_display()),
    (_("talent"), lambda a: a.talent.get_full_name() if a.talent else ""),
    (_("email"), lambda a: a.talent.email if a.talent else ""),
    (_("status"), lambda a: a.get_status_display()),
    (_("applied at"), lambda a: _when(a.created_at)),
]


@admin.register(Job)
class JobAdmin(ExpoExportMixin, admin.ModelAdmin):
    resource_classes = [JobResource]  # CSV/Excel in the import file's columns
    list_display = [
        "title",
        "company",
        "sector",
        "level",
        "min_education",
        "employment_type",
        "open_to_overseas",
        "open_to_gba",
        "status",
        "deadline",
    ]
    list_filter = [
        "status",
        "edition",
        "company__programme",
        "sector",
        "is_tech_rd",
        "level",
        "min_education",
        "employment_type",
        "open_to_overseas",
        "open_to_gba",
    ]
    search_fields = ["title", "company__name", "skills"]
    list_select_related = ["company", "sector"]
    autocomplete_fields = ["company"]
    date_hierarchy = "published_at"
    actions = [export_csv(JOB_COLUMNS, "jobs.csv"), "close_jobs"]

    @admin.action(description=_("Close the selected jobs"), permissions=["change"])
    def close_jobs(self, request, queryset):
        from . import services

        jobs = list(queryset.exclude(status=Job.Status.CLOSED))
        for job in jobs:
            services.close_job(job)
        self.message_user(
            request,
            ngettext("%(count)d job closed.", "%(count)d jobs closed.", len(jobs))
            % {"count": len(jobs)},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")


class StatusChangeInline(admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NoteInline(admin.TabularInline):
    model = ApplicationNote
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at", "author"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["job", "talent", "status", "created_at"]
    list_filter = [
        "status",
        "job__company__programme",
        "job__sector",
        "job__level",
        "job__min_education",
        "job__employment_type",
    ]
    search_fields = ["job__title", "job__company__name", "talent__email", "talent__full_name"]
    list_select_related = ["job__company", "talent"]
    autocomplete_fields = ["job", "talent"]
    exclude = ["cv"]
    # Status changes go through jobs.services (history and email): read-only here.
    readonly_fields = ["status"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, NoteInline]
    actions = [export_csv(APPLICATION_COLUMNS, "applications.csv")]


@admin.register(SavedJob)
class SavedJobAdmin(admin.ModelAdmin):
    list_display = ["user", "job", "created_at"]
    list_select_related = ["user", "job"]
    raw_id_fields = ["user", "job"]


@admin.register(ApplicationStatusChange)
class ApplicationStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["application", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["application__job__title", "application__talent__email", "by__email"]
    list_select_related = ["application__job", "application__talent", "by"]
    date_hierarchy = "at"


@admin.register(ApplicationNote)
class ApplicationNoteAdmin(ReadOnlyAdmin):
    list_display = ["application", "author", "created_at"]
    search_fields = ["body", "application__job__title", "author__email"]
    list_select_related = ["application__job", "application__talent", "author"]
    date_hierarchy = "created_at"
