"""Who may download a talent's CV: the one rule, used by every view that serves one."""

from booths.access import membership_for


def can_download_cv(user, profile) -> bool:
    """The owner; organiser staff; staff of a company the talent applied to (any job of the
    company) or chose to share the profile with. Nobody else, and never anonymous visitors."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == profile.user_id or user.is_staff:
        return True
    membership = membership_for(user)
    if membership is None:
        return False
    from jobs.models import Application

    from .models import ProfileShare

    company_id = membership.company_id
    return (
        ProfileShare.objects.filter(talent_id=profile.user_id, company_id=company_id).exists()
        or Application.objects.filter(
            talent_id=profile.user_id, job__company_id=company_id
        ).exists()
    )
