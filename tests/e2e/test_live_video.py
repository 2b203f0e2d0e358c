"""Live video in Debian's chromium with fake camera, microphone and screen, through the
harness's Janus, inside the harness's loopback-only network namespace.

The host previews the camera and goes live; a co-host (a second context) shares a screen; two
attendees receive both (inbound video frames decoded keep increasing, audio arrives); an
attendee raises a hand, is brought on stage, and the other attendee sees them; taken off
stage, they disappear. The app is served by uvicorn (tests/chat/servers.py)."""

import os
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.chat.servers import uvicorn_servers
from tests.e2e.conftest import _REPORT_VIOLATIONS, CHROMIUM
from tests.factories import RegistrationFactory, SessionFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("JANUS_URL"),
        reason="needs the harness's Janus (make test as root starts it in a network namespace)",
    ),
]

FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--auto-select-desktop-capture-source=Entire screen",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def chromium_with_fake_media(playwright, browser_type_launch_args):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*browser_type_launch_args["args"], *FAKE_MEDIA]
    )
    yield browser
    browser.close()


@pytest.fixture
def media_browser(chromium_with_fake_media, monkeypatch):
    """The fake-media browser, its pages held to the Content-Security-Policy like every other
    browser test's (tests/e2e/conftest.py): the video's calls to Janus included."""
    found = []
    original = chromium_with_fake_media.new_context

    def new_context(*args, **kwargs):
        context = original(*args, **kwargs)
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                found.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return context

    monkeypatch.setattr(chromium_with_fake_media, "new_context", new_context)
    yield chromium_with_fake_media
    assert found == [], "Pages violated the Content-Security-Policy:\n" + "\n".join(found)


