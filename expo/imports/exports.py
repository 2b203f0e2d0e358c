"""Exports of companies, booths and jobs in the columns of the import files (CSV or Excel)."""

from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX


class ExpoExportMixin(ExportActionMixin):
    """Adds "Export selected" (CSV or Excel) to a model admin; set resource_classes."""

    export_formats = [CSV, XLSX]
