"""A talent's personal data: export everything as JSON, or delete the account.

Both are lists of small functions so that other apps add their part without touching this
module's logic: register_collector (name, function(user) -> JSON-able), register_eraser
(function(user) called inside the deletion's transaction, before the user row goes) and
register_deletion_check, from their AppConfig.ready(). Bookings, applications, registrations and
chat add theirs so; accounts imports none of those apps.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


class DeletionRefused(Exception):
    """The account cannot be deleted now; str() says why and what to do."""


def iso(value):
    return value.isoformat() if value else None


def collect_account(user):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
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
        "cv_uploaded_at": iso(profile.cv_uploaded_at),
        "discoverable_by_employers": profile.is_discoverable,
        "updated_at": iso(profile.updated_at),
    }


def collect_shares(user):
    return [
        {"company": s.company.name, "shared_at": iso(s.created_at)}
        for s in user.profile_shares.select_related("company")
    ]


# The registries. accounts knows no other app: each app that holds personal data adds its
# collector, eraser and deletion check from its AppConfig.ready() (booths, jobs, the schedule,
# chat: see their personal_data.py).
EXPORT_COLLECTORS = [
    ("account", collect_account),
    ("profile", collect_profile),
    ("profile_shares", collect_shares),
]
ERASERS = []
DELETION_CHECKS = []


def register_collector(name, collector):
    """Export collector(user) (JSON-able) under name; registering a name again replaces it."""
    EXPORT_COLLECTORS[:] = [entry for entry in EXPORT_COLLECTORS if entry[0] != name]
    EXPORT_COLLECTORS.append((name, collector))


def register_eraser(eraser):
    """eraser(user) runs inside the deletion's transaction, before the user row goes."""
    if eraser not in ERASERS:
        ERASERS.append(eraser)


def register_deletion_check(check):
    """check(user) raises DeletionRefused when the account cannot be deleted now."""
    if check not in DELETION_CHECKS:
        DELETION_CHECKS.append(check)


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


register_eraser(erase_profile_files)


def check_can_delete(user) -> None:
    if user.is_staff:
        raise DeletionRefused(_("Organiser accounts are closed by another organiser in the admin."))
    for check in DELETION_CHECKS:
        check(user)


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
