"""Three roles: talent by default, employer staff through a company membership, organiser
staff in the admin."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_roles_follow_membership_and_staff_flag(talent, recruiter, company_admin, organiser):
    assert [u.role for u in (talent, recruiter, company_admin, organiser)] == [
        User.Role.TALENT,
        User.Role.EMPLOYER,
        User.Role.EMPLOYER,
        User.Role.ORGANISER,
    ]


def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Mixed.Case@Example.ORG", "pw-Str0ng-enough!")

    assert user.email == "mixed.case@example.org"
    assert User.objects.get_by_natural_key("MIXED.case@example.org") == user


def test_only_organiser_staff_reach_the_admin(client, talent, recruiter, organiser):
    for user, expected in ((talent, 302), (recruiter, 302), (organiser, 200)):
        client.force_login(user)
        assert client.get("/admin/").status_code == expected
