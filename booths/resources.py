"""django-import-export resources of companies and booths: the columns of their import and
export files (the organiser's imports in expo/organiser/imports/ use them)."""

from import_export import fields, resources, widgets

from booths.models import Booth, Company, Sector
from expo.models import ExpoEdition


class SectorWidget(widgets.ForeignKeyWidget):
    """A sector by its name or slug, case-insensitive."""

    def __init__(self):
        super().__init__(Sector, "name")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        text = str(value).strip()
        sector = (
            Sector.objects.filter(name__iexact=text).first()
            or Sector.objects.filter(slug__iexact=text).first()
        )
        if sector is None:
            raise ValueError(f"Unknown sector {text!r}.")
        return sector


class CompanyWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Company, "slug")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        company = Company.objects.filter(slug=str(value).strip()).first()
        if company is None:
            raise ValueError(f"Unknown company {value!r} (use the company's slug).")
        return company


class CurrentEditionMixin:
    """Rows go to the current edition; the file does not name it."""

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.edition = ExpoEdition.objects.current()
        return instance


class CompanyResource(resources.ModelResource):
    sector = fields.Field(attribute="sector", column_name="sector", widget=SectorWidget())

    class Meta:
        model = Company
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "programme",
            "sector",
            "website",
            "headquarters",
            "has_gba_or_overseas_office",
        ]
        clean_model_instances = True
        skip_unchanged = True


class BoothResource(CurrentEditionMixin, resources.ModelResource):
    company = fields.Field(attribute="company", column_name="company", widget=CompanyWidget())

    class Meta:
        model = Booth
        import_id_fields = ["company"]
        fields = ["company", "tagline", "description", "video_url", "status"]
        clean_model_instances = True
        skip_unchanged = True

    def get_instance(self, instance_loader, row):
        company = CompanyWidget().clean(row.get("company"))
        return Booth.objects.filter(company=company, edition=ExpoEdition.objects.current()).first()
