"""The 1:1 queue, the staff console and conversations over sockets: every action and refusal."""

import pytest
from asgiref.sync import sync_to_async
from django.core import mail

from booths.models import Membership
from chat.actions.conversations import do_close, do_handover, do_post_conversation_message
from chat.actions.queue import do_join_queue, do_take, my_queue_entry
from chat.actions.rooms import ChatError
from chat.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_REVOKED,
    CLOSE_UNAUTHENTICATED,
)
from chat.models import Ban, Conversation, Message, Report
from tests.chat.conftest import event

pytestmark = pytest.mark.django_db(transaction=True)


def booth_path(booth):
    return f"/ws/booth/{booth.pk}/"


def console_path(booth):
    return f"/ws/console/{booth.pk}/"


async def queued_and_taken(connect, booth, talent, recruiter):
    """The talent queues at the booth, the recruiter takes them: (talent socket, console,
    conversation id)."""
    visitor = await connect(booth_path(booth), talent)
    await visitor.receive_type("hello")
    console = await connect(console_path(booth), recruiter)
    await console.receive_type("hello")
    await visitor.send({"type": "queue.join"})
    await visitor.receive_type("queue.joined")
    await console.receive_type("queue")
    await console.send({"type": "take"})
    taken = await console.receive_type("taken")
    return visitor, console, taken["conversation"]


async def test_a_talent_queues_sees_the_order_and_the_console_sees_them_waiting(
    connect, booth_a, talent, recruiter
):
    console = await connect(console_path(booth_a), recruiter)
    hello = await console.receive_type("hello")
    visitor = await connect(booth_path(booth_a), talent)
    await visitor.receive_type("hello")

    await visitor.send({"type": "queue.join"})
    joined = await visitor.receive_type("queue.joined")
    # The summary is broadcast on commit, inside the join; it may overtake the reply.
    summary = await visitor.expect(event(type="summary", waiting=1))
    queue = await console.receive_type("queue")

    assert hello["staff_online"] == 1
    assert joined["summary"]["order"] == [joined["entry"]]  # the reply alone gives the place
    assert summary["order"] == [joined["entry"]]
    assert (summary["waiting"], summary["staff_online"]) == (1, 1)
    assert [w["name"] for w in queue["waiting"]] == ["Tess Talent"]
    assert queue["id"] == 1


async def test_taking_the_next_talent_tells_both_sides_at_once(connect, booth_a, talent, recruiter):
    notifications = await connect("/ws/notifications/", talent)
    visitor, console, conversation_id = await queued_and_taken(connect, booth_a, talent, recruiter)

    accepted = await visitor.receive_type("queue.accepted")
    toast = await notifications.receive_type("notification")

    assert accepted["url"] == f"/chat/{conversation_id}/"
    assert toast["url"] == f"/chat/{conversation_id}/"
    assert toast["title"] == "A recruiter is ready to talk"
    assert await sync_to_async(my_queue_entry)(talent, booth_a) is None


async def test_a_recruiter_can_take_a_chosen_talent(connect, booth_a, talent, recruiter):
    from tests.factories import UserFactory

    other = await sync_to_async(UserFactory)()
    first = await sync_to_async(do_join_queue)(other, booth_a.pk)
    chosen = await sync_to_async(do_join_queue)(talent, booth_a.pk)
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")

    await console.send({"type": "take", "entry": chosen.pk})
    taken = await console.receive_type("taken")

    conversation = await sync_to_async(Conversation.objects.get)(pk=taken["conversation"])
    assert conversation.talent_id == talent.pk
    assert await sync_to_async(my_queue_entry)(other, booth_a) == first


async def test_taking_from_an_empty_queue_says_so(connect, booth_a, recruiter):
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")

    await console.send({"type": "take"})

    assert (await console.receive_type("error"))["code"] == "queue_empty"


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ("talent", CLOSE_FORBIDDEN),
        ("outsider_recruiter", CLOSE_FORBIDDEN),
        (None, CLOSE_UNAUTHENTICATED),
    ],
)
async def test_only_the_booths_staff_may_open_its_console(
    connect, booth_a, talent, outsider_recruiter, actor, code
):
    user = {"talent": talent, "outsider_recruiter": outsider_recruiter}.get(actor)
    socket = await connect(console_path(booth_a), user)

    assert (await socket.receive_type("error"))["code"] == "refused"
    assert await socket.receive_close() == code


