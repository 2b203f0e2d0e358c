"""What jobs add to the accounts app (registered in JobsConfig.ready()): CV access for staff of
a company the talent applied to (any job of the company)."""

from booths.access import membership_for

from .models import Application


def reads_applicant_cv(user, profile) -> bool:
    membership = membership_for(user)
    return (
        membership is not None
        and Application.objects.filter(
            talent_id=profile.user_id, job__company_id=membership.company_id
        ).exists()
    )


def register():
    from accounts import access

    access.register_cv_reader("applied_to_company", reads_applicant_cv)
