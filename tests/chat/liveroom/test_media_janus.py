"""Live video against a real Janus (tests/harness.py starts one): Django creates the room when
the host goes live, hands out per-user tokens, and Janus itself refuses whoever has no token,
another session's token, no right to publish, or a revoked token; ending the session
destroys the room and removes every token."""

import json
import os
import secrets
import urllib.request

import pytest
from django.test import Client

from chat.liveroom import services as liveroom
from chat.liveroom.media import janus, services
from chat.liveroom.media.models import MediaGrant, MediaRoom, StageSeat
from chat.models import Ban
from expo.schedule.models import Stage
from tests.factories import RegistrationFactory, SessionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("JANUS_URL"),
        reason="needs the harness's Janus (make test as root starts it in a network namespace)",
    ),
]

UNAUTHORIZED = 403  # Janus core: a request without a valid token
VIDEOROOM_UNAUTHORIZED = 433  # VideoRoom: not in the allowed list, or a wrong PIN
NO_SUCH_ROOM = 426


@pytest.fixture(autouse=True)
def _janus(settings, tmp_path):
    settings.JANUS_URLS = [os.environ["JANUS_URL"]]
    settings.JANUS_ADMIN_URLS = [os.environ["JANUS_ADMIN_URL"]]
    settings.JANUS_ADMIN_SECRET = os.environ["JANUS_ADMIN_SECRET"]
    settings.JANUS_RECORDINGS_DIR = tmp_path / "recordings"
    settings.LIVE_RECORD = False


