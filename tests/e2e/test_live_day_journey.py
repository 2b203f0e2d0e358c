"""The live day in two browsers: the queue follows the talent to any page, a recruiter calling
reaches them there (a notice, a chime, the tab title, a browser notification in the background)
and again after a reload, one click opens the conversation; a recruiter browsing jobs is alerted
when talent waits and nobody is on the console; a recruiter in a conversation counts as online.

The app runs under uvicorn (websockets) against the test database (tests/chat/servers.py)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.chat.servers import uvicorn_servers
from tests.factories import JobFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Records the browser notifications a page shows (the real ones still show).
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notifications = [];
  function Recorded(title, options) {
    window.__notifications.push({ title: title, body: (options || {}).body });
    return new Real(title, options);
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (cb) => Real.requestPermission(cb);
  window.Notification = Recorded;
})();
"""

# The tab goes to the background: what a browser reports when another tab is in front.
SEND_TO_BACKGROUND = """
() => {
  Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true });
  Object.defineProperty(document, "hidden", { get: () => true, configurable: true });
  document.hasFocus = () => false;
}
"""


def signed_in(browser, base_url, user, **context_args):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url, **context_args)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_queued_talent_browsing_jobs_is_called_and_reaches_the_conversation_in_one_click(
    browser, booth_a, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        staff_context, staff = signed_in(browser, base, recruiter)
        me_context, me = signed_in(browser, base, talent, permissions=["notifications"])
        me_context.add_init_script(RECORD_NOTIFICATIONS)
        try:
            staff.goto("/console/chat/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")
            me.goto(f"/booths/{booth_a.company.slug}/")
            me.get_by_role("button", name="Talk to a recruiter").click()
            expect(me.locator("[data-chat-position]")).to_have_text(
                "You are number 1 in the queue."
            )

            me.goto("/jobs/")
            queue = me.locator("[data-live-queue]")
            expect(queue).to_contain_text("Company A")
            expect(queue).to_contain_text("#1")
            me.evaluate(SEND_TO_BACKGROUND)

            staff.get_by_role("button", name="Take next").click()
            staff.wait_for_url("**/chat/*/")
            calling = me.locator("[data-live-calling]")
            expect(calling).to_contain_text("Rita of Company A is ready to talk to you.")
            expect(me.locator("body")).to_have_attribute("data-live-chimes", "1")
            me.wait_for_function("document.title.startsWith('\U0001f514')")
            assert me.evaluate("window.__notifications") == [
                {
                    "title": "A recruiter is waiting for you",
                    "body": "Rita of Company A is ready to talk to you.",
                }
            ]
            expect(staff.locator("[data-chat-calling]")).to_contain_text(
                "Waiting for Tess to open the conversation"
            )

            me.reload()
            expect(me.locator("[data-live-calling]")).to_contain_text(
                "Rita of Company A is ready to talk to you."
            )
            expect(me.locator("[data-live-queue]")).to_have_count(0)

            me.get_by_role("link", name="Open the conversation").click()
            me.wait_for_url("**/chat/*/")
            expect(me.locator("[data-chat-state]")).to_have_text("Live")
            expect(staff.locator("[data-chat-calling]")).to_have_text(
                "Tess has opened the conversation."
            )
            expect(me.locator("[data-live-calling]")).to_have_count(0)
            me.goto("/jobs/")
            expect(me.locator("#live-bar")).to_be_hidden()
        finally:
            staff_context.close()
            me_context.close()


def test_a_recruiter_on_a_job_page_is_alerted_when_talent_waits_and_nobody_is_on_the_console(
    browser, booth_a, talent, recruiter
):
    job = JobFactory(edition=booth_a.edition, company=booth_a.company, title="Data Engineer")
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        staff_context, staff = signed_in(browser, base, recruiter)
        me_context, me = signed_in(browser, base, talent)
        try:
            staff.goto(f"/jobs/{job.pk}/")
            expect(staff.locator("#live-bar")).to_be_hidden()
            me.goto(f"/booths/{booth_a.company.slug}/")
            expect(me.locator("[data-chat-staff-online]")).to_have_text("1 recruiter online")

            me.get_by_role("button", name="Talk to a recruiter").click()

            alert = staff.locator("[data-live-staff-alert]")
            expect(alert).to_have_text(
                "1 person is waiting at your booth and nobody on your team is on the "
                "console.Open the console"
            )
            expect(staff.locator("body")).to_have_attribute("data-live-chimes", "1")
            staff.wait_for_function("document.title.startsWith('\U0001f514')")
            alert.get_by_role("link", name="Open the console").click()
            staff.wait_for_url("**/console/chat/")
            expect(staff.locator("[data-chat-queue-list]")).to_contain_text("Tess Talent")
            expect(staff.locator("[data-live-staff-alert]")).to_have_count(0)
        finally:
            staff_context.close()
            me_context.close()


def test_a_recruiter_in_a_conversation_counts_as_online_for_the_booth_and_the_organiser(
    browser, booth_a, talent, recruiter, organiser
):
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        staff_context, staff = signed_in(browser, base, recruiter)
        me_context, me = signed_in(browser, base, talent)
        org_context, org = signed_in(browser, base, organiser)
        try:
            staff.goto("/console/chat/")
            me.goto(f"/booths/{booth_a.company.slug}/")
            me.get_by_role("button", name="Talk to a recruiter").click()
            staff.get_by_role("button", name="Take next").click()
            staff.wait_for_url("**/chat/*/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")

            me.goto(f"/booths/{booth_a.company.slug}/")  # a fresh count, the console closed
            org.goto("/admin/operations/")

            expect(me.locator("[data-chat-staff-online]")).to_have_text("1 recruiter online")
            expect(org.locator('[data-total="staff_online"]')).to_have_text("1")
            expect(org.locator('[data-total="conversations"]')).to_have_text("1")
        finally:
            staff_context.close()
            me_context.close()
            org_context.close()
