"""Company admins invite colleagues by email (admin or recruiter) and remove them; a token link
lets the invited person join after signing in; the last admin stays."""

import re

import pytest
from django.core import mail

from booths.models import Invitation, Membership
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEAM = "/console/team/"


def test_an_admin_invites_a_colleague_who_gets_a_token_link(client, company_admin):
    client.force_login(company_admin)

    response = client.post(TEAM, {"email": "New.Person@Example.org", "role": "recruiter"})

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.person@example.org", "recruiter")
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    link = re.search(r"https?://[^/\s]+(/console/invitations/\S+/)", mail.outbox[0].body)
    assert link.group(1) == f"/console/invitations/{invitation.token}/"


def test_inviting_a_team_member_again_is_a_field_error(client, company_admin, recruiter):
    client.force_login(company_admin)

    response = client.post(TEAM, {"email": recruiter.email, "role": "admin"})

    assert response.status_code == 200
    assert "already on your team" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_a_signed_in_person_with_the_invited_address_joins_the_team(client, company_a):
    invitation = InvitationFactory(company=company_a, email="joiner@example.org", role="admin")
    joiner = UserFactory(email="joiner@example.org")
    client.force_login(joiner)

    response = client.post(f"/console/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert Membership.objects.get(user=joiner).role == "admin"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.post(f"/console/invitations/{invitation.token}/").status_code == 200
    assert Membership.objects.filter(user=joiner).count() == 1


def test_an_anonymous_visitor_is_asked_to_sign_in_or_sign_up(client, company_a):
    invitation = InvitationFactory(company=company_a)

    content = client.get(f"/console/invitations/{invitation.token}/").content.decode()

    assert f"/accounts/login/?next=/console/invitations/{invitation.token}/" in content
    assert "/accounts/signup/?next=" in content


def test_someone_else_cannot_use_the_invitation(client, company_a, talent):
    invitation = InvitationFactory(company=company_a, email="joiner@example.org")
    client.force_login(talent)

    response = client.post(f"/console/invitations/{invitation.token}/", follow=True)

    assert "This invitation is for joiner@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=talent).exists()


def test_a_member_of_another_company_cannot_join_a_second_one(
    client, company_a, outsider_recruiter
):
    invitation = InvitationFactory(company=company_a, email=outsider_recruiter.email)
    client.force_login(outsider_recruiter)

    response = client.post(f"/console/invitations/{invitation.token}/", follow=True)

    assert "one company only" in response.content.decode()


def test_an_unknown_token_is_not_found(client):
    assert client.get("/console/invitations/nope/").status_code == 404


def test_an_admin_removes_a_recruiter(client, company_admin, recruiter):
    client.force_login(company_admin)
    membership = Membership.objects.get(user=recruiter)

    client.post(f"/console/team/members/{membership.pk}/remove/")

    assert not Membership.objects.filter(user=recruiter).exists()


def test_the_last_admin_cannot_be_removed(client, company_admin):
    client.force_login(company_admin)
    membership = Membership.objects.get(user=company_admin)

    response = client.post(f"/console/team/members/{membership.pk}/remove/", follow=True)

    assert "only admin" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_outsider_admin_cannot_remove_or_revoke_in_another_company(
    client, outsider_recruiter, recruiter, company_a
):
    Membership.objects.filter(user=outsider_recruiter).update(role="admin")
    invitation = InvitationFactory(company=company_a)
    victim = Membership.objects.get(user=recruiter)
    client.force_login(outsider_recruiter)

    assert client.post(f"/console/team/members/{victim.pk}/remove/").status_code == 404
    assert client.post(f"/console/team/invitations/{invitation.pk}/revoke/").status_code == 404
    assert Membership.objects.filter(pk=victim.pk).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert b"recruiter@a.example.org" not in client.get(TEAM).content
