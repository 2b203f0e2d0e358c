"""Accessibility in a real browser: axe-core (vendored, injected by the test only) on every
public page and on the chat, in each shipped language, with zero serious or critical WCAG 2.x
A/AA violations; and a keyboard-only journey that queues for a chat and sends a message.

Pages are served by uvicorn (as in production) in a subprocess, because the booth's live panel,
the chat and the live room need websockets and live_server has none (tests/chat/servers.py).
One server serves the whole module; each test builds its own small expo with the factories and
the services."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django import db
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from booths.models import Company
from chat.actions.conversations import do_post_conversation_message
from chat.actions.lobby import do_post_lobby_message
from chat.actions.queue import do_join_queue, do_take
from expo.schedule import services as schedule_services
from tests.chat.servers import uvicorn_servers
from tests.e2e.conftest import WAIT_MS
from tests.factories import (
    BoothFactory,
    CompanyFactory,
    JobFactory,
    MembershipFactory,
    QuestionFactory,
    SectorFactory,
    SessionFactory,
    TalentProfileFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATIC_DIR = Path(settings.BASE_DIR) / "static"
AXE = STATIC_DIR / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
LANGUAGES = ["en", "zh-hant", "zh-hans"]


# --- Server, data and browser helpers --------------------------------------------------------
@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """One uvicorn process for the module, on the test database (created by pytest-django)."""
    with django_db_blocker.unblock(), uvicorn_servers(1) as (port,):
        yield f"http://127.0.0.1:{port}"


def off_the_event_loop(fn, *args):
    """Run fn in a worker thread: Playwright's sync API keeps an event loop in the test thread,
    and the chat services publish with async_to_sync, which refuses to run beside one."""

    def run():
        try:
            return fn(*args)
        finally:
            db.connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def expo(edition):
    """A small live expo: two booths with staff, jobs, a session on now with the host's booth,
    a talent registered for it and an open conversation with a recruiter."""
    return off_the_event_loop(build_expo, edition)


def build_expo(edition):
    robotics = SectorFactory(name="Robotics", slug="robotics")
    biotech = SectorFactory(name="BioTech", slug="biotech")
    booth = BoothFactory(
        edition=edition,
        company=CompanyFactory(name="Helix Robotics", slug="helix-robotics", sector=robotics),
        tagline="Robots that care",
        description="## About us\n\nWe build **robots** for hospitals.",
    )
    BoothFactory(
        edition=edition,
        company=CompanyFactory(name="Gene Works", slug="gene-works", sector=biotech),
        tagline="Gene therapies",
    )
    recruiter = MembershipFactory(
        company=booth.company,
        role="recruiter",
        user=UserFactory(email="rita@helix.example.org", full_name="Rita Recruiter"),
    ).user
    MembershipFactory(company=booth.company, role="admin")
    job = JobFactory(
        edition=edition, company=booth.company, title="Robotics Engineer", skills="ROS, C++"
    )
    JobFactory(edition=edition, company=booth.company, title="Field Technician")
    JobFactory(edition=edition, company=booth.company, title="Data Scientist")
    JobFactory(
        edition=edition,
        company=Company.objects.get(slug="gene-works"),
        title="Lab Scientist",
    )
    talent = TalentProfileFactory(
        user=UserFactory(email="tess@example.org", full_name="Tess Talent")
    ).user
    now = timezone.now()
    session = SessionFactory(
        edition=edition,
        host_booth=booth,
        track=TrackFactory(edition=edition, name="Careers"),
        kind="presentation",
        title="Robots in hospitals",
        speakers="Rita Recruiter",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    SessionFactory(edition=edition, title="CV clinic", starts_at=now + timedelta(days=1))
    schedule_services.register(session.pk, talent)

    other = TalentProfileFactory(user=UserFactory(full_name="Otto Other")).user
    do_join_queue(other, booth.pk)
    conversation = do_take(recruiter, booth.pk)
    do_post_conversation_message(
        recruiter, conversation.pk, "Hello Otto, thanks for visiting.", uuid.uuid4()
    )
    do_post_conversation_message(
        other, conversation.pk, "Hi! Do you hire interns? https://example.org", uuid.uuid4()
    )
    do_post_lobby_message(recruiter, booth.pk, "Welcome to our booth!", uuid.uuid4())
    # Q&A in every state the live room shows (hidden ones to the host only).
    QuestionFactory(session=session, author=other, body="Do you hire interns?", votes=3)
    QuestionFactory(session=session, author=talent, body="A graduate scheme?", status="answered")
    QuestionFactory(session=session, author=other, body="Off topic", status="hidden")
    return {
        "edition": edition,
        "booth": booth,
        "recruiter": recruiter,
        "talent": talent,
        "other": other,
        "job": job,
        "session": session,
        "conversation": conversation,
    }


def open_page(browser, base_url, user=None, language="en", **context_args):
    """A fresh browser context in `language` (Django's language cookie), signed in as `user`."""
    context = browser.new_context(base_url=base_url, **context_args)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append(
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}
        )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def axe_violations(page):
    """Serious and critical violations of the WCAG 2.0/2.1/2.2 A and AA rules on the page."""
    # From the site's own static files: an inline copy would break the Content-Security-Policy.
    page.add_script_tag(url=settings.STATIC_URL + AXE.relative_to(STATIC_DIR).as_posix())
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# --- The pages ---------------------------------------------------------------------------------
# name -> (who is signed in, path, what to wait for before checking)
PAGES = {
    "home": (None, lambda x: "/", None),
    "hall": (None, lambda x: "/booths/", "#hall-count"),
    "booth": ("talent", lambda x: f"/booths/{x['booth'].company.slug}/", "live"),
    "jobs": (None, lambda x: "/jobs/", None),
    "job": (None, lambda x: x["job"].get_absolute_url(), None),
    "schedule": (None, lambda x: "/schedule/", None),
    "live-room": ("talent", lambda x: f"/sessions/{x['session'].pk}/live/", "connected"),
    "live-room-host": (
        "recruiter",
        lambda x: f"/sessions/{x['session'].pk}/live/",
        "connected",
    ),
    "conversation": ("other", lambda x: f"/chat/{x['conversation'].pk}/", "live"),
    "conversation-staff": ("recruiter", lambda x: f"/chat/{x['conversation'].pk}/", "live"),
    "chat-console": ("recruiter", lambda x: "/console/chat/", "live"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violations(browser, server, expo, name, language):
    who, path, ready = PAGES[name]
    context, page = open_page(browser, server, expo[who] if who else None, language)
    try:
        response = page.goto(path(expo))
        assert response.ok, (response.status, page.url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        if ready == "live":
            expect(page.locator("[data-chat-state]").first).to_have_class(
                "chat-state badge text-bg-success"
            )
        elif ready == "connected":
            # A locator, not wait_for_function: Playwright's string predicates need eval, which
            # the Content-Security-Policy refuses.
            connected = page.locator("#liveroom").get_attribute("data-label-connected")
            expect(page.locator("#connection-state")).to_have_text(connected)
        elif ready:
            expect(page.locator(ready)).to_be_visible()
        violations = axe_violations(page)
        assert not violations, f"{name} [{language}] {page.url}\n{describe(violations)}"
    finally:
        context.close()


# --- Keyboard only --------------------------------------------------------------------------
FOCUS_VISIBLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


def focused_is(locator):
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, limit=80, key="Tab"):
    """Press Tab (or Shift+Tab) until `locator` has the focus; assert the focus is visible at
    every stop on the way."""
    for _ in range(limit):
        if locator.count() and focused_is(locator.first):
            return
        page.keyboard.press(key)
        if page.evaluate("document.activeElement !== document.body"):
            assert page.evaluate(FOCUS_VISIBLE), "focus is not visible on " + page.evaluate(
                "document.activeElement.outerHTML.slice(0, 200)"
            )
    raise AssertionError(f"{locator} was not reached with {key} in {limit} presses")


def test_a_talent_queues_for_a_chat_and_sends_a_message_with_the_keyboard_only(
    browser, server, expo
):
    booth, recruiter = expo["booth"], expo["recruiter"]
    talent_context, me = open_page(browser, server, expo["talent"])
    staff_context, staff = open_page(browser, server, recruiter)
    try:
        staff.goto("/console/chat/")
        expect(staff.locator("[data-chat-console] [data-chat-state]")).to_have_text("Live")

        # Home -> the hall: the skip link first, then the main navigation.
        me.goto("/")
        me.keyboard.press("Tab")
        expect(me.get_by_role("link", name="Skip to main content")).to_be_focused()
        assert me.evaluate(FOCUS_VISIBLE)
        tab_to(me, me.get_by_role("navigation", name="Main").get_by_role("link", name="Booths"))
        me.keyboard.press("Enter")
        me.wait_for_url("**/booths/")

        # The hall's filters work from the keyboard: type in the search box, results follow.
        tab_to(me, me.locator("#id_q"))
        me.keyboard.type("Helix")
        expect(me.locator("#hall-count")).to_contain_text("1 booth")
        expect(me.locator("#announcer")).to_have_text("1 booth")
        expect(me.locator("#id_q")).to_be_focused()
        tab_to(me, me.get_by_role("link", name="Helix Robotics"))
        me.keyboard.press("Enter")
        me.wait_for_url(f"**/booths/{booth.company.slug}/")
        expect(me.locator("[data-chat-state]")).to_have_text("Live")

        # Queue with the keyboard (Space on the button); focus stays on a visible control.
        join = me.get_by_role("button", name="Talk to a recruiter")
        tab_to(me, join)
        me.keyboard.press("Space")
        expect(me.locator("[data-chat-position]")).to_have_text("You are number 1 in the queue.")
        assert me.evaluate(FOCUS_VISIBLE), "focus was lost when the queue button went away"
        queue_status = me.locator("[data-chat-queue-status]")
        assert queue_status.get_attribute("role") == "status"

        # The recruiter (mouse allowed) takes the talent.
        expect(staff.locator("[data-chat-queue-list]")).to_contain_text("Tess Talent")
        staff.get_by_role("button", name="Take next").click()
        panel = staff.get_by_role("tabpanel", name="Tess Talent")
        expect(panel.locator("[data-chat-state]")).to_have_text("Live")

        # The talent is told (an alert) and reaches the conversation with the keyboard.
        accepted = me.locator("[data-chat-accepted]")
        expect(accepted).to_be_visible()
        assert accepted.get_attribute("role") in ("alert", "status")
        link = me.get_by_role("link", name="Open the conversation")
        tab_to(me, link)
        me.keyboard.press("Enter")
        me.wait_for_url("**/chat/*/")
        expect(me.locator("[data-chat-state]")).to_have_text("Live")

        # Write and send with the keyboard; the message lands in a polite live region that
        # existed at page load, and focus stays in the box.
        box = me.get_by_label("Your message")
        tab_to(me, box)
        me.keyboard.type("Hello Rita, I typed this with the keyboard.")
        me.keyboard.press("Enter")
        mine = me.locator("[aria-live=polite] .chat-msg", has_text="typed this with the keyboard")
        expect(mine).to_have_count(1)
        expect(box).to_be_focused()
        expect(box).to_have_value("")

        # The recruiter's reply arrives in the same live region without moving the talent's
        # focus.
        panel.get_by_label("Your message").fill("Welcome Tess!")
        panel.get_by_label("Your message").press("Enter")
        expect(me.locator("[aria-live=polite] .chat-msg", has_text="Welcome Tess!")).to_have_count(
            1
        )
        expect(box).to_be_focused()

        # Shift+Tab goes back the way it came, still visibly.
        me.keyboard.press("Shift+Tab")
        assert me.evaluate(FOCUS_VISIBLE)
        assert not focused_is(box)
    finally:
        talent_context.close()
        staff_context.close()


def test_the_job_and_schedule_filters_work_from_the_keyboard_and_announce_results(
    browser, server, expo
):
    context, page = open_page(browser, server)
    try:
        # A job facet: Space ticks it, the results are swapped in, the focus stays on the box
        # and the new count is announced (the results themselves are not a live region).
        page.goto("/jobs/")
        expect(page.get_by_role("heading", name="4 open jobs")).to_be_visible()
        assert page.locator("#search-body").get_attribute("aria-live") is None
        robotics = page.get_by_role("checkbox", name=re.compile("Robotics"))
        tab_to(page, robotics)
        page.keyboard.press("Space")
        expect(page.get_by_role("heading", name="3 open jobs")).to_be_visible()
        expect(page.locator("#announcer")).to_have_text("3 open jobs")
        expect(page.get_by_role("checkbox", name=re.compile("Robotics"))).to_be_focused()
        expect(page.get_by_role("checkbox", name=re.compile("Robotics"))).to_be_checked()

        # The sort menu, from the keyboard.
        tab_to(page, page.get_by_label("Sort by"))
        assert page.evaluate(FOCUS_VISIBLE)

        # A schedule day tab: Enter swaps the sessions in; the focus stays on the tab.
        page.goto("/schedule/")
        all_days = page.get_by_role("link", name="All days")
        tab_to(page, all_days)
        page.keyboard.press("Enter")
        expect(page.get_by_role("link", name="All days")).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("link", name="All days")).to_be_focused()
        expect(page.locator("#announcer")).to_have_text("2 sessions")
    finally:
        context.close()


NO_MOTION = """() => [...document.querySelectorAll("*")].filter(el => {
    const style = getComputedStyle(el);
    const longest = value => Math.max(...value.split(",").map(parseFloat));
    return longest(style.transitionDuration) > 0.001 || longest(style.animationDuration) > 0.001;
}).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")).slice(0, 10)"""


@pytest.mark.parametrize("name", ["home", "hall", "booth", "live-room"])
def test_reduced_motion_turns_off_transitions_and_animations(browser, server, expo, name):
    who, path, _ready = PAGES[name]
    context, page = open_page(browser, server, expo[who] if who else None, reduced_motion="reduce")
    try:
        page.goto(path(expo))
        assert page.evaluate(NO_MOTION) == []
    finally:
        context.close()
