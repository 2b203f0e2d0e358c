"""django-import-export resources: the columns of each import and export file."""

from import_export import fields, resources, widgets

from booths.models import Booth, Company, Sector
from expo.models import ExpoEdition
from jobs.models import Job


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


class JobResource(CurrentEditionMixin, resources.ModelResource):
    company = fields.Field(attribute="company", column_name="company", widget=CompanyWidget())
    sector = fields.Field(attribute="sector", column_name="sector", widget=SectorWidget())

    class Meta:
        model = Job
        import_id_fields = ["company", "title"]
        fields = [
            "company",
            "title",
            "description",
            "skills",
            "sector",
            "is_tech_rd",
            "level",
            "min_education",
            "employment_type",
            "location",
            "open_to_overseas",
            "open_to_gba",
            "salary_min",
            "salary_max",
            "deadline",
            "status",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_instance(self, instance_loader, row):
        try:
            company = CompanyWidget().clean(row.get("company"))
        except ValueError:
            return None
        return Job.objects.filter(
            company=company, title=row.get("title"), edition=ExpoEdition.objects.current()
        ).first()

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.status = Job.Status.PUBLISHED  # unless the file says otherwise
        return instance

    def before_save_instance(self, instance, row, **kwargs):
        from django.utils import timezone

        if not row.get("status"):
            instance.status = Job.Status.PUBLISHED
        if instance.status == Job.Status.PUBLISHED and instance.published_at is None:
            instance.published_at = timezone.now()


RESOURCES = {"companies": CompanyResource, "booths": BoothResource, "jobs": JobResource}
