"""A talent's personal data: export everything as JSON, or delete the account.

Both are lists of small functions so that other apps add their part without touching this
module's logic: append a collector to EXPORT_COLLECTORS (name, function(user) -> JSON-able) and
an eraser to ERASERS (function(user) called inside the deletion's transaction, before the user
row goes). The chat app, for instance, adds its conversations to both.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


class DeletionRefused(Exception):
    """The account cannot be deleted now; str() says why and what to do."""


def _iso(value):
    return value.isoformat() if value else None


def collect_account(user):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def collect_profile(user):
    from .models import TalentProfile

    profile = TalentProfile.objects.filter(user=user).prefetch_related("sectors").first()
    if profile is None:
        return None
    return {
        "headline": profile.headline,
        "education_level": profile.education_level,
        "field_of_study": profile.field_of_study,
        "institution": profile.institution,
        "graduation_year": profile.graduation_year,
        "experience_level": profile.experience_level,
        "skills": profile.skill_list,
        "sectors_of_interest": [s.name for s in profile.sectors.all()],
        "region": profile.region,
        "city": profile.city,
        "country": profile.country,
        "seeking": profile.seeking,
        "languages": profile.languages,
        "links": [line.strip() for line in profile.links.splitlines() if line.strip()],
        "has_cv": bool(profile.cv),
        "cv_uploaded_at": _iso(profile.cv_uploaded_at),
        "discoverable_by_employers": profile.is_discoverable,
        "updated_at": _iso(profile.updated_at),
    }


def collect_applications(user):
    from jobs.models import Application

    return [
        {
            "job": a.job.title,
            "company": a.job.company.name,
            "status": a.status,
            "cover_note": a.cover_note,
            "applied_at": _iso(a.created_at),
            "updated_at": _iso(a.updated_at),
        }
        for a in Application.objects.filter(talent=user).select_related("job__company")
    ]


def collect_registrations(user):
    return [
        {
            "session": r.session.title,
            "starts_at": _iso(r.session.starts_at),
            "status": r.status,
            "registered_at": _iso(r.created_at),
        }
        for r in user.registrations.select_related("session")
    ]


def collect_bookmarks(user):
    return [
        {"company": b.booth.company.name, "bookmarked_at": _iso(b.created_at)}
        for b in user.booth_bookmarks.select_related("booth__company")
    ]


def collect_shares(user):
    return [
        {"company": s.company.name, "shared_at": _iso(s.created_at)}
        for s in user.profile_shares.select_related("company")
    ]


EXPORT_COLLECTORS = [
    ("account", collect_account),
    ("profile", collect_profile),
    ("applications", collect_applications),
    ("registrations", collect_registrations),
    ("booth_bookmarks", collect_bookmarks),
    ("profile_shares", collect_shares),
]


def export_personal_data(user) -> dict:
    data = {"exported_at": timezone.now().isoformat(), "format": 1}
    for name, collector in EXPORT_COLLECTORS:
        data[name] = collector(user)
    return data


# --- Deletion --------------------------------------------------------------------------------
def erase_profile_files(user):
    """The CV file goes (after commit); the profile row goes with the user (CASCADE)."""
    from .models import TalentProfile

    profile = TalentProfile.objects.filter(user=user).first()
    if profile is not None and profile.cv:
        storage, name = profile.cv.storage, profile.cv.name
        transaction.on_commit(lambda: storage.delete(name))


def anonymise_applications(user):
    """Employers keep their applicant counts and pipeline history: the application rows stay,
    without the person (talent becomes NULL, jobs.Application.talent is SET_NULL), their cover
    note or their CV file."""
    from jobs.models import Application

    applications = Application.objects.filter(talent=user)
    for cv in applications.exclude(cv="").values_list("cv", flat=True):
        storage = Application._meta.get_field("cv").storage
        transaction.on_commit(lambda s=storage, n=cv: s.delete(n))
    applications.update(talent=None, cover_note="", cv="")


ERASERS = [erase_profile_files, anonymise_applications]


def check_can_delete(user) -> None:
    from booths.models import Membership

    if user.is_staff:
        raise DeletionRefused(_("Organiser accounts are closed by another organiser in the admin."))
    membership = Membership.objects.filter(user=user).select_related("company").first()
    if membership is not None and membership.role == Membership.Role.ADMIN:
        others = Membership.objects.filter(
            company_id=membership.company_id, role=Membership.Role.ADMIN
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise DeletionRefused(
                _(
                    "You are the only admin of %(company)s. Make a colleague an admin before "
                    "deleting your account."
                )
                % {"company": membership.company}
            )


@transaction.atomic
def delete_account(user) -> None:
    """Delete the account and personal data; keep what others need in anonymised form.

    Side effects: files removed after commit; rows that cascade from the user (profile,
    bookmarks, shares, registrations, memberships, email addresses) go with it. Booth visits
    hold only a keyed hash and stay as anonymous counts."""
    check_can_delete(user)
    for eraser in ERASERS:
        eraser(user)
    user.delete()
