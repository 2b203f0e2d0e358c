"""1:1 calls in two real browsers (Debian's chromium, fake camera and microphone) against
uvicorn, the harness's Redis and its coturn, inside a loopback-only network namespace.

A recruiter rings, the talent answers, and each side's RTCPeerConnection.getStats() shows
decoded video frames and received audio packets increasing; hanging up ends it on both sides
and the conversation records the call with its duration. Also: a voice-only call, a declined
call (from the ringing notice on another page), a missed call (a short ring timeout, no sleep:
the test waits for the event), a call forced through the TURN relay with the credentials the
server issued (and a wrong credential that gets no relay), a talent without a camera, a
refused microphone, and the call UI under axe and the keyboard."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from chat.models import Call
from tests.chat.calls import open_conversation
from tests.chat.servers import uvicorn_servers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("loopback_only"),
]

STATIC_DIR = Path(settings.BASE_DIR) / "static"
AXE = STATIC_DIR / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

SUMMARY = """async () => {
  const call = window.Expo && Expo.calls.active();
  return call ? await call.summary() : null;
}"""

# Waits in the page (Playwright's wait_for_function does not await an async predicate) until
# received audio packets (and decoded video frames) grow past `base`; the new figures, or null
# after `timeout` ms.
FLOWING = """async ([base, video, timeout]) => {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const call = window.Expo && Expo.calls.active();
    const s = call && await call.summary();
    if (s && s.audioPacketsReceived > base.audioPacketsReceived
        && (!video || s.framesDecoded > base.framesDecoded)) return s;
    await new Promise(next => setTimeout(next, 200));
  }
  return null;
}"""


# The addresses of this side's TURN allocations (its relay candidates), "ip:port" each.
RELAY_ALLOCATIONS = """async () => {
  const report = await Expo.calls.active().pc.getStats();
  const found = [];
  report.forEach(s => {
    if (s.type === "local-candidate" && s.candidateType === "relay") {
      found.push(`${s.address || s.ip}:${s.port}`);
    }
  });
  return found;
}"""


def signed_in(browser, base_url, user, init_script=None):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def media_flowing(page, after=None, video=True):
    """Wait until received audio packets (and decoded video frames) grow past `after`; return
    the new figures."""
    base = after or {"framesDecoded": 0, "audioPacketsReceived": 0}
    figures = page.evaluate(FLOWING, [base, video, 20_000])
    assert figures is not None, f"media did not flow past {base} within 20 s"
    return figures


def open_both(browser, base, conversation, talent, recruiter, **talent_kwargs):
    recruiter_context, staff = signed_in(browser, base, recruiter)
    talent_context, me = signed_in(browser, base, talent, **talent_kwargs)
    for page in (staff, me):
        page.goto(f"/chat/{conversation.pk}/")
        expect(page.locator("[data-chat-state]")).to_have_text("Live")
    return (recruiter_context, staff), (talent_context, me)


@pytest.fixture
def conversation(booth_a, talent, recruiter):
    return open_conversation(booth_a, talent, recruiter)


def test_recruiter_rings_talent_answers_media_flows_both_ways_and_hang_up_ends_it_for_both(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        (rc, staff), (tc, me) = open_both(
            browser, f"http://127.0.0.1:{port}", conversation, talent, recruiter
        )
        try:
            staff.get_by_role("button", name="Video call").click()
            expect(staff.locator("[data-call-outgoing-text]")).to_have_text("Calling Tess…")
            expect(me.locator("[data-call-incoming-text]")).to_have_text(
                "Rita is video calling you"
            )
            rang = me.evaluate("Expo.calls.ringing()")
            me.get_by_role("button", name="Answer with video").click()

            for page in (staff, me):
                expect(page.locator("[data-call-status]")).to_have_text("Connected")
            first = {page: media_flowing(page) for page in (staff, me)}
            later = {page: media_flowing(page, first[page]) for page in (staff, me)}
            self_view = staff.locator("[data-call-self]")
            expect(self_view).to_be_visible()

            staff.get_by_role("button", name="Hang up").click()

            for page in (staff, me):
                expect(page.locator("[data-call-stage]")).to_be_hidden()
                expect(page.get_by_role("button", name="Video call")).to_be_visible()
                record = page.locator(".chat-call-record").last
                expect(record).to_contain_text(re.compile(r"Video call, 0:\d\d"))
            expect(me.locator("[data-call-note]")).to_have_text("The call ended.")
            assert me.evaluate("Expo.calls.active()") is None
            assert (rang, me.evaluate("Expo.calls.ringing()")) == (True, False)
        finally:
            rc.close()
            tc.close()

    for page in (staff, me):
        assert later[page]["framesDecoded"] > first[page]["framesDecoded"] > 0
        assert later[page]["audioPacketsReceived"] > first[page]["audioPacketsReceived"] > 0
    call = Call.objects.get()
    assert (call.status, call.end_reason, call.ended_by_id) == ("ended", "hang_up", recruiter.pk)
    assert call.duration_seconds is not None


def test_a_voice_only_call_without_a_turn_server_goes_peer_to_peer(
    browser, conversation, talent, recruiter
):
    # As in the embedded mode (`make run`): no TURN_URLS, so the peers use their own addresses.
    with uvicorn_servers(1, TURN_URLS="", TURN_SECRET="") as (port,):
        (rc, staff), (tc, me) = open_both(
            browser, f"http://127.0.0.1:{port}", conversation, talent, recruiter
        )
        try:
            me.get_by_role("button", name="Voice call").click()
            expect(staff.locator("[data-call-incoming-text]")).to_have_text("Tess is calling you")
            staff.get_by_role("button", name="Answer with voice only").click()

            first = {page: media_flowing(page, video=False) for page in (staff, me)}
            later = {page: media_flowing(page, first[page], video=False) for page in (staff, me)}
            expect(me.locator("[data-call-self]")).to_be_hidden()
            expect(me.get_by_role("button", name="Camera off")).to_have_attribute(
                "aria-pressed", "true"
            )
            expect(staff.locator("[data-call-remote-off]")).to_have_text("Tess's camera is off")

            me.get_by_role("button", name="Hang up").click()
            for page in (staff, me):
                expect(page.locator(".chat-call-record").last).to_contain_text("Voice call, 0:")
        finally:
            rc.close()
            tc.close()

    for page in (staff, me):
        assert later[page]["audioPacketsReceived"] > first[page]["audioPacketsReceived"] > 0
        assert later[page]["framesDecoded"] == 0
        # Peer to peer, no relay: each side's own address. The far side's address may be
        # learnt from its first connectivity check before its candidate arrives over signalling
        # ("prflx", peer reflexive): the same address, found first.
        assert later[page]["localCandidateType"] == "host"
        assert later[page]["remoteCandidateType"] in ("host", "prflx")
    assert Call.objects.get().kind == "voice"


def test_the_talent_declines_from_the_ringing_notice_on_another_page(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        recruiter_context, staff = signed_in(browser, base, recruiter)
        talent_context, me = signed_in(browser, base, talent)
        try:
            staff.goto(f"/chat/{conversation.pk}/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")
            me.goto("/jobs/")
            me.wait_for_function("() => !!(window.Expo && Expo.notifications)")

            staff.get_by_role("button", name="Video call").click()
            toast = me.locator(".expo-toast-call")
            expect(toast).to_contain_text("Rita is video calling you")
            expect(toast.get_by_role("link", name="Answer")).to_have_attribute(
                "href", re.compile(rf"/chat/{conversation.pk}/\?answer=\d+")
            )
            rang = me.evaluate("Expo.calls.ringing()")
            toast.get_by_role("button", name="Decline").click()

            expect(toast).to_have_count(0)
            assert (rang, me.evaluate("Expo.calls.ringing()")) == (True, False)
            expect(staff.locator("[data-call-note]")).to_have_text("Tess declined the call.")
            expect(staff.locator(".chat-call-record").last).to_have_text(
                re.compile(r"Declined video call from Rita\s*\d\d:\d\d")
            )
        finally:
            recruiter_context.close()
            talent_context.close()

    assert Call.objects.get().status == "declined"


def test_an_unanswered_call_is_missed_and_its_notice_goes_away(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1, CALL_RING_SECONDS="2") as (port,):
        base = f"http://127.0.0.1:{port}"
        recruiter_context, staff = signed_in(browser, base, recruiter)
        talent_context, me = signed_in(browser, base, talent)
        try:
            staff.goto(f"/chat/{conversation.pk}/")
            expect(staff.locator("[data-chat-state]")).to_have_text("Live")
            me.goto("/")
            me.wait_for_function("() => !!(window.Expo && Expo.notifications)")

            staff.get_by_role("button", name="Voice call").click()
            expect(me.locator(".expo-toast-call")).to_contain_text("Rita is calling you")

            expect(staff.locator("[data-call-note]")).to_have_text(
                "No answer. You can try again later or send a message."
            )
            expect(me.locator(".expo-toast-call")).to_have_count(0)
            expect(staff.locator(".chat-call-record").last).to_contain_text(
                "Missed voice call from Rita"
            )
            live_time = staff.locator(".chat-call-record .chat-call-at").last.inner_text()
            me.goto(f"/chat/{conversation.pk}/")
            expect(me.locator(".chat-call-record").last).to_contain_text(
                "Missed voice call from Rita"
            )
            rendered_time = me.locator(".chat-call-record .chat-call-at").last.inner_text()
        finally:
            recruiter_context.close()
            talent_context.close()

    assert (Call.objects.get().status, Call.objects.get().end_reason) == ("missed", "no_answer")
    # the record's time as added live and as rendered: one format, the expo's time ("HKT")
    assert live_time == rendered_time
    assert re.fullmatch(r"\d\d:\d\d HKT.*", rendered_time), rendered_time


def test_a_call_forced_through_the_turn_relay_connects_with_the_servers_credentials(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1, CALL_ICE_TRANSPORT_POLICY="relay") as (port,):
        (rc, staff), (tc, me) = open_both(
            browser, f"http://127.0.0.1:{port}", conversation, talent, recruiter
        )
        try:
            staff.get_by_role("button", name="Video call").click()
            me.get_by_role("button", name="Answer with video").click()
            flowing = {page: media_flowing(page) for page in (staff, me)}
            allocations = {page: page.evaluate(RELAY_ALLOCATIONS) for page in (staff, me)}
            config = staff.evaluate("() => { const c = Expo.calls.active(); return c.config; }")
            # The same TURN server with a credential the site did not sign: no relay at all.
            forged = staff.evaluate(
                """async (servers) => {
                  const pc = new RTCPeerConnection({
                    iceServers: servers.map(s => ({...s, credential: "forged"})),
                    iceTransportPolicy: "relay"});
                  const found = {candidates: 0, errors: []};
                  pc.onicecandidate = e => { if (e.candidate) found.candidates++; };
                  pc.onicecandidateerror = e => found.errors.push(e.errorCode);
                  pc.createDataChannel("probe");
                  await pc.setLocalDescription(await pc.createOffer());
                  await new Promise(done => {
                    if (pc.iceGatheringState === "complete") return done();
                    pc.onicegatheringstatechange = () =>
                      pc.iceGatheringState === "complete" && done();
                  });
                  pc.close();
                  return found;
                }""",
                config["ice_servers"],
            )
            staff.get_by_role("button", name="Hang up").click()
            expect(me.locator("[data-call-stage]")).to_be_hidden()
        finally:
            rc.close()
            tc.close()

    # Each side sends from its own relay allocation to the other's: the pair's remote end is
    # one of the other side's relayed addresses (chromium may list it as "prflx" when a check
    # through the relay arrives before the trickled candidate; it is the same address). Each
    # side holds an allocation per TURN transport (UDP, TCP), and the two sides' stats are read
    # a moment apart, so the other side's selected pair may show its other allocation.
    for page, other in ((staff, me), (me, staff)):
        assert flowing[page]["localCandidateType"] == "relay"
        assert flowing[page]["localAddress"] in allocations[page]
        assert flowing[page]["remoteAddress"] in allocations[other]
        assert flowing[page]["remoteCandidateType"] in ("relay", "prflx")
        assert flowing[page]["framesDecoded"] > 0
    assert config["ice_transport_policy"] == "relay"
    assert config["ice_servers"][0]["username"].endswith(f":{recruiter.pk}")
    assert forged["candidates"] == 0
    assert 401 in forged["errors"]


NO_CAMERA = """
(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => constraints && constraints.video
    ? Promise.reject(new DOMException("Requested device not found", "NotFoundError"))
    : real(constraints);
})();
"""

MIC_BLOCKED = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


def test_a_talent_without_a_camera_answers_a_video_call_with_voice(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        (rc, staff), (tc, me) = open_both(
            browser,
            f"http://127.0.0.1:{port}",
            conversation,
            talent,
            recruiter,
            init_script=NO_CAMERA,
        )
        try:
            staff.get_by_role("button", name="Video call").click()
            me.get_by_role("button", name="Answer with video").click()

            expect(me.locator("[data-call-error]")).to_contain_text("Your camera is not available")
            talent_hears = media_flowing(me)  # the recruiter's camera still reaches the talent
            recruiter_hears = media_flowing(staff, video=False)
            expect(staff.locator("[data-call-remote-off]")).to_have_text("Tess's camera is off")
        finally:
            rc.close()
            tc.close()

    assert talent_hears["framesDecoded"] > 0
    assert recruiter_hears["audioPacketsReceived"] > 0


def test_a_blocked_microphone_is_explained_and_nothing_rings(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        (rc, staff), (tc, me) = open_both(
            browser,
            f"http://127.0.0.1:{port}",
            conversation,
            talent,
            recruiter,
            init_script=MIC_BLOCKED,
        )
        try:
            me.get_by_role("button", name="Video call").click()
            expect(
                me.get_by_role("alert").filter(has_text="blocked the microphone")
            ).to_be_visible()
            expect(staff.locator("[data-call-incoming]")).to_be_hidden()
        finally:
            rc.close()
            tc.close()

    assert Call.objects.count() == 0


def axe_violations(page, selector):
    # Colours are judged once they settle: a button that just got the focus is mid-transition.
    page.evaluate(
        "async () => { await Promise.all(document.getAnimations().map(a => a.finished)); }"
    )
    # From the site's own static files: an inline copy would break the Content-Security-Policy.
    page.add_script_tag(url=settings.STATIC_URL + AXE.relative_to(STATIC_DIR).as_posix())
    result = page.evaluate(
        """([selector, tags]) => axe.run(document.querySelector(selector), {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [selector, WCAG_TAGS],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes'][:5]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tab_to(page, name, limit=60):
    """Press Tab until the control named `name` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.textContent || '').trim()")
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with Tab")


def test_the_call_ui_passes_axe_and_works_from_the_keyboard(
    browser, conversation, talent, recruiter
):
    with uvicorn_servers(1) as (port,):
        (rc, staff), (tc, me) = open_both(
            browser, f"http://127.0.0.1:{port}", conversation, talent, recruiter
        )
        try:
            idle = axe_violations(staff, "[data-call-panel]")
            tab_to(staff, "Video call")
            staff.keyboard.press("Enter")
            expect(me.locator("[data-call-incoming]")).to_be_visible()
            ringing = axe_violations(me, "[data-call-panel]")
            tab_to(me, "Answer with video")
            me.keyboard.press("Enter")
            expect(me.locator("[data-call-status]")).to_have_text("Connected")
            media_flowing(me)
            in_call = axe_violations(me, "[data-call-panel]") + axe_violations(
                staff, "[data-call-panel]"
            )

            mute = me.get_by_role("button", name="Mute")
            tab_to(me, "Mute")
            me.keyboard.press("Space")
            expect(mute).to_have_attribute("aria-pressed", "true")
            tab_to(me, "Camera off")
            me.keyboard.press("Enter")
            expect(me.get_by_role("button", name="Camera off")).to_have_attribute(
                "aria-pressed", "true"
            )
            expect(staff.locator("[data-call-remote-off]")).to_have_text("Tess's camera is off")
            tab_to(me, "Hang up")
            me.keyboard.press("Enter")
            expect(staff.locator("[data-call-stage]")).to_be_hidden()
            after = axe_violations(me, "[data-call-panel]")
        finally:
            rc.close()
            tc.close()

    assert idle == ringing == in_call == after == []


def test_a_dropped_connection_shows_reconnecting_and_the_call_carries_on_after_it(
    browser, conversation, talent, recruiter
):
    """The talent's chat socket goes through a Playwright route, so the test can cut it and keep
    it down for a while (the network dropping); the media path between the peers stays up."""
    sockets = []
    network = {"down": False}

    def route(ws):
        if network["down"]:
            ws.close(code=4000, reason="the network is down")
            return
        sockets.append((ws, ws.connect_to_server()))

    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        rc, staff = signed_in(browser, base, recruiter)
        tc, me = signed_in(browser, base, talent)
        me.route_web_socket(re.compile(r".*/ws/chat/\d+/$"), route)
        try:
            for page in (staff, me):
                page.goto(f"/chat/{conversation.pk}/")
                expect(page.locator("[data-chat-state]")).to_have_text("Live")
            staff.get_by_role("button", name="Video call").click()
            me.get_by_role("button", name="Answer with video").click()
            expect(me.locator("[data-call-status]")).to_have_text("Connected")
            before = media_flowing(me)

            network["down"] = True
            page_side, server_side = sockets[-1]
            page_side.close(code=4000, reason="the network is down")
            server_side.close()
            expect(me.locator("[data-call-status]")).to_have_text("Reconnecting…")
            during = media_flowing(me, before)  # the peers still reach each other
            network["down"] = False
            expect(me.locator("[data-chat-state]")).to_have_text("Live", timeout=40_000)
            expect(me.locator("[data-call-status]")).to_have_text("Connected")
            # The page took the call again on its new socket: its signalling goes through.
            me.get_by_role("button", name="Camera off").click()
            expect(staff.locator("[data-call-remote-off]")).to_have_text("Tess's camera is off")
            status = Call.objects.get().status
        finally:
            rc.close()
            tc.close()

    assert during["framesDecoded"] > before["framesDecoded"]
    assert len(sockets) == 2
    assert status == "active"
