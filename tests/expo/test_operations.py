"""The organiser's live operations view: queues, waits and staffing per booth, live."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booths import presence
from chat.consumers import CLOSE_FORBIDDEN
from chat.models import Conversation, QueueEntry, Room
from expo.asgi import application
from expo.organiser.operations import operations_snapshot
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def busy_expo(edition, booth_a, booth_b, recruiter, company_admin):
    """Booth A: two waiting, the admin online and free on the console, the recruiter online in
    a chat, a colleague away (no input for a while). Booth B: one waiting and nobody online
    (needs a recruiter)."""
    now = timezone.now()
    MembershipFactory(company=booth_b.company)  # staff who are offline
    for minutes in (4, 1):
        QueueEntry.objects.create(
            booth=booth_a,
            talent=UserFactory(),
            joined_at=now - timedelta(minutes=minutes),
            last_seen_at=now,
        )
    QueueEntry.objects.create(
        booth=booth_b, talent=UserFactory(), joined_at=now - timedelta(minutes=2), last_seen_at=now
    )
    Conversation.objects.create(
        booth=booth_a,
        talent=UserFactory(),
        recruiter=recruiter,
        room=Room.objects.create(key="conv.test"),
    )
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    presence.staff_heartbeat(booth_a.pk, company_admin.pk, "console", console=True)
    away = MembershipFactory(company=booth_a.company).user
    presence.staff_heartbeat(booth_a.pk, away.pk, idle=settings.CHAT_IDLE_SECONDS + 1)
    return now


@pytest.mark.django_db
def test_the_snapshot_puts_booths_without_recruiters_first(edition, booth_a, booth_b, busy_expo):
    snapshot = operations_snapshot(edition, now=busy_expo)

    assert snapshot["totals"] == {"waiting": 3, "conversations": 1, "staff_online": 2, "alerts": 1}
    assert [
        (
            r["company"],
            r["waiting"],
            r["longest_wait_seconds"],
            r["staff_online"],
            r["staff_free"],
            r["staff_away"],
            r["staff_on_console"],
            r["conversations"],
            r["alert"],
        )
        for r in snapshot["booths"]
    ] == [
        ("Company B", 1, 120, 0, 0, 0, 0, 0, True),
        ("Company A", 2, 240, 2, 1, 1, 1, 1, False),
    ]


@pytest.mark.django_db
def test_the_operations_view_and_the_hall_agree_on_who_is_online(
    client, edition, booth_a, booth_b, busy_expo
):
    from chat.actions.queue import booth_summaries

    snapshot = operations_snapshot(edition, now=busy_expo)
    hall = booth_summaries([booth_a, booth_b])

    assert {r["booth_id"]: r["staff_online"] for r in snapshot["booths"]} == {
        booth.pk: summary["staff_online"]
        for booth, summary in zip(
            [booth_a, booth_b], [hall[booth_a.pk], hall[booth_b.pk]], strict=True
        )
    }


@pytest.mark.django_db
def test_the_snapshot_costs_a_fixed_number_of_queries(
    edition, busy_expo, django_assert_num_queries
):
    with django_assert_num_queries(4):
        operations_snapshot(edition)


@pytest.mark.django_db
def test_the_operations_page_is_for_organiser_staff(client, organiser, recruiter, busy_expo):
    client.force_login(recruiter)
    assert client.get(reverse("admin:operations")).status_code == 302

    client.force_login(organiser)
    html = client.get(reverse("admin:operations")).content.decode()

    assert "Talent waiting, no recruiter online" in html


def cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(user):
    headers = [(b"origin", b"http://localhost"), (b"cookie", await sync_to_async(cookie_for)(user))]
    communicator = WebsocketCommunicator(application, "/ws/operations/", headers=headers)
    return communicator, *(await communicator.connect())


@pytest.mark.django_db(transaction=True)
async def test_organiser_staff_receive_live_snapshots(organiser, busy_expo):
    communicator, connected, _ = await connect(organiser)

    first = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "refresh"})
    second = await communicator.receive_json_from(timeout=5)

    assert connected
    assert (first["type"], first["totals"]["alerts"]) == ("snapshot", 1)
    assert second["type"] == "snapshot"
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_employer_staff_are_refused_the_operations_socket(recruiter):
    communicator, connected, code = await connect(recruiter)

    assert (connected, code) == (False, CLOSE_FORBIDDEN)


@pytest.mark.django_db(transaction=True)
async def test_staff_without_a_role_are_refused_the_operations_socket_and_page():
    plain = await sync_to_async(UserFactory)(is_staff=True)

    communicator, connected, code = await connect(plain)

    assert (connected, code) == (False, CLOSE_FORBIDDEN)
    client = Client()
    await sync_to_async(client.force_login)(plain)
    response = await sync_to_async(client.get)(reverse("admin:operations"))
    assert response.status_code == 403
