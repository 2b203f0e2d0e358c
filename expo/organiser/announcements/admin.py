from django.contrib import admin, messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.lib.admin_permissions import permission_required

from . import services
from .models import Announcement, AnnouncementDelivery, AnnouncementOptOut


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "segment",
        "track",
        "status",
        "recipients_total",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "segment", "edition"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", "created_by", "send_requested_at", "sent_at", "recipients_total"]
    actions = ["send_announcements"]
    change_form_template = "admin/organiser/announcement/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="organiser_announcement_progress",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="organiser_announcement_preview",
            ),
            *super().get_urls(),
        ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Announcement.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {
            "banner_until": _("Leave blank to show the banner until the expo closes."),
            **kwargs.get("help_texts", {}),
        }
        return super().get_form(request, obj, **kwargs)

    @admin.action(description=_("Send the selected announcements"), permissions=["change"])
    def send_announcements(self, request, queryset):
        """First a confirmation page with each announcement's recipient count; sending
        happens only when the organiser confirms it there."""
        if request.POST.get("confirm") != "yes":
            rows = [(a, services.segment_users(a).count()) for a in queryset]
            return TemplateResponse(
                request,
                "admin/organiser/announcement/send_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Send these announcements?"),
                    "rows": rows,
                    "total": sum(count for _a, count in rows),
                    "queryset": queryset,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        started = sum(services.request_send(pk) for pk in queryset.values_list("pk", flat=True))
        skipped = queryset.count() - started
        if started:
            self.message_user(
                request,
                ngettext(
                    "Sending %(count)d announcement.", "Sending %(count)d announcements.", started
                )
                % {"count": started},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d announcement was already sent or sending; nobody gets it twice.",
                    "%(count)d announcements were already sent or sending; nobody gets them twice.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @permission_required("view")
    def progress_view(self, request, pk):
        announcement = get_object_or_404(Announcement, pk=pk)
        return TemplateResponse(
            request,
            "admin/organiser/announcement/_progress.html",
            {
                "announcement": announcement,
                "progress": services.progress(announcement),
            },
        )

    @permission_required("view")
    def preview_view(self, request, pk):
        announcement = get_object_or_404(Announcement, pk=pk)
        message = services.announcement_email(announcement, request.user)
        return TemplateResponse(
            request,
            "admin/organiser/announcement/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Preview: %(subject)s") % {"subject": message.subject},
                "announcement": announcement,
                "message": message,
                "html": message.alternatives[0][0],
                "recipients": services.segment_users(announcement).count(),
                "opts": self.model._meta,
            },
        )


@admin.register(AnnouncementDelivery)
class AnnouncementDeliveryAdmin(admin.ModelAdmin):
    list_display = ["announcement", "user", "sent_at"]
    list_filter = ["announcement"]
    search_fields = ["user__email", "announcement__subject"]
    list_select_related = ["announcement", "user"]
    readonly_fields = ["announcement", "user", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AnnouncementOptOut)
class AnnouncementOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
