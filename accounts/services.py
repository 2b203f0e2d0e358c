"""Changes to a talent's profile, CV and sharing choices."""

from django.db import transaction
from django.utils import timezone

from .models import ProfileShare, TalentProfile


def profile_for(user) -> TalentProfile:
    profile, _ = TalentProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def save_profile(form) -> TalentProfile:
    """Save the profile form. A new CV replaces the old one, whose file is removed after
    commit."""
    profile = form.instance
    # The form has already put the upload on the instance: the stored name comes from the row.
    old = TalentProfile.objects.filter(pk=profile.pk).values_list("cv", flat=True).first() or ""
    new_cv = form.cleaned_data.get("cv")
    profile = form.save(commit=False)
    if new_cv and hasattr(new_cv, "content_type"):
        profile.cv_uploaded_at = timezone.now()
    profile.save()
    form.save_m2m()
    if old and old != profile.cv.name:
        storage = profile.cv.storage
        transaction.on_commit(lambda: storage.delete(old))
    return profile


@transaction.atomic
def delete_cv(profile) -> None:
    if not profile.cv:
        return
    storage, name = profile.cv.storage, profile.cv.name
    profile.cv = ""
    profile.cv_uploaded_at = None
    profile.save(update_fields=["cv", "cv_uploaded_at", "updated_at"])
    transaction.on_commit(lambda: storage.delete(name))


def toggle_share(user, company) -> bool:
    """Share the profile (and CV) with a company, or stop sharing; returns whether shared."""
    deleted, _ = ProfileShare.objects.filter(talent=user, company=company).delete()
    if deleted:
        return False
    ProfileShare.objects.get_or_create(talent=user, company=company)
    return True


COMPLETENESS_FIELDS = [
    "headline",
    "education_level",
    "field_of_study",
    "institution",
    "graduation_year",
    "experience_level",
    "skills",
    "region",
    "seeking",
    "languages",
    "cv",
]


def completeness(profile, sector_count) -> dict:
    """Share of the profile filled in, and the labels of what is missing."""
    missing = [
        str(TalentProfile._meta.get_field(name).verbose_name)
        for name in COMPLETENESS_FIELDS
        if not getattr(profile, name)
    ]
    if not sector_count:
        missing.append(str(TalentProfile._meta.get_field("sectors").verbose_name))
    total = len(COMPLETENESS_FIELDS) + 1
    return {"percent": round(100 * (total - len(missing)) / total), "missing": missing}
