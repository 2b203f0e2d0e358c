"""Employer staff land where their day is: the chat console once their booth is approved (talent
queue there), the booth console before that (accounts.landing)."""

from django.urls import reverse

from .models import Booth, Membership


def employer_landing(user) -> str | None:
    membership = Membership.objects.filter(user=user).select_related("company").first()
    if membership is None:
        return None
    approved = Booth.objects.filter(company=membership.company, status=Booth.Status.APPROVED)
    return reverse("chat:console") if approved.exists() else reverse("booths:console")
