"""A talent registers for a session; the host goes live and advances a slide; the talent's page
follows; the talent asks a question and the host marks it answered. Two browser contexts.

live_server speaks no websockets, so the app is served by uvicorn (as in production) in a
subprocess against the test database and the harness's Redis (chat's tests/chat/servers.py)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.chat.servers import uvicorn_servers
from tests.e2e.conftest import WAIT_MS
from tests.factories import SessionFactory, SlideFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def test_talent_registers_follows_the_hosts_slides_and_gets_a_question_answered(
    browser, settings, tmp_path, edition, booth_a, talent, recruiter
):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    session = SessionFactory(
        edition=edition,
        host_booth=booth_a,
        kind="presentation",
        title="Robotics at scale",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    for position in range(3):
        SlideFactory(session=session, position=position)

    with uvicorn_servers(1, MEDIA_ROOT=str(tmp_path)) as (port,):
        base = f"http://127.0.0.1:{port}"
        talent_context, me = signed_in_page(browser, base, talent)
        host_context, host = signed_in_page(browser, base, recruiter)
        try:
            me.goto(f"/sessions/{session.pk}/")
            me.get_by_role("button", name="Register").click()
            expect(
                me.get_by_text("You are registered. We sent you a confirmation.")
            ).to_be_visible()
            me.get_by_role("link", name="Join the live room").click()
            expect(me.locator("#connection-state")).to_have_text("Connected")
            expect(me.locator("#stage-status")).to_have_text("Not started yet")

            host.goto(f"/sessions/{session.pk}/live/")
            expect(host.locator("#connection-state")).to_have_text("Connected")
            host.get_by_role("button", name="Go live").click()
            expect(me.locator("#stage-status")).to_have_text("Live now")
            expect(host.get_by_role("button", name="Go live")).to_be_hidden()
            expect(host.get_by_role("button", name="End the session")).to_be_visible()
            expect(me.locator("#slide-status")).to_have_text("Slide 1 of 3")

            host.get_by_role("button", name="Next slide").click()
            expect(me.locator("#slide-status")).to_have_text("Slide 2 of 3")
            expect(me.locator("#slide-image")).to_be_visible()

            me.get_by_label("Ask the speaker").fill("Do you hire <interns>?")
            me.get_by_role("button", name="Ask", exact=True).click()
            question = host.locator("#questions li", has_text="Do you hire <interns>?")
            expect(question).to_be_visible()
            expect(question).to_contain_text("0 votes")
            host.get_by_role("button", name="Upvote").click()
            expect(question).to_contain_text("1 vote")
            expect(question).not_to_contain_text("1 votes")
            question.get_by_role("button", name="Mark answered").click()

            mine = me.locator("#questions li", has_text="Do you hire <interns>?")
            expect(mine.get_by_text("Answered")).to_be_visible()
            expect(me.locator("#attendee-count")).to_have_text("2")
        finally:
            talent_context.close()
            host_context.close()
