"""Exports of companies, booths and jobs in the columns of the import files (CSV or Excel)."""

from django.contrib import admin
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX

from expo.lib.admin_permissions import permission_required


class ExpoExportMixin(ExportActionMixin):
    """Adds "Export selected" (CSV or Excel) to a model admin; set resource_classes.

    Exporting needs the model's view permission (django-import-export lets any staff member
    export unless told otherwise)."""

    export_formats = [CSV, XLSX]

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    @permission_required("export")
    def export_action(self, request):
        return super().export_action(request)

    @admin.action(permissions=["export"])
    def export_admin_action(self, request, queryset):
        return super().export_admin_action(request, queryset)
