"""Sign-up, e-mail verification and sign-in with django-allauth."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_user_id(client):
    return int(client.session.get("_auth_user_id", 0)) or None


def signup(client, **overrides):
    data = {
        "full_name": "Nina Newcomer",
        "email": "nina@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_sends_verification_email_through_the_outbox_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = signup(client)
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent inside the request

    for callback in callbacks:  # the transaction commits: the task is queued (eager here)
        callback()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    user = User.objects.get(email="nina@example.org")
    assert user.full_name == "Nina Newcomer"
    assert not EmailAddress.objects.get(user=user).verified


def test_following_the_verification_link_verifies_and_signs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)

    response = client.post(link.group(1))

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nina@example.org").verified
    assert signed_in_user_id(client) == User.objects.get(email="nina@example.org").pk


def test_signup_with_taken_email_shows_a_field_error(client, talent):
    response = signup(client, email=talent.email.upper())

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "A user is already registered with this email address."
    ]
    assert User.objects.filter(email__iexact=talent.email).count() == 1


def test_signup_with_weak_password_shows_a_field_error(client):
    response = signup(client, password1="12345678", password2="12345678")

    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert "This password is too common." in errors
    assert "This password is entirely numeric." in errors
    assert not User.objects.exists()


def test_signup_with_malformed_email_shows_a_field_error(client):
    response = signup(client, email="not-an-email")

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert not User.objects.exists()


def test_signup_requires_a_name(client):
    response = signup(client, full_name="")

    assert response.context["form"].errors["full_name"] == ["This field is required."]


def test_verified_user_signs_in_with_email_and_password(client, talent):
    response = client.post(
        reverse("account_login"), {"login": "TALENT@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.wsgi_request.user == talent


def test_unverified_user_is_asked_to_verify_before_signing_in(client):
    User.objects.create_user("late@example.org", PASSWORD)
    EmailAddress.objects.create(
        email="late@example.org", verified=False, primary=True, user=User.objects.get()
    )

    client.post(reverse("account_login"), {"login": "late@example.org", "password": PASSWORD})

    assert signed_in_user_id(client) is None


def test_login_is_rate_limited_after_repeated_failures(client, talent):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": talent.email, "password": "wrong-password"}
        )
        assert response.status_code == 200

    # The account is now locked for a while, even with the right password.
    response = client.post(reverse("account_login"), {"login": talent.email, "password": PASSWORD})

    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_email_goes_out_through_celery(
    client, talent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": talent.email})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[talent.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
