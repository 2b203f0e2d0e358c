"""The django-import-export resource of jobs: the columns of the jobs import and export file."""

from import_export import fields, resources

from booths.resources import CompanyWidget, CurrentEditionMixin, SectorWidget
from expo.models import ExpoEdition
from jobs.models import Job


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
