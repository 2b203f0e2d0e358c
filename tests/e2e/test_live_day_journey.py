"""The live day in two browsers: the queue follows the talent to any page, a recruiter calling
reaches them there (a notice, a chime, the tab title, a browser notification in the background)
and again after a reload, one click opens the conversation; a recruiter browsing jobs is alerted
when talent waits and nobody is on the console; a recruiter in a conversation counts as online.

The app runs under uvicorn (websockets) against the test database (tests/chat/servers.py)."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from chat.models import Conversation
from tests.chat.calls import open_conversation
from tests.chat.servers import uvicorn_servers
from tests.factories import JobFactory, TalentProfileFactory, UserFactory

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
            expect(staff.get_by_role("tab", name="Tess Talent")).to_be_visible()
            calling = me.locator("[data-live-calling]")
            expect(calling).to_contain_text("Rita of Company A is ready to talk to you.")
            expect(me.locator("body")).to_have_attribute("data-live-chimes", "1")
            expect(me).to_have_title(re.compile("^\U0001f514"))  # a bell before the title
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
            expect(staff).to_have_title(re.compile("^\U0001f514"))
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
            expect(staff.locator("[data-chat-queue-list]")).to_contain_text("Tess Talent")
            staff.get_by_role("button", name="Take next").click()
            expect(staff.get_by_role("tab", name="Tess Talent")).to_be_visible()
            conversation = Conversation.objects.get()
            staff.goto(f"/chat/{conversation.pk}/")  # the conversation's own page, no console
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


def test_the_console_holds_several_conversations_as_tabs_with_unread_counts_and_keys(
    browser, booth_a, recruiter
):
    ann = UserFactory(email="ann@example.org", full_name="Ann Archer")
    TalentProfileFactory(user=ann, headline="Robotics engineer")
    ben = UserFactory(email="ben@example.org", full_name="Ben Baker")
    TalentProfileFactory(user=ben, headline="Data analyst")
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        staff_context, staff = signed_in(browser, base, recruiter)
        ann_context, ann_page = signed_in(browser, base, ann)
        ben_context, ben_page = signed_in(browser, base, ben)
        try:
            staff.goto("/console/chat/")
            for page in (ann_page, ben_page):
                page.goto(f"/booths/{booth_a.company.slug}/")
                page.get_by_role("button", name="Talk to a recruiter").click()
                expect(page.locator("[data-chat-position]")).not_to_be_empty()
            for name in ("Ann Archer", "Ben Baker"):
                staff.get_by_role("button", name="Take next").click()
                expect(staff.get_by_role("tab", name=name)).to_have_attribute(
                    "aria-selected", "true"
                )
            ann_tab = staff.get_by_role("tab", name="Ann Archer")
            ben_panel = staff.get_by_role("tabpanel", name="Ben Baker")
            expect(ben_panel).to_contain_text("Data analyst")  # the profile beside it

            ann_page.get_by_role("link", name="Open the conversation").first.click()
            ann_page.get_by_label("Your message").fill("Hello from Ann")
            ann_page.get_by_label("Your message").press("Enter")
            expect(ann_tab.locator("[data-unread]")).to_have_text("1")

            staff.keyboard.press("Alt+ArrowUp")
            expect(ann_tab).to_have_attribute("aria-selected", "true")
            expect(ann_tab).to_be_focused()
            ann_panel = staff.get_by_role("tabpanel", name="Ann Archer")
            expect(ann_panel).to_contain_text("Robotics engineer")
            expect(ann_panel.locator(".chat-msg").last).to_contain_text("Hello from Ann")
            expect(ann_tab.locator("[data-unread]")).to_be_hidden()
            expect(ben_panel).to_be_hidden()

            staff.keyboard.press("ArrowRight")  # the tab list's own arrows
            expect(staff.get_by_role("tab", name="Ben Baker")).to_be_focused()
            staff.keyboard.press("Alt+Digit1")
            expect(ann_tab).to_have_attribute("aria-selected", "true")

            staff.reload()  # the open tab survives a reload
            expect(staff.get_by_role("tab", name="Ann Archer")).to_have_attribute(
                "aria-selected", "true"
            )
            expect(staff.get_by_role("tab")).to_have_count(2)
        finally:
            staff_context.close()
            ann_context.close()
            ben_context.close()


@pytest.mark.usefixtures("loopback_only")  # the video call: WebRTC stays on loopback
def test_a_call_rings_in_its_console_tab_and_from_behind_another_tab_and_is_answered_there(
    browser, booth_a, recruiter
):
    ann = UserFactory(email="ann@example.org", full_name="Ann Archer")
    ben = UserFactory(email="ben@example.org", full_name="Ben Baker")
    conversations = {user: open_conversation(booth_a, user, recruiter) for user in (ann, ben)}
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        staff_context, staff = signed_in(browser, base, recruiter)
        ann_context, ann_page = signed_in(browser, base, ann)
        ben_context, ben_page = signed_in(browser, base, ben)
        try:
            staff.goto(f"/console/chat/?open={conversations[ann].pk}")
            ann_panel = staff.get_by_role("tabpanel", name="Ann Archer")
            expect(ann_panel.locator("[data-chat-state]")).to_have_text("Live")
            staff.get_by_role("tab", name="Ben Baker").click()  # loaded, then Ann's in front
            ben_panel = staff.get_by_role("tabpanel", name="Ben Baker")
            expect(ben_panel.locator("[data-chat-state]")).to_have_text("Live")
            staff.get_by_role("tab", name="Ann Archer").click()

            # Ann rings: her tab, in front, rings and answers in place.
            ann_page.goto(f"/chat/{conversations[ann].pk}/")
            expect(ann_page.locator("[data-chat-state]")).to_have_text("Live")
            ann_page.get_by_role("button", name="Video call").click()
            expect(ann_panel.locator("[data-call-incoming-text]")).to_have_text(
                "Ann is video calling you"
            )
            ann_panel.get_by_role("button", name="Answer with video").click()
            for where in (ann_panel, ann_page):
                expect(where.locator("[data-call-status]")).to_have_text("Connected")
            ann_page.get_by_role("button", name="Hang up").click()
            expect(ann_panel.locator("[data-call-stage]")).to_be_hidden()

            # Ben rings while his tab is behind Ann's: a notice; Answer brings his tab forward.
            ben_page.goto(f"/chat/{conversations[ben].pk}/")
            expect(ben_page.locator("[data-chat-state]")).to_have_text("Live")
            ben_page.get_by_role("button", name="Video call").click()
            toast = staff.locator(".expo-toast-call")
            expect(toast).to_contain_text("Ben is video calling you")
            toast.get_by_role("button", name="Answer").click()
            expect(staff.get_by_role("tab", name="Ben Baker")).to_have_attribute(
                "aria-selected", "true"
            )
            expect(ben_panel.locator("[data-call-status]")).to_have_text("Connected")
            expect(ben_page.locator("[data-call-status]")).to_have_text("Connected")
        finally:
            staff_context.close()
            ann_context.close()
            ben_context.close()
