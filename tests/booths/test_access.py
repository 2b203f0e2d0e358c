"""The one place that decides which company a user acts for."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from booths.access import get_company_object_or_404, staff_company
from booths.models import Booth

pytestmark = pytest.mark.django_db


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_staff_act_for_their_own_company(recruiter, company_admin, company_a):
    assert staff_company(request_as(recruiter)) == company_a
    assert staff_company(request_as(company_admin), role="admin") == company_a


def test_a_recruiter_is_not_a_company_admin(recruiter):
    with pytest.raises(PermissionDenied):
        staff_company(request_as(recruiter), role="admin")


def test_talent_and_organisers_act_for_no_company(talent, organiser):
    for user in (talent, organiser):
        with pytest.raises(PermissionDenied):
            staff_company(request_as(user))


def test_another_companys_object_is_a_404(recruiter, booth_a, booth_b):
    request = request_as(recruiter)

    assert get_company_object_or_404(request, Booth.objects.all(), pk=booth_a.pk) == booth_a
    with pytest.raises(Http404):
        get_company_object_or_404(request, Booth.objects.all(), pk=booth_b.pk)
