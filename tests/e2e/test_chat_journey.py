"""A talent queues at a booth, a recruiter takes them into a tab of the console, they exchange
messages; the talent sees the typing indicator and the recruiter the read receipt. Two browser
contexts.

live_server speaks no websockets, so the app is served by uvicorn (as in production) in a
subprocess against the test database and the harness's Redis (tests/chat/servers.py)."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.chat.servers import uvicorn_servers
from tests.e2e.conftest import WAIT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, base_url, user, timezone_id=None):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url, timezone_id=timezone_id)
    cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    if timezone_id:  # what expo.js remembers on the first page
        cookies.append({"name": "visitor_tz", "value": timezone_id, "url": base_url})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def test_talent_queues_recruiter_accepts_and_they_chat_with_typing_and_read_receipts(
    browser, booth_a, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        recruiter_context, staff = signed_in_context(browser, base, recruiter)
        talent_context, me = signed_in_context(browser, base, talent, "Europe/London")
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
            expect(staff.get_by_role("tab", name="Tess Talent")).to_have_attribute(
                "aria-selected", "true"
            )
            panel = staff.get_by_role("tabpanel", name="Tess Talent")
            expect(panel.locator("[data-chat-state]")).to_have_text("Live")

            me.locator("#main").get_by_role("link", name="Open the conversation").click()
            me.wait_for_url("**/chat/*/")
            expect(me.locator("[data-chat-state]")).to_have_text("Live")

            staff.get_by_label("Your message").press_sequentially("Hello Tess")
            expect(me.locator("[data-chat-typing]")).to_have_text("Rita is typing…")
            staff.get_by_label("Your message").press("Enter")
            expect(me.locator(".chat-msg").last).to_contain_text("Hello Tess")
            # A message added live reads the same as one the server renders on reload.
            meta = me.locator(".chat-msg").last.locator(".chat-meta")
            hkt_then_london = r"([01]\d|2[0-3]):[0-5]\d HKT \(([01]\d|2[0-3]):[0-5]\d your time\)"
            live_time = re.search(hkt_then_london, meta.inner_text())
            assert live_time, meta.inner_text()
            me.reload()
            expect(me.locator("[data-chat-state]")).to_have_text("Live")
            expect(meta).to_contain_text(live_time[0])

            me.get_by_label("Your message").fill("Hi Rita <b>not bold</b> https://example.org")
            me.get_by_role("button", name="Send").click()
            expect(panel.locator(".chat-msg").last).to_contain_text("Hi Rita <b>not bold</b>")
            link = panel.locator(".chat-msg").last.get_by_role("link")
            expect(link).to_have_attribute("rel", "noopener nofollow ugc")

            expect(panel.locator("[data-chat-receipt]")).to_have_text("Read")
        finally:
            recruiter_context.close()
            talent_context.close()


def test_a_live_event_the_client_already_has_is_dropped_by_its_id(browser, booth_a, talent):
    """Replay and live delivery can overlap: the same event id may reach the page twice. The
    socket between page and server is routed through the test, which sends every lobby message
    event on and then a second event with the same id (and, to tell it apart, another message).
    The page shows the real one only."""
    import json
    import re

    forged = []

    def route(ws):
        server = ws.connect_to_server()

        def from_server(text):
            ws.send(text)
            data = json.loads(text)
            if data.get("type") == "message" and not forged:
                forged.append(data["id"])
                copy = {**data, "message": {**data["message"], "id": 10**9, "body": "Twice"}}
                ws.send(json.dumps(copy))

        server.on_message(from_server)

    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        context, me = signed_in_context(browser, base, talent)
        try:
            me.route_web_socket(re.compile(r"/ws/booth/"), route)
            me.goto(f"/chat/booth/{booth_a.pk}/")
            expect(me.locator("[data-chat-state]").first).to_have_text("Live")
            lobby = me.locator(".chat-lobby")

            lobby.get_by_label("Message to the lobby").fill("First")
            lobby.get_by_label("Message to the lobby").press("Enter")
            expect(lobby.locator(".chat-msg")).to_have_count(1)
            lobby.get_by_label("Message to the lobby").fill("Second")
            lobby.get_by_label("Message to the lobby").press("Enter")
            # "Second" came after the forged copy of "First": once it shows, the copy was handled.
            expect(lobby.locator(".chat-msg").last).to_contain_text("Second")

            assert forged == [1]
            assert lobby.locator(".chat-msg .chat-body").all_text_contents() == ["First", "Second"]
        finally:
            context.close()


def test_a_click_while_the_socket_reconnects_is_sent_when_it_is_back(browser, booth_a, talent):
    """ "Talk to a recruiter" pressed while the connection is down (or not yet open) must not
    vanish: the request waits for the socket and goes out when it opens."""
    import re

    attempts = []

    def route(ws):
        attempts.append(ws)
        if len(attempts) == 1:
            ws.close(code=1011, reason="test: the first connection drops")
        else:
            ws.connect_to_server()

    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        context, me = signed_in_context(browser, base, talent)
        try:
            me.route_web_socket(re.compile(r"/ws/booth/"), route)
            me.goto(f"/chat/booth/{booth_a.pk}/")
            expect(me.locator("[data-chat-state]").first).to_have_text("Reconnecting…")
            me.get_by_role("button", name="Talk to a recruiter").click()

            expect(me.locator("[data-chat-position]")).to_have_text(
                "You are number 1 in the queue."
            )
            assert len(attempts) == 2
        finally:
            context.close()
