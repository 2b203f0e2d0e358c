"""Lobbies and queues are live only while the expo is open: its dates, or the organiser's
override. Conversations already under way may finish."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.actions.lobby import do_post_lobby_message
from chat.actions.queue import do_join_queue, do_leave_message
from chat.actions.rooms import ChatError
from expo.models import ExpoEdition

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_expo(edition):
    ExpoEdition.objects.filter(pk=edition.pk).update(
        starts_at=timezone.now() + timedelta(days=3), ends_at=timezone.now() + timedelta(days=10)
    )
    edition.refresh_from_db()
    return edition


def test_joining_a_queue_or_posting_before_the_expo_opens_is_refused(closed_expo, booth_a, talent):
    for action in (
        lambda: do_join_queue(talent, booth_a.pk),
        lambda: do_post_lobby_message(
            talent, booth_a.pk, "Hello", "6f1c1a52-3f2e-4a7b-9a43-0d6f7a1b2c3d"
        ),
        lambda: do_leave_message(
            talent, booth_a.pk, "Call me", "6f1c1a52-3f2e-4a7b-9a43-0d6f7a1b2c3e"
        ),
    ):
        with pytest.raises(ChatError) as error:
            action()
        assert error.value.code == "expo_closed"


def test_the_organiser_can_open_the_expo_early(closed_expo, booth_a, talent):
    ExpoEdition.objects.filter(pk=closed_expo.pk).update(open_override="open")

    entry = do_join_queue(talent, booth_a.pk)

    assert entry.booth == booth_a


def test_the_booth_page_says_when_chat_opens(client, closed_expo, booth_a, talent):
    client.force_login(talent)

    html = client.get(reverse("booths:detail", args=[booth_a.company.slug])).content.decode()

    assert "Chat opens with the expo on" in html
    assert "data-chat-queue-join" not in html
    assert "The lobby opens while the expo is open." in html
