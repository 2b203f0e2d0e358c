"""The live day follows people around the site: the notification socket every page holds tells a
talent their queues and a recruiter calling them (until answered or skipped), and tells staff
when talent wait at their booth with nobody on the console; presence counts staff anywhere."""

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.utils import timezone

from booths import presence
from chat import live
from chat.actions import queue
from chat.models import Conversation, QueueEntry
from chat.tasks import skip_unanswered_calls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTIFICATIONS = "/ws/notifications/"


def _take(booth, talent, recruiter):
    queue.do_join_queue(talent, booth.pk)
    return queue.do_take(recruiter, booth.pk)


async def test_a_talent_sees_each_queue_they_are_in_on_any_page_with_position_and_wait(
    connect, booth_a, booth_b, talent
):
    first = await sync_to_async(UserFactory)()
    await sync_to_async(queue.do_join_queue)(first, booth_a.pk)
    await sync_to_async(queue.do_join_queue)(talent, booth_a.pk)
    await sync_to_async(queue.do_join_queue)(talent, booth_b.pk)

    page = await connect(NOTIFICATIONS, talent)
    state = await page.receive_type("live")

    assert [(q["company"], q["position"], q["wait_minutes"]) for q in state["queues"]] == [
        ("Company A", 2, 10),
        ("Company B", 1, 5),
    ]
    assert (state["calling"], state["missed"], state["staff"]) == ([], [], [])


async def test_positions_follow_the_booth_while_the_talent_browses_elsewhere(
    connect, booth_a, talent
):
    first = await sync_to_async(UserFactory)()
    await sync_to_async(queue.do_join_queue)(first, booth_a.pk)
    entry = await sync_to_async(queue.do_join_queue)(talent, booth_a.pk)
    page = await connect(NOTIFICATIONS, talent)
    await page.receive_type("live")

    await sync_to_async(queue.do_leave_queue)(first, booth_a.pk)
    summary = await page.expect(lambda e: e["type"] == "summary" and e["waiting"] == 1)

    assert summary["order"] == [entry.pk]


async def test_joining_and_leaving_a_queue_updates_every_open_page(connect, booth_a, talent):
    page = await connect(NOTIFICATIONS, talent)
    assert (await page.receive_type("live"))["queues"] == []

    await sync_to_async(queue.do_join_queue)(talent, booth_a.pk)
    joined = await page.expect(lambda e: e["type"] == "live" and e["queues"])
    await page.send({"type": "queue.leave", "booth": booth_a.pk})  # the bar's "Leave"
    left = await page.expect(lambda e: e["type"] == "live" and not e["queues"])

    assert [q["booth"] for q in joined["queues"]] == [booth_a.pk]
    assert left["queues"] == []
    assert await sync_to_async(queue.my_queue_entry)(talent, booth_a) is None


async def test_leaving_from_the_bar_needs_a_booth_id(connect, talent):
    page = await connect(NOTIFICATIONS, talent)
    await page.receive_type("live")

    await page.send({"type": "queue.leave", "booth": "all"})

    assert (await page.receive_type("error"))["code"] == "invalid"


async def test_a_recruiter_calling_is_shown_on_every_page_and_again_after_a_reload(
    connect, settings, booth_a, talent, recruiter
):
    settings.CHAT_ANSWER_SECONDS = 120
    page = await connect(NOTIFICATIONS, talent)
    await page.receive_type("live")

    conversation = await sync_to_async(_take)(booth_a, talent, recruiter)
    calling = (await page.expect(lambda e: e["type"] == "live" and e["calling"]))["calling"]
    await page.close()
    reloaded = await connect(NOTIFICATIONS, talent)
    after_reload = (await reloaded.receive_type("live"))["calling"]

    entry = await sync_to_async(QueueEntry.objects.get)(talent=talent)
    expected = [
        {
            "entry": entry.pk,
            "booth": booth_a.pk,
            "company": "Company A",
            "recruiter": "Rita",
            "url": f"/chat/{conversation.pk}/",
            "until": (entry.taken_at + timedelta(seconds=120)).isoformat(),
        }
    ]
    assert calling == expected
    assert after_reload == expected


async def test_opening_the_conversation_answers_the_call_on_both_sides(
    connect, booth_a, talent, recruiter
):
    conversation = await sync_to_async(_take)(booth_a, talent, recruiter)
    page = await connect(NOTIFICATIONS, talent)
    assert (await page.receive_type("live"))["calling"]
    theirs = await connect(f"/ws/chat/{conversation.pk}/", recruiter)
    recruiter_hello = await theirs.receive_type("hello")

    mine = await connect(f"/ws/chat/{conversation.pk}/", talent)
    await mine.receive_type("hello")
    answered = await theirs.receive_type("answered")
    cleared = await page.expect(lambda e: e["type"] == "live" and not e["calling"])
    again = await connect(f"/ws/chat/{conversation.pk}/", recruiter)

    assert recruiter_hello["calling_until"] is not None
    assert answered["room"] == f"conv.{conversation.pk}"
    assert cleared["calling"] == []
    assert (await again.receive_type("hello"))["calling_until"] is None
    entry = await sync_to_async(QueueEntry.objects.get)(talent=talent)
    assert entry.answered_at is not None


