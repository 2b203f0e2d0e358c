"""Django admin as the organiser's control room: the key-figures dashboard on the index."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from expo.lib.admin_permissions import has_admin_permissions, permission_required
from expo.lib.charts import bar_chart, labelled
from expo.lib.formatting import format_date

from .consumers import OPERATIONS_PERMISSIONS

# The key figures and live activity: aggregates of every app, for any role that may look.
DASHBOARD_PERMISSIONS = ("expo.view_expoedition",)


class ExpoAdminSite(admin.AdminSite):
    site_header = _("Career expo: organiser")
    site_title = _("Career expo admin")
    index_title = _("Control room")

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            path("operations/", self.admin_view(self.operations_view), name="operations"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_see_dashboard": has_admin_permissions(self, request, DASHBOARD_PERMISSIONS),
            "can_see_operations": has_admin_permissions(self, request, OPERATIONS_PERMISSIONS),
        }
        return super().index(request, extra_context)

    @permission_required(*DASHBOARD_PERMISSIONS)
    def dashboard_view(self, request):
        from expo.context_processors import current_edition

        from .dashboard import dashboard

        edition = current_edition(request)
        context = {**self.each_context(request), "title": _("Key figures"), "edition": edition}
        if edition is not None:
            data = dashboard(edition, refresh="refresh" in request.GET)
            context.update(
                data=data,
                applications_chart=bar_chart(
                    labelled(
                        (format_date(day, "j M"), n)
                        for day, n in data["activity"]["applications_per_day"]
                    )
                ),
                tracks_chart=bar_chart(labelled(data["activity"]["registrations_per_track"])),
                sectors_chart=bar_chart(labelled(data["sectors"])),
            )
        return TemplateResponse(request, "admin/organiser/dashboard.html", context)

    @permission_required(*OPERATIONS_PERMISSIONS)
    def operations_view(self, request):
        from expo.context_processors import current_edition

        from .operations import operations_snapshot

        edition = current_edition(request)
        return TemplateResponse(
            request,
            "admin/organiser/operations.html",
            {
                **self.each_context(request),
                "title": _("Live operations"),
                "edition": edition,
                "snapshot": operations_snapshot(edition) if edition else None,
            },
        )
