"""What booths add to the accounts app (registered in BoothsConfig.ready()): the talent's
bookmarked booths and the user's company on the dashboard, the staff's own dashboard and landing
(their console), and CV access for staff of a company the talent shared the profile with."""

from accounts.models import ProfileShare

from .access import membership_for
from .models import Bookmark


def dashboard_part(request) -> dict:
    bookmarks = Bookmark.objects.filter(user=request.user).select_related("booth__company__sector")
    return {"bookmarks": list(bookmarks), "membership": membership_for(request.user)}


def reads_shared_cv(user, profile) -> bool:
    membership = membership_for(user)
    return (
        membership is not None
        and ProfileShare.objects.filter(
            talent_id=profile.user_id, company_id=membership.company_id
        ).exists()
    )


def workplace(user) -> dict | None:
    membership = membership_for(user)
    return {"membership": membership} if membership is not None else None


def register():
    from accounts import access, extensions

    from .landing import employer_landing

    extensions.DASHBOARD_PARTS["booths"] = dashboard_part
    extensions.WORKPLACES["booths"] = workplace
    extensions.LANDINGS["booths"] = employer_landing
    access.register_cv_reader("shared_with_company", reads_shared_cv)