class Browser:
    """What a browser does with janus.js, over Janus's HTTP API: its answers, not exceptions."""

    def __init__(self, token=None):
        self.token = token
        self.session = None
        self.handle = None

    def post(self, path, body):
        body = {**body, "transaction": secrets.token_hex(4)}
        if self.token:
            body["token"] = self.token
        request = urllib.request.Request(
            os.environ["JANUS_URL"] + path, json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    def connect(self):
        answer = self.post("", {"janus": "create"})
        if answer["janus"] == "error":
            return answer["error"]["code"]
        self.session = answer["data"]["id"]
        answer = self.post(
            f"/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}
        )
        if answer["janus"] == "error":
            return answer["error"]["code"]
        self.handle = answer["data"]["id"]
        return 0

    def join(self, **join):
        """A VideoRoom join; its asynchronous answer comes on the long poll."""
        body = {"janus": "message", "body": {"request": "join", **join}}
        answer = self.post(f"/{self.session}/{self.handle}", body)
        if answer["janus"] == "error":
            return answer["error"]["code"]
        request = urllib.request.Request(
            f"{os.environ['JANUS_URL']}/{self.session}?maxev=1"
            + (f"&token={self.token}" if self.token else "")
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            event = json.loads(response.read())
        data = event.get("plugindata", {}).get("data", {})
        return data.get("error_code", 0)


def live_session(edition, booth):
    session = SessionFactory(edition=edition, host_booth=booth, kind="presentation")
    Stage.objects.create(session=session)
    return session


def access_of(session, user):
    return liveroom.check_access(session.pk, user)


def go_live(session, host):
    access = access_of(session, host)
    liveroom.go_live(access)
    services.do_open_room(session.pk)
    return access


def test_going_live_creates_the_sessions_room_on_janus_with_its_own_secret(
    edition, booth_a, recruiter
):
    session = live_session(edition, booth_a)

    go_live(session, recruiter)

    room = MediaRoom.objects.get(session=session)
    assert room.is_open and len(room.secret) >= 32 and len(room.pin) >= 16
    assert janus.server(0).participants(room.janus_room) == []
    assert services.media_state(session.pk)["status"] == "ready"


def test_a_visitor_without_a_token_is_refused_by_janus(edition, booth_a, recruiter):
    session = live_session(edition, booth_a)
    go_live(session, recruiter)

    assert Browser(token=None).connect() == UNAUTHORIZED
    assert Browser(token="made-up-" + secrets.token_hex(8)).connect() == UNAUTHORIZED


def test_an_attendee_may_watch_but_janus_refuses_them_as_a_publisher(
    edition, booth_a, recruiter, talent
):
    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    go_live(session, recruiter)
    grant = services.do_grant(access_of(session, talent))
    host_grant = services.do_grant(access_of(session, recruiter))

    attendee = Browser(grant["token"])
    assert attendee.connect() == 0
    assert grant["publish"] is False
    assert (
        attendee.join(ptype="publisher", room=grant["room"], pin=grant["pin"], token=grant["token"])
        == VIDEOROOM_UNAUTHORIZED
    )
    host = Browser(host_grant["token"])
    assert host.connect() == 0
    assert (
        host.join(
            ptype="publisher",
            room=host_grant["room"],
            pin=host_grant["pin"],
            token=host_grant["token"],
            id=host_grant["feed"],
        )
        == 0
    )
    assert [p["id"] for p in janus.server(0).participants(grant["room"])] == [host_grant["feed"]]


def test_another_sessions_token_is_refused_by_janus_in_this_room(
    edition, booth_a, recruiter, talent
):
    mine = live_session(edition, booth_a)
    other = live_session(edition, booth_a)
    outsider = UserFactory()
    RegistrationFactory(session=other, user=outsider)
    go_live(mine, recruiter)
    go_live(other, recruiter)
    room = MediaRoom.objects.get(session=mine)
    other_grant = services.do_grant(access_of(other, outsider))

    browser = Browser(other_grant["token"])
    assert browser.connect() == 0  # a valid token, for the other session
    assert (  # even knowing this room's PIN: the token is not in this room's allowed list
        browser.join(
            ptype="publisher", room=room.janus_room, pin=room.pin, token=other_grant["token"]
        )
        == VIDEOROOM_UNAUTHORIZED
    )
    watcher = Browser(other_grant["token"])
    watcher.connect()
    assert (
        watcher.join(ptype="subscriber", room=room.janus_room, pin=other_grant["pin"], streams=[])
        == VIDEOROOM_UNAUTHORIZED
    )


def test_logging_out_revokes_the_token_in_janus(edition, booth_a, recruiter, talent):
    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    go_live(session, recruiter)
    grant = services.do_grant(access_of(session, talent))
    assert Browser(grant["token"]).connect() == 0
    client = Client()
    client.force_login(talent)

    client.post("/accounts/logout/")

    assert Browser(grant["token"]).connect() == UNAUTHORIZED
    assert MediaGrant.objects.get(token=grant["token"]).revoked_at is not None


def test_a_chat_ban_revokes_the_token_and_no_new_one_is_handed_out(
    edition, booth_a, recruiter, talent
):
    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    go_live(session, recruiter)
    grant = services.do_grant(access_of(session, talent))

    Ban.objects.create(user=talent)

    assert Browser(grant["token"]).connect() == UNAUTHORIZED
    with pytest.raises(services.MediaError) as refused:
        services.do_grant(access_of(session, talent))
    assert refused.value.code == "banned"


def test_ending_the_session_destroys_the_room_and_removes_every_token(
    edition, booth_a, recruiter, talent
):
    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    host_access = go_live(session, recruiter)
    grant = services.do_grant(access_of(session, talent))

    liveroom.end(host_access)
    services.do_close_room(session.pk)

    assert Browser(grant["token"]).connect() == UNAUTHORIZED
    with pytest.raises(janus.JanusError) as gone:
        janus.server(0).participants(grant["room"])
    assert gone.value.code == NO_SUCH_ROOM
    assert services.media_state(session.pk)["status"] == "ended"
    with pytest.raises(services.MediaError):
        services.do_grant(access_of(session, talent))


def test_an_attendee_brought_on_stage_may_publish_and_taken_off_may_not(
    edition, booth_a, recruiter, talent
):
    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    host_access = go_live(session, recruiter)
    services.do_raise_hand(access_of(session, talent))
    assert [p["user"] for p in services.media_state(session.pk)["hands"]] == [talent.pk]

    services.do_bring_on_stage(host_access, talent.pk)
    grant = services.do_grant(access_of(session, talent))
    on_stage = Browser(grant["token"])
    on_stage.connect()
    joined = on_stage.join(
        ptype="publisher",
        room=grant["room"],
        pin=grant["pin"],
        token=grant["token"],
        id=grant["feed"],
    )
    services.do_take_off_stage(host_access, talent.pk)

    assert grant["publish"] is True and joined == 0
    assert janus.server(0).participants(grant["room"]) == []  # kicked
    again = Browser(grant["token"])
    again.connect()
    assert (
        again.join(ptype="publisher", room=grant["room"], pin=grant["pin"], token=grant["token"])
        == VIDEOROOM_UNAUTHORIZED
    )
    assert StageSeat.objects.get(session=session, user=talent).status == "down"


def test_the_stage_holds_at_most_its_configured_number(edition, booth_a, recruiter, settings):
    settings.LIVE_STAGE_MAX = 1
    session = live_session(edition, booth_a)
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        RegistrationFactory(session=session, user=user)
    host_access = go_live(session, recruiter)

    services.do_bring_on_stage(host_access, first.pk)
    with pytest.raises(services.MediaError) as full:
        services.do_bring_on_stage(host_access, second.pk)

    assert full.value.code == "stage_full"


def test_a_stray_publisher_that_no_grant_explains_is_kicked(edition, booth_a, recruiter):
    session = live_session(edition, booth_a)
    go_live(session, recruiter)
    grant = services.do_grant(access_of(session, recruiter))
    browser = Browser(grant["token"])
    browser.connect()
    browser.join(
        ptype="publisher", room=grant["room"], pin=grant["pin"], token=grant["token"], id=7
    )

    services.do_reconcile(session.pk)

    assert janus.server(0).participants(grant["room"]) == []


def test_healthz_reports_the_media_server_and_stays_up_when_it_is_down(client, settings):
    answer = client.get("/healthz").json()
    assert answer["checks"]["media"] == {
        "ok": True,
        "detail": "janus: 1 of 1 media servers answer",
        "advisory": True,
    }

    settings.JANUS_ADMIN_URLS = ["http://127.0.0.1:1/admin"]
    response = client.get("/healthz")

    assert response.status_code == 200
    media = response.json()["checks"]["media"]
    assert media["ok"] is False and "1 of 1 media servers down" in media["detail"]


def test_a_room_left_open_past_the_sessions_end_is_closed_by_the_beat(
    edition, booth_a, recruiter, talent
):
    from datetime import timedelta

    from django.utils import timezone

    from chat.liveroom.media.tasks import close_finished_rooms

    session = live_session(edition, booth_a)
    RegistrationFactory(session=session, user=talent)
    go_live(session, recruiter)
    grant = services.do_grant(access_of(session, talent))
    running = live_session(edition, booth_a)
    go_live(running, recruiter)
    session.ends_at = timezone.now() - timedelta(minutes=31)
    session.starts_at = session.ends_at - timedelta(hours=1)
    session.save(update_fields=["starts_at", "ends_at"])

    assert close_finished_rooms() == 1

    assert MediaRoom.objects.get(session=session).closed_at is not None
    assert MediaRoom.objects.get(session=running).closed_at is None
    assert Browser(grant["token"]).connect() == UNAUTHORIZED
