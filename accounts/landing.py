"""Where people land after signing in (ACCOUNT_ADAPTER).

accounts knows no domain app: the apps above it say where their people belong
(accounts.extensions.LANDINGS); organiser staff go to the admin; anyone else (talent) to
allauth's LOGIN_REDIRECT_URL. An explicit ?next= always wins over all of this (allauth checks it
first).
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import extensions


def landing_for(user) -> str | None:
    path = extensions.landing_for(user)
    if path:
        return path
    if user.is_staff:  # organiser staff run the expo from the admin
        return reverse("admin:index")
    return None


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return landing_for(request.user) or super().get_login_redirect_url(request)
