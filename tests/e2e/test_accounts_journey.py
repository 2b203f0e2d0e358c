"""A visitor's account journey in a real browser: sign up, verify the email, sign out, sign in;
sign-up mistakes shown next to their fields; the navigation on a phone."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def wait_for_mail(count=1, timeout=30):
    """The email leaves through Celery after the request's transaction commits."""
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) == count, mail.outbox
    return mail.outbox[count - 1]


def fill_signup(page, full_name, email, password, password_again=None):
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password_again or password)
    page.get_by_role("button", name="Create account").click()


def account_menu(page):
    return page.locator("#account-button")


def test_visitor_signs_up_verifies_email_signs_out_and_signs_in_again(page, live_server, edition):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join free").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")

    fill_signup(page, "Nina Newcomer", "nina@example.org", PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email to finish signing up"
    )
    expect(page.get_by_text("Open the email from us in your inbox")).to_be_visible()
    message = wait_for_mail()
    assert message.to == ["nina@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)

    page.goto(live_server.url + link)
    expect(page.get_by_text("nina@example.org")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    expect(account_menu(page)).to_contain_text("Nina")
    expect(page.get_by_role("heading", name="Welcome back, Nina")).to_be_visible()

    account_menu(page).click()
    page.get_by_role("button", name="Sign out").click()
    expect(account_menu(page)).to_have_count(0)
    expect(page.get_by_role("heading", name="Create your free account")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email", exact=True).fill("nina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(account_menu(page)).to_contain_text("Nina")


def test_signup_with_a_taken_email_shows_the_error_at_the_field(page, live_server, talent):
    page.goto(live_server.url + "/accounts/signup/")

    fill_signup(page, "Second Tess", talent.email, PASSWORD)

    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", re.compile(r"\bid_email_error\b"))
    expect(page.locator("#id_email_error")).to_have_text(
        re.compile("A user is already registered with this email address.")
    )
    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    assert len(mail.outbox) == 0


def test_signup_with_a_weak_password_shows_why(page, live_server, edition):
    page.goto(live_server.url + "/accounts/signup/")

    fill_signup(page, "Wes Weak", "wes@example.org", "12345678")

    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_password1_error")
    expect(error).to_contain_text("This password is too common.")
    expect(error).to_contain_text("This password is entirely numeric.")
    # What was typed elsewhere is kept, so only the password needs typing again.
    expect(page.get_by_label("Full name")).to_have_value("Wes Weak")
    expect(page.get_by_label("Email", exact=True)).to_have_value("wes@example.org")


def test_navigation_works_on_a_phone(page, live_server, edition):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    sign_in = nav.get_by_role("link", name="Sign in")
    menu = page.get_by_role("button", name="Menu")
    expect(sign_in).to_be_hidden()

    box = menu.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    menu.click()

    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sign_in).to_be_visible()
    assert sign_in.bounding_box()["height"] >= 44
    sign_in.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
