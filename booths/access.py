"""Who may act for which company. Every view that shows or changes a company's data gets the
company through here, so that none can forget the check."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Booth, Company, Membership


def membership_for(user):
    """The user's company membership, or None (talent, organiser, anonymous)."""
    if not user.is_authenticated:
        return None
    cache_name = "_expo_membership"
    if not hasattr(user, cache_name):
        setattr(
            user,
            cache_name,
            Membership.objects.select_related("company").filter(user=user).first(),
        )
    return getattr(user, cache_name)


def is_booth_staff(user, booth) -> bool:
    """Whether the user works for the booth's company, read afresh (never cached on the user:
    a long-lived socket must see a removal from the company at once)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, company_id=booth.company_id).exists()
    )


def staff_company(request, role=None) -> Company:
    """The company the signed-in user works for; 403 for everyone else.

    role="admin" limits to company admins (team and booth management)."""
    membership = membership_for(request.user)
    if membership is None or (role is not None and membership.role != role):
        raise PermissionDenied
    return membership.company


def is_company_staff(user, company_id) -> bool:
    membership = membership_for(user)
    return membership is not None and membership.company_id == company_id


def get_company_object_or_404(request, queryset, company_field="company", **lookup):
    """One object of the user's own company. An object of another company is a 404, exactly
    like one that does not exist, so ids of other companies leak nothing."""
    company = staff_company(request)
    return get_object_or_404(queryset, **{company_field: company}, **lookup)


def booth_for_staff(request, edition, role=None) -> Booth:
    company = staff_company(request, role=role)
    return get_object_or_404(Booth, edition=edition, company=company)
