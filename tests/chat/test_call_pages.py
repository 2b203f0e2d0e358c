"""Calls on pages: the conversation records each call (both sides and organiser staff see it),
only the two sides get the call panel, declining from another page, admin, personal data."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.calls import services as calls
from chat.models import Call
from tests.chat.calls import open_conversation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(booth_a, talent, recruiter):
    return open_conversation(booth_a, talent, recruiter)


def finished_calls(conversation, talent, recruiter, count):
    """`count` answered video calls of 2 min 5 s, then a missed voice call from the talent."""
    for _ in range(count):
        call = calls.do_ring(recruiter, conversation.pk, "video")
        calls.do_accept(talent, call.pk)
        Call.objects.filter(pk=call.pk).update(answered_at=timezone.now() - timedelta(seconds=125))
        calls.do_hang_up(talent, call.pk)
    missed = calls.do_ring(talent, conversation.pk, "voice")
    calls.expire_stale_calls(timezone.now() + timedelta(minutes=5))
    return missed


@pytest.mark.parametrize("count", [1, 15])
def test_the_conversation_records_each_call_with_its_duration_in_bounded_queries(
    client, conversation, talent, recruiter, count, django_assert_max_num_queries
):
    finished_calls(conversation, talent, recruiter, count)
    client.force_login(talent)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("chat:conversation", args=[conversation.pk]))

    page = response.content.decode()
    assert page.count('class="chat-call-record"') == count + 1
    assert page.count('Video call, <time datetime="PT125S">2:05</time>') == count
    assert "Missed voice call from Tess" in page
    assert "data-call-panel" in page
    assert 'data-other-name="Rita"' in page


def test_organiser_staff_see_the_calls_but_get_no_call_panel(
    client, conversation, talent, recruiter, organiser
):
    finished_calls(conversation, talent, recruiter, 1)
    client.force_login(organiser)

    page = client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()

    assert 'Video call, <time datetime="PT125S">2:05</time>' in page
    assert "data-call-panel" not in page
    assert 'id="call-strings"' in page  # call.js adds new records as they happen


def test_a_ringing_call_shows_when_the_page_is_opened(client, conversation, talent, recruiter):
    call = calls.do_ring(recruiter, conversation.pk, "video")
    client.force_login(talent)

    page = client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()

    assert f'data-live-call="{call.pk}" data-live-state="ringing" data-live-kind="video"' in page


def test_the_called_side_declines_from_any_page_and_nobody_else_can(
    client, conversation, talent, recruiter, company_admin
):
    call = calls.do_ring(recruiter, conversation.pk, "video")
    url = reverse("chat:call_decline", args=[call.pk])

    client.force_login(company_admin)
    outsider = client.post(url)
    client.force_login(recruiter)
    caller = client.post(url)
    not_a_post = client.get(url)
    client.force_login(talent)
    declined = client.post(url)
    again = client.post(url)

    assert outsider.status_code == 404
    assert (caller.status_code, caller.json()["code"]) == (403, "forbidden")
    assert not_a_post.status_code == 405
    assert declined.json() == {"call": call.pk, "state": "declined"}
    assert again.json() == {"call": call.pk, "state": "declined"}


def test_declining_needs_a_signed_in_user_and_a_csrf_token(conversation, recruiter, talent):
    from django.test import Client

    call = calls.do_ring(recruiter, conversation.pk, "video")
    url = reverse("chat:call_decline", args=[call.pk])
    checked = Client(enforce_csrf_checks=True)

    anonymous = Client().post(url)
    checked.force_login(talent)
    no_token = checked.post(url)

    assert anonymous.status_code == 302
    assert no_token.status_code == 403
    assert Call.objects.get(pk=call.pk).status == "ringing"


def test_organisers_list_calls_in_admin_read_only(
    client, conversation, talent, recruiter, organiser
):
    finished_calls(conversation, talent, recruiter, 2)
    client.force_login(organiser)

    listing = client.get(reverse("admin:chat_call_changelist"))
    adding = client.get(reverse("admin:chat_call_add"))

    assert listing.status_code == 200
    assert listing.content.decode().count("Rita") >= 2
    assert adding.status_code == 403


def test_a_users_data_export_lists_their_calls(client, conversation, talent, recruiter):
    finished_calls(conversation, talent, recruiter, 1)
    client.force_login(talent)

    data = json.loads(client.get("/me/data.json").content)

    assert [(c["kind"], c["status"], c["you_called"]) for c in data["chat"]["calls"]] == [
        ("video", "ended", False),
        ("voice", "missed", True),
    ]
