"""The live room socket's video frames: going live opens the room and everyone's state says
so; a registered attendee gets a grant to watch (not to publish), the host one to publish; a
raised hand reaches the host as a numbered event; with the media server down the room says
so and Q&A keeps working; frames that do not parse get an error and the socket stays up."""

import os

import pytest
from asgiref.sync import sync_to_async

from chat.liveroom.media.models import MediaRoom
from tests.factories import RegistrationFactory, SessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("JANUS_URL"),
        reason="needs the harness's Janus (make test as root starts it in a network namespace)",
    ),
]


@pytest.fixture(autouse=True)
def _janus(settings, tmp_path):
    settings.JANUS_URLS = [os.environ["JANUS_URL"]]
    settings.JANUS_ADMIN_URLS = [os.environ["JANUS_ADMIN_URL"]]
    settings.LIVE_RECORD = False


@pytest.fixture
def session(edition, booth_a, talent):
    session = SessionFactory(edition=edition, host_booth=booth_a, kind="presentation")
    RegistrationFactory(session=session, user=talent)
    return session


async def enter(connect, session, user):
    socket = await connect(f"/ws/sessions/{session.pk}/", user)
    state = await socket.receive_type("state")
    return socket, state


async def test_going_live_opens_the_video_and_hands_out_watch_and_publish_grants(
    connect, session, recruiter, talent
):
    host, before = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, talent)

    await host.send({"type": "go_live"})
    media = await viewer.receive_type("media")
    await viewer.send({"type": "media.join"})
    watch = await viewer.receive_type("media.grant")
    await host.send({"type": "media.join"})
    publish = await host.receive_type("media.grant")

    room = await sync_to_async(MediaRoom.objects.get)(session=session)
    assert before["media"]["status"] == "waiting"
    assert media["media"]["status"] == "ready" and media["media"]["feeds"] == []
    assert (watch["publish"], watch["role"], watch["room"]) == (False, "viewer", room.janus_room)
    assert (publish["publish"], publish["role"]) == (True, "host")
    assert watch["pin"] == publish["pin"] == room.pin
    assert watch["token"] != publish["token"]
    assert watch["janus_url"] == os.environ["JANUS_URL"]


async def test_no_grant_before_the_host_goes_live(connect, session, talent):
    viewer, _ = await enter(connect, session, talent)

    await viewer.send({"type": "media.join"})
    error = await viewer.receive_type("error")

    assert error["code"] == "not_live"


async def test_a_raised_hand_reaches_the_host_and_only_hosts_bring_people_on_stage(
    connect, session, recruiter, talent
):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, talent)
    await host.send({"type": "go_live"})
    await host.receive_type("media")

    await viewer.send({"type": "hand.raise"})
    raised = await host.receive_type("media")
    await viewer.send({"type": "stage.invite", "user": talent.pk})
    refused = await viewer.receive_type("error")
    await host.send({"type": "stage.invite", "user": "everyone"})
    invalid = await host.receive_type("error")

    assert [p["name"] for p in raised["media"]["hands"]] == ["Tess"]
    assert refused["code"] == "forbidden"
    assert invalid["code"] == "invalid"


async def test_with_the_media_server_down_the_room_says_so_and_questions_still_work(
    connect, session, recruiter, talent, settings
):
    settings.JANUS_ADMIN_URLS = ["http://127.0.0.1:1/admin"]
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, talent)

    await host.send({"type": "go_live"})
    error = await host.receive_type("error")
    await viewer.send({"type": "media.join"})
    refused = await viewer.receive_type("error")
    await viewer.send({"type": "ask", "body": "Is the video coming back?"})
    question = await host.receive_type("question")
    again, state = await enter(connect, session, talent)

    assert error["code"] == refused["code"] == "media_unavailable"
    assert question["question"]["body"] == "Is the video coming back?"
    assert state["status"] == "live" and state["media"]["status"] == "unavailable"