async def test_the_two_sides_exchange_messages_typing_and_read_receipts(
    connect, booth_a, talent, recruiter
):
    _visitor, _console, conversation_id = await queued_and_taken(
        connect, booth_a, talent, recruiter
    )
    mine = await connect(f"/ws/chat/{conversation_id}/", talent)
    hello = await mine.receive_type("hello")
    theirs = await connect(f"/ws/chat/{conversation_id}/", recruiter)
    await theirs.receive_type("hello")

    await theirs.send({"type": "typing"})
    typing = await mine.receive_type("typing")
    await theirs.post("Hello Tess, how can I help?")
    message = await mine.receive_type("message")
    await mine.send({"type": "read", "up_to": message["id"]})
    receipt = await theirs.receive_type("read")

    assert hello["status"] == "open"
    assert (typing["user_id"], typing["name"]) == (recruiter.pk, "Rita")
    assert (message["message"]["body"], message["message"]["staff"]) == (
        "Hello Tess, how can I help?",
        True,
    )
    assert (receipt["by"], receipt["up_to"]) == (talent.pk, message["id"])


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("talent", True),
        ("recruiter", True),
        ("organiser", True),
        ("company_admin", False),
        ("outsider_recruiter", False),
    ],
)
async def test_only_the_two_sides_and_organisers_may_join_a_conversation(
    connect,
    booth_a,
    talent,
    recruiter,
    organiser,
    company_admin,
    outsider_recruiter,
    actor,
    allowed,
):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)
    user = locals()[actor]

    socket = await connect(f"/ws/chat/{conversation.pk}/", user)
    first = await socket.receive()

    if allowed:
        assert first["type"] == "hello"
    else:
        assert first["type"] == "error"
        assert await socket.receive_close() == CLOSE_NOT_FOUND


def _conversation(booth, talent, recruiter):
    do_join_queue(talent, booth.pk)
    return do_take(recruiter, booth.pk)


async def test_an_organiser_reads_a_conversation_but_does_not_write_in_it(
    connect, booth_a, talent, recruiter, organiser
):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)
    socket = await connect(f"/ws/chat/{conversation.pk}/", organiser)
    await socket.receive_type("hello")

    await socket.post("I am the organiser")

    assert (await socket.receive_type("error"))["code"] == "forbidden"


async def test_a_message_to_someone_elses_conversation_is_refused(
    connect, booth_a, talent, recruiter, outsider_recruiter
):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)

    with pytest.raises(ChatError) as refused:
        await sync_to_async(do_post_conversation_message)(
            outsider_recruiter, conversation.pk, "hi", "4c0f0e4e-2b4f-4b55-9f0e-3c1c7a0b9d11"
        )

    assert refused.value.code == "not_found"
    assert await sync_to_async(Message.objects.count)() == 0


async def test_a_reconnecting_side_gets_missed_conversation_events_in_order(
    connect, booth_a, talent, recruiter
):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)
    theirs = await connect(f"/ws/chat/{conversation.pk}/", recruiter)
    await theirs.receive_type("hello")
    for n in range(3):
        await theirs.post(f"line {n}")
        await theirs.receive_type("ack")

    mine = await connect(f"/ws/chat/{conversation.pk}/", talent)
    await mine.receive_type("hello")
    await mine.send({"type": "sync", "room": f"conv.{conversation.pk}", "last_event_id": 0})
    events = [await mine.receive_type("conversation", "message", "synced") for _ in range(5)]

    assert [e["type"] for e in events] == [
        "conversation",
        "message",
        "message",
        "message",
        "synced",
    ]
    assert [e["id"] for e in events[:4]] == [1, 2, 3, 4]


async def test_closing_with_an_outcome_reaches_the_talent(connect, booth_a, talent, recruiter):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)
    mine = await connect(f"/ws/chat/{conversation.pk}/", talent)
    await mine.receive_type("hello")

    await sync_to_async(do_close)(recruiter, conversation.pk, "contact", "Talk soon")
    state = await mine.receive_type("conversation")
    await mine.post("one more thing")

    assert (state["status"], state["outcome_label"], state["outcome_note"]) == (
        "closed",
        "We will contact you",
        "Talk soon",
    )
    assert (await mine.receive_type("error"))["code"] == "closed"


async def test_a_handover_cuts_the_previous_recruiter_and_admits_the_colleague(
    connect, booth_a, talent, recruiter, company_admin
):
    conversation = await sync_to_async(_conversation)(booth_a, talent, recruiter)
    before = await connect(f"/ws/chat/{conversation.pk}/", recruiter)
    await before.receive_type("hello")

    await sync_to_async(do_handover)(recruiter, conversation.pk, company_admin.pk)

    assert await before.receive_close() == CLOSE_FORBIDDEN
    after = await connect(f"/ws/chat/{conversation.pk}/", company_admin)
    assert (await after.receive_type("hello"))["recruiter_id"] == company_admin.pk


