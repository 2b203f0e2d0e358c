"""The chat's write paths lock what they change once: a message locks its room, a queue change
the booth's staff room, and nothing twice."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.actions.conversations import do_post_conversation_message
from chat.actions.lobby import do_post_lobby_message
from chat.actions.queue import do_join_queue, do_take
from chat.models import Event

pytestmark = pytest.mark.django_db


def _row_locks(queries):
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


def test_a_lobby_message_locks_its_room_once_and_is_numbered_in_it(booth_a, talent):
    do_post_lobby_message(talent, booth_a.pk, "First", uuid.uuid4())  # the room exists now

    with CaptureQueriesContext(connection) as queries:
        event, created = do_post_lobby_message(talent, booth_a.pk, "Hello", uuid.uuid4())

    locks = _row_locks(queries.captured_queries)
    assert created
    assert len(locks) == 1
    assert '"chat_room"' in locks[0]
    assert event["id"] == 2
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_a_conversation_message_locks_its_room_once(booth_a, talent, recruiter):
    do_join_queue(talent, booth_a.pk)
    conversation = do_take(recruiter, booth_a.pk)

    with CaptureQueriesContext(connection) as queries:
        do_post_conversation_message(talent, conversation.pk, "Hi", uuid.uuid4())

    locks = _row_locks(queries.captured_queries)
    assert len(locks) == 1
    assert '"chat_room"' in locks[0]
