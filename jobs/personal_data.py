"""jobs' part of a user's personal data (registered in JobsConfig.ready(), see
accounts/personal_data.py)."""

from django.db import transaction

from accounts import personal_data
from accounts.personal_data import iso

from .models import Application


def collect_applications(user):
    return [
        {
            "job": a.job.title,
            "company": a.job.company.name,
            "status": a.status,
            "cover_note": a.cover_note,
            "applied_at": iso(a.created_at),
            "updated_at": iso(a.updated_at),
        }
        for a in Application.objects.filter(talent=user).select_related("job__company")
    ]


def anonymise_applications(user):
    """Employers keep their applicant counts and pipeline history: the application rows stay,
    without the person (talent becomes NULL, jobs.Application.talent is SET_NULL), their cover
    note or their CV file."""
    applications = Application.objects.filter(talent=user)
    for cv in applications.exclude(cv="").values_list("cv", flat=True):
        storage = Application._meta.get_field("cv").storage
        transaction.on_commit(lambda s=storage, n=cv: s.delete(n))
    applications.update(talent=None, cover_note="", cv="")


def register():
    personal_data.register_collector("applications", collect_applications)
    personal_data.register_eraser(anonymise_applications)