def signed_in_page(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def inbound(page):
    return page.evaluate("window.ExpoLiveMedia.inboundStats()")


# wait_for_function needs a synchronous predicate: each poll starts a getStats() round and
# judges the previous round's answer.
POLL_STATS = """window.ExpoLiveMedia.inboundStats().then(s => { window.__stats = s; });
    const stats = window.__stats || {};"""


def wait_for_feeds(page, count):
    """Wait until exactly `count` feeds decode video; returns the stats."""
    page.wait_for_function(
        f"""() => {{ {POLL_STATS}
            const feeds = Object.values(stats);
            return feeds.length === {count} && feeds.every(f => f.framesDecoded > 5);
        }}""",
        polling=500,
        timeout=30_000,
    )
    return inbound(page)


def wait_for_more_frames(page, before):
    """Every feed's decoded frames (and audio, where it had some) keep growing."""
    page.wait_for_function(
        f"""before => {{ {POLL_STATS}
            return Object.keys(before).every(feed => stats[feed] &&
                stats[feed].framesDecoded > before[feed].framesDecoded + 10 &&
                stats[feed].audioBytes >= before[feed].audioBytes);
        }}""",
        arg=before,
        polling=500,
        timeout=30_000,
    )
    return inbound(page)


def test_the_host_and_a_co_host_are_seen_and_heard_and_an_attendee_brought_on_stage_too(
    media_browser, settings, tmp_path, edition, booth_a, recruiter, company_admin
):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    session = SessionFactory(
        edition=edition,
        host_booth=booth_a,
        kind="presentation",
        title="Robots on stage",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    ada, ben = UserFactory(full_name="Olga Ortiz"), UserFactory(full_name="Ben Brown")
    for user in (ada, ben):
        RegistrationFactory(session=session, user=user)
    contexts = []
    with uvicorn_servers(1, MEDIA_ROOT=str(tmp_path), LIVE_RECORD="0") as (port,):
        base = f"http://127.0.0.1:{port}"
        try:
            live = f"/sessions/{session.pk}/live/"
            pages = {}
            for name, user in [
                ("host", recruiter),
                ("cohost", company_admin),
                ("ada", ada),
                ("ben", ben),
            ]:
                context, page = signed_in_page(media_browser, base, user)
                contexts.append(context)
                page.goto(live)
                expect(page.locator("#connection-state")).to_have_text("Connected")
                pages[name] = page
            host, cohost, ada_page, ben_page = (pages[k] for k in ("host", "cohost", "ada", "ben"))

            # The host previews camera and microphone, then goes live: the preview goes out.
            host.get_by_role("button", name="Preview camera and microphone").click()
            expect(host.locator("#preview-video")).to_be_visible()
            host.get_by_role("button", name="Go live").click()
            host.wait_for_function("() => window.ExpoLiveMedia.publishing()")

            # A co-host shares a screen and broadcasts it.
            cohost.get_by_role("button", name="Share a screen or window").click()
            expect(cohost.locator("#preview-video")).to_be_visible()
            cohost.get_by_role("button", name="Start broadcasting").click()
            cohost.wait_for_function("() => window.ExpoLiveMedia.publishing()")

            # Both attendees receive both: video frames keep being decoded, audio arrives.
            for page in (ada_page, ben_page):
                first = wait_for_feeds(page, 2)
                later = wait_for_more_frames(page, first)
                host_feed = max(later.values(), key=lambda f: f["audioBytes"])
                assert host_feed["audioBytes"] > 0
                expect(page.locator(".video-tile")).to_have_count(2)
                expect(page.locator(".video-caption", has_text="Rita")).to_be_visible()

            # Olga raises her hand; the host brings her on stage; Ben sees her.
            ada_page.get_by_role("button", name="Raise hand").click()
            hand = host.locator("#hand-list li", has_text="Olga")
            hand.get_by_role("button", name="Bring on stage").click()
            ada_page.get_by_role("button", name="Join with camera and microphone").click()
            ada_page.wait_for_function("() => window.ExpoLiveMedia.publishing()")
            first = wait_for_feeds(ben_page, 3)
            wait_for_more_frames(ben_page, first)
            expect(ben_page.locator(".video-caption", has_text="Olga")).to_be_visible()

            # Taken off stage, Olga's picture goes away for Ben.
            host.locator("#stage-list li", has_text="Olga").get_by_role(
                "button", name="Take off stage"
            ).click()
            expect(ben_page.locator(".video-caption", has_text="Olga")).to_have_count(0)
            expect(ben_page.locator(".video-tile")).to_have_count(2)
        finally:
            for context in contexts:
                context.close()


def test_a_recorded_session_becomes_a_seekable_replay_for_its_attendees(
    media_browser, settings, tmp_path, edition, booth_a, recruiter, talent, outsider_recruiter
):
    """The host goes live on camera and ends; the host's page shows the conversion until the
    replay is ready; it plays in the attendee's browser, ffprobe finds video and audio, its
    length is the time live (within 10%), it is served in ranges, and not to outsiders."""
    import json
    import subprocess

    from chat.liveroom.media.models import Replay
    from expo.schedule.models import Stage

    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    session = SessionFactory(
        edition=edition,
        host_booth=booth_a,
        kind="presentation",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    RegistrationFactory(session=session, user=talent)
    private = tmp_path / "private"
    contexts = []
    with uvicorn_servers(1, MEDIA_ROOT=str(tmp_path), PRIVATE_MEDIA_ROOT=str(private)) as (port,):
        base = f"http://127.0.0.1:{port}"
        try:
            host_context, host = signed_in_page(media_browser, base, recruiter)
            viewer_context, viewer = signed_in_page(media_browser, base, talent)
            outsider_context, _outsider = signed_in_page(media_browser, base, outsider_recruiter)
            contexts += [host_context, viewer_context, outsider_context]
            for page in (host, viewer):
                page.goto(f"/sessions/{session.pk}/live/")
                expect(page.locator("#connection-state")).to_have_text("Connected")
            host.get_by_role("button", name="Preview camera and microphone").click()
            host.get_by_role("button", name="Go live").click()
            host.wait_for_function("() => window.ExpoLiveMedia.publishing()")
            first = wait_for_feeds(viewer, 1)
            for _ in range(4):  # some seconds of picture and sound, counted in frames
                first = wait_for_more_frames(viewer, first)
            host.get_by_role("button", name="End the session").click()
            expect(host.locator("#stage-status")).to_have_text("The session has ended")

            host.goto(f"/sessions/{session.pk}/")
            expect(host.locator("#replay-panel[data-status=ready]")).to_be_visible(timeout=120_000)
            replay = Replay.objects.get(session=session)
            stage = Stage.objects.get(session=session)
            live = (stage.ended_at - stage.went_live_at).total_seconds()
            probe = json.loads(
                subprocess.run(
                    [
                        "ffprobe",
                        "-v",
                        "error",
                        "-show_streams",
                        "-show_format",
                        "-of",
                        "json",
                        replay.file,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            kinds = sorted(stream["codec_type"] for stream in probe["streams"])
            duration = float(probe["format"]["duration"])

            assert kinds == ["audio", "video"]
            assert abs(duration - live) <= 0.1 * live, (duration, live)
            assert replay.file.startswith(str(private))

            viewer.goto(f"/sessions/{session.pk}/")
            player = viewer.locator("#replay-panel video")
            expect(player).to_be_visible()
            viewer.wait_for_function(
                "() => { const v = document.querySelector('#replay-panel video');"
                " return v && v.readyState >= 1 && v.duration > 1; }"
            )
            url = f"/sessions/{session.pk}/replay.mp4"
            part = viewer_context.request.get(url, headers={"Range": "bytes=100-1099"})
            assert part.status == 206
            assert len(part.body()) == 1000
            assert part.headers["content-range"] == f"bytes 100-1099/{replay.size}"
            assert outsider_context.request.get(url).status == 404
        finally:
            for context in contexts:
                context.close()
