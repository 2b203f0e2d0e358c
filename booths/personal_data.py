"""booths' part of a user's personal data (registered in BoothsConfig.ready(), see
accounts/personal_data.py)."""

from django.utils.translation import gettext as _

from accounts import personal_data
from accounts.personal_data import DeletionRefused, iso

from .models import Membership


def collect_bookmarks(user):
    return [
        {"company": b.booth.company.name, "bookmarked_at": iso(b.created_at)}
        for b in user.booth_bookmarks.select_related("booth__company")
    ]


def check_not_last_admin(user) -> None:
    """The last admin of a company must hand over first."""
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


def register():
    personal_data.register_collector("booth_bookmarks", collect_bookmarks)
    personal_data.register_deletion_check(check_not_last_admin)
