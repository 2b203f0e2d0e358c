"""Where people land after signing in: employer staff on their console, organisers in the admin,
talent where they were going; /me/ does not ask staff for a talent profile."""

import pytest
from django.urls import reverse

from accounts.models import TalentProfile
from booths.models import Booth
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user, next_url=None):
    data = {"login": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def test_a_recruiter_of_an_approved_booth_lands_on_the_chat_console(client, booth_a, recruiter):
    assert sign_in(client, recruiter).url == reverse("chat:console")


def test_staff_whose_booth_is_not_approved_yet_land_on_the_booth_console(
    client, booth_a, recruiter
):
    Booth.objects.filter(pk=booth_a.pk).update(status=Booth.Status.DRAFT)

    assert sign_in(client, recruiter).url == reverse("booths:console")


def test_an_organiser_lands_in_the_admin(client, organiser):
    assert sign_in(client, organiser).url == reverse("admin:index")


def test_talent_land_where_they_were_going(client, talent):
    assert sign_in(client, talent).url == reverse("home")
    client.logout()
    assert sign_in(client, talent, next_url="/jobs/").url == "/jobs/"


def test_a_link_with_next_wins_for_staff_too(client, booth_a, recruiter):
    assert sign_in(client, recruiter, next_url="/jobs/").url == "/jobs/"


def test_staff_see_their_consoles_on_me_and_no_talent_profile_is_asked_or_made(
    client, booth_a, recruiter
):
    client.force_login(recruiter)

    page = client.get(reverse("accounts:dashboard")).content.decode()

    assert "You work for Company A." in page
    assert 'href="/console/chat/"' in page
    assert "Edit your profile" not in page
    assert "complete" not in page
    assert not TalentProfile.objects.filter(user=recruiter).exists()
