"""A talent queues at a booth, a recruiter takes them from the console, they exchange messages;
the talent sees the typing indicator and the recruiter the read receipt. Two browser contexts.

live_server speaks no websockets, so the app is served by uvicorn (as in production) in a
subprocess against the test database and the harness's Redis (tests/chat/servers.py)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.chat.servers import uvicorn_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_talent_queues_recruiter_accepts_and_they_chat_with_typing_and_read_receipts(
    browser, booth_a, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        recruiter_context, staff = signed_in_context(browser, base, recruiter)
        talent_context, me = signed_in_context(browser, base, talent)
        try:
            staff.goto("/console/chat/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")

            me.goto(f"/chat/booth/{booth_a.pk}/")
            expect(me.locator("[data-chat-staff-online]")).to_have_text("1 recruiter online")
            me.get_by_role("button", name="Talk to a recruiter").click()
            expect(me.locator("[data-chat-position]")).to_have_text(
                "You are number 1 in the queue."
            )

            expect(staff.locator("[data-chat-queue-list]")).to_contain_text("Tess Talent")
            staff.get_by_role("button", name="Take next").click()
            staff.wait_for_url("**/chat/*/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")

            me.get_by_role("link", name="Open the conversation").click()
            me.wait_for_url("**/chat/*/")
            expect(me.locator("[data-chat-state]")).to_have_text("Live")

            staff.get_by_label("Your message").press_sequentially("Hello Tess")
            expect(me.locator("[data-chat-typing]")).to_have_text("Rita is typing…")
            staff.get_by_label("Your message").press("Enter")
            expect(me.locator(".chat-msg").last).to_contain_text("Hello Tess")

            me.get_by_label("Your message").fill("Hi Rita <b>not bold</b> https://example.org")
            me.get_by_role("button", name="Send").click()
            expect(staff.locator(".chat-msg").last).to_contain_text("Hi Rita <b>not bold</b>")
            link = staff.locator(".chat-msg").last.get_by_role("link")
            expect(link).to_have_attribute("rel", "noopener nofollow ugc")

            expect(staff.locator("[data-chat-receipt]")).to_have_text("Read")
        finally:
            recruiter_context.close()
            talent_context.close()