async def test_when_nobody_is_online_a_left_message_is_emailed_and_shown_in_the_console(
    connect, booth_a, talent, recruiter
):
    visitor = await connect(booth_path(booth_a), talent)
    await visitor.receive_type("hello")

    await visitor.post("Please call me back", frame_type="leave_message")
    left = await visitor.receive_type("message_left")
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")
    await console.send({"type": "sync", "room": f"staff.{booth_a.pk}", "last_event_id": 0})
    queue = await console.receive_type("queue")

    assert [m["conversation"] for m in queue["messages_left"]] == [left["conversation"]]
    assert [m.to for m in mail.outbox] == [[recruiter.email]]
    assert "Please call me back" in mail.outbox[0].body

    await console.send({"type": "pick_up", "conversation": left["conversation"]})
    assert (await console.receive_type("taken"))["conversation"] == left["conversation"]


async def test_staff_delete_a_message_for_everyone_and_it_replays_as_deleted(
    connect, booth_a, talent, recruiter
):
    reader = await connect(booth_path(booth_a))
    await reader.receive_type("hello")
    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")
    await writer.post("rude words")
    message = (await reader.receive_type("message"))["message"]
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")

    await console.send({"type": "delete", "message": message["id"]})
    deleted = await reader.receive_type("message.deleted")
    await reader.send({"type": "sync", "room": f"lobby.{booth_a.pk}", "last_event_id": 0})
    replayed = await reader.receive_type("message")

    assert deleted["message_id"] == message["id"]
    assert (replayed["message"]["deleted"], replayed["message"]["body"]) == (True, "")


async def test_a_talent_cannot_delete_messages(connect, booth_a, talent):
    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")
    await writer.post("mine")
    message_id = (await writer.receive_type("message"))["message"]["id"]

    await writer.send({"type": "delete", "message": message_id})

    assert (await writer.receive_type("error"))["code"] == "forbidden"


async def test_a_muted_user_cannot_post_in_that_booth(connect, booth_a, talent, recruiter):
    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")

    await console.send({"type": "mute", "user": talent.pk, "minutes": 15})
    await console.receive_type("muted")
    await writer.post("can I still talk?")

    assert (await writer.receive_type("error"))["code"] == "muted"


async def test_any_user_can_report_a_message(connect, booth_a, talent, recruiter):
    writer = await connect(booth_path(booth_a), recruiter)
    await writer.receive_type("hello")
    await writer.post("spam")
    message_id = (await writer.receive_type("message"))["message"]["id"]
    reporter = await connect(booth_path(booth_a), talent)
    await reporter.receive_type("hello")

    await reporter.send({"type": "report", "message": message_id, "reason": "spam"})
    await reporter.receive_type("reported")

    assert await sync_to_async(Report.objects.filter(message_id=message_id).count)() == 1


async def test_an_organiser_ban_closes_the_users_sockets_and_stops_posting(
    connect, booth_a, talent, organiser
):
    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")

    await sync_to_async(Ban.objects.create)(user=talent, banned_by=organiser)

    assert await writer.receive_close() == CLOSE_REVOKED
    again = await connect(booth_path(booth_a), talent)
    await again.receive_type("hello")
    await again.post("still here")
    assert (await again.receive_type("error"))["code"] == "banned"


async def test_removal_from_the_company_closes_the_console(connect, booth_a, recruiter):
    console = await connect(console_path(booth_a), recruiter)
    await console.receive_type("hello")

    await sync_to_async(Membership.objects.filter(user=recruiter).delete)()

    assert await console.receive_close() == CLOSE_REVOKED
    again = await connect(console_path(booth_a), recruiter)
    assert await again.receive_close() == CLOSE_FORBIDDEN


async def test_a_disabled_account_is_cut_off(connect, booth_a, talent):
    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")

    talent.is_active = False
    await sync_to_async(talent.save)()

    assert await writer.receive_close() == CLOSE_REVOKED


async def test_logging_out_closes_the_users_sockets(connect, booth_a, talent):
    from django.test import Client

    writer = await connect(booth_path(booth_a), talent)
    await writer.receive_type("hello")

    def logout():
        client = Client()
        client.force_login(talent)
        client.post("/accounts/logout/")

    await sync_to_async(logout)()

    assert await writer.receive_close() == CLOSE_REVOKED


async def test_a_client_gone_before_its_answer_is_not_an_error(
    connect, booth_a, talent, monkeypatch, caplog
):
    """Under load, attendees leave a queue and close the socket at once: uvicorn's send then
    raises ClientDisconnected inside the handler. No error is logged and no answer attempted."""
    from chat import consumers

    visitor = await connect(booth_path(booth_a), talent)
    await visitor.receive_type("hello")
    await visitor.send({"type": "queue.join"})
    await visitor.receive_type("queue.joined")

    async def gone(self, frame):
        raise consumers.ClientDisconnected()

    monkeypatch.setattr(consumers.BoothConsumer, "handle_queue_leave", gone)
    with caplog.at_level("DEBUG", logger="chat.consumers"):
        await visitor.send({"type": "queue.leave"})
        await visitor.send({"type": "queue.join"})  # the next frame is handled as usual
        await visitor.receive_type("queue.joined")

    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert any("left before its answer" in r.getMessage() for r in caplog.records)
