"""What jobs add to the exhibition hall and a booth's page (registered in JobsConfig.ready(),
see booths/extensions.py)."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Job

BOOTH_JOBS_SHOWN = 10


def open_jobs_count():
    """Each booth's open jobs (its company's, in its edition), as one subquery."""
    jobs = (
        Job.objects.open()
        .filter(company_id=OuterRef("company_id"), edition_id=OuterRef("edition_id"))
        .order_by()
        .values("company_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(jobs, output_field=IntegerField()), 0)


def hiring_abroad(queryset):
    """Booths with an open job for overseas or GBA talent."""
    jobs = Job.objects.open().filter(
        Q(open_to_overseas=True) | Q(open_to_gba=True),
        company_id=OuterRef("company_id"),
        edition_id=OuterRef("edition_id"),
    )
    return queryset.filter(Exists(jobs))


def booth_jobs(request, booth) -> dict:
    jobs = Job.objects.open().filter(company_id=booth.company_id, edition_id=booth.edition_id)
    return {
        "jobs": list(jobs.select_related("sector")[:BOOTH_JOBS_SHOWN]),
        "job_count": jobs.count(),
    }


def register():
    from booths import extensions

    extensions.HALL_ANNOTATIONS["open_jobs"] = open_jobs_count
    extensions.HALL_FILTERS["hiring_abroad"] = hiring_abroad
    extensions.BOOTH_PAGE_PARTS["jobs"] = booth_jobs