async def test_a_talent_who_does_not_answer_in_time_is_skipped_with_a_message_to_both_sides(
    connect, settings, booth_a, talent, recruiter
):
    settings.CHAT_ANSWER_SECONDS = 120
    conversation = await sync_to_async(_take)(booth_a, talent, recruiter)
    talent_page = await connect(NOTIFICATIONS, talent)
    await talent_page.receive_type("live")
    recruiter_page = await connect(NOTIFICATIONS, recruiter)
    await recruiter_page.receive_type("live")
    theirs = await connect(f"/ws/chat/{conversation.pk}/", recruiter)
    await theirs.receive_type("hello")

    with time_machine.travel(timezone.now() + timedelta(seconds=121), tick=False):
        await theirs.send({"type": "queue.check"})  # the recruiter's countdown ran out
        closed = await theirs.receive_type("conversation")
        told_talent = await talent_page.receive_type("notification")
        told_recruiter = await recruiter_page.receive_type("notification")
        missed = await talent_page.expect(lambda e: e["type"] == "live" and e["missed"])

    assert (closed["status"], closed["outcome"], closed["outcome_label"]) == (
        "closed",
        "no_response",
        "The talent did not respond in time",
    )
    assert told_talent["title"] == "You missed your turn at Company A"
    assert told_talent["body"] == (
        "A recruiter waited 2 min for you. Join the queue again when you are ready."
    )
    assert told_recruiter["title"] == "Tess did not respond and was skipped"
    assert [m["company"] for m in missed["missed"]] == ["Company A"]
    entry = await sync_to_async(QueueEntry.objects.get)(talent=talent)
    assert entry.status == QueueEntry.Status.SKIPPED


async def test_a_check_before_the_time_is_up_changes_nothing(connect, booth_a, talent, recruiter):
    conversation = await sync_to_async(_take)(booth_a, talent, recruiter)
    page = await connect(NOTIFICATIONS, talent)
    await page.receive_type("live")

    await page.send({"type": "queue.check"})
    await page.send({"type": "ping"})
    await page.receive_type("pong")

    state = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    assert state.status == Conversation.Status.OPEN


def test_the_beat_task_skips_each_unanswered_call_once(booth_a, talent, recruiter, settings):
    settings.CHAT_ANSWER_SECONDS = 120
    conversation = _take(booth_a, talent, recruiter)
    later = timezone.now() + timedelta(seconds=121)

    with time_machine.travel(later, tick=False):
        first, second = skip_unanswered_calls(), skip_unanswered_calls()

    conversation.refresh_from_db()
    assert (first, second) == (1, 0)
    assert conversation.outcome == Conversation.Outcome.NO_RESPONSE


def test_an_answer_after_the_time_is_up_is_too_late(booth_a, talent, recruiter, settings):
    settings.CHAT_ANSWER_SECONDS = 120
    conversation = _take(booth_a, talent, recruiter)

    answered = live.do_answer(talent, conversation.pk, now=timezone.now() + timedelta(seconds=121))

    assert answered is False


async def test_staff_on_any_page_see_talent_waiting_while_nobody_is_on_the_console(
    connect, booth_a, talent, recruiter, company_admin
):
    page = await connect(NOTIFICATIONS, recruiter)
    hello = await page.receive_type("live")

    await sync_to_async(queue.do_join_queue)(talent, booth_a.pk)
    waiting = await page.expect(lambda e: e["type"] == "summary" and e["waiting"] == 1)
    console = await connect(f"/ws/console/{booth_a.pk}/", company_admin)
    await console.receive_type("hello")
    attended = await page.expect(lambda e: e["type"] == "summary" and e["console_staff"] == 1)

    assert [(b["booth"], b["waiting"], b["console_staff"]) for b in hello["staff"]] == [
        (booth_a.pk, 0, 0)
    ]
    assert hello["staff"][0]["console_url"] == "/console/chat/"
    assert (waiting["console_staff"], attended["waiting"]) == (0, 1)


async def test_a_recruiter_with_any_page_open_counts_as_online_for_their_booth(
    connect, booth_a, recruiter
):
    visitor = await connect(f"/ws/booth/{booth_a.pk}/")
    assert (await visitor.receive_type("hello"))["staff_online"] == 0

    page = await connect(NOTIFICATIONS, recruiter)
    await page.receive_type("live")
    online = await visitor.expect(lambda e: e["type"] == "summary" and e["staff_online"] == 1)
    await page.close()
    gone = await visitor.expect(lambda e: e["type"] == "summary" and e["staff_online"] == 0)

    assert online["staff_names"] == ["Rita"]
    assert gone["staff_names"] == []


async def test_a_recruiter_idle_for_a_while_stops_counting_as_online(
    connect, settings, booth_a, recruiter
):
    settings.CHAT_IDLE_SECONDS = 600
    page = await connect(NOTIFICATIONS, recruiter)
    await page.receive_type("live")  # opening a page is activity

    with time_machine.travel(timezone.now() + timedelta(seconds=601), tick=False):
        await page.send({"type": "ping", "idle": 601})  # still there, no input since
        await page.receive_type("pong")
        here = await sync_to_async(presence.booth_presence)([booth_a.pk])

    assert here[booth_a.pk] == {"online": set(), "idle": {recruiter.pk}, "console": set()}
