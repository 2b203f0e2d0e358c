"""Every long-lived socket, /ws/operations/ included, loses its rights on the same path:
logout, a password change, deactivation, losing staff status or a staff role, a ban, removal
from the company close it at once, and the operations socket re-checks before every snapshot."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User
from chat.actions.queue import do_join_queue, do_take
from chat.consumers import CLOSE_FORBIDDEN, CLOSE_REVOKED, CLOSE_UNAUTHENTICATED
from chat.models import Message
from expo.asgi import application
from tests.chat.conftest import Socket, session_cookie_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def analyst_with_session():
    """A read-only analyst and the cookie of one signed-in session of theirs."""
    user = UserFactory(email="analyst@organiser.example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Read-only analyst"))
    client = Client()
    client.force_login(user)
    return user, client, f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_with_cookie(path, cookie):
    headers = [(b"origin", b"http://localhost"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=10)
    return Socket(communicator) if connected else code


def lose_staff(user, client):
    user.is_staff = False
    user.save()


def deactivate(user, client):
    user.is_active = False
    user.save()


def change_password(user, client):
    user.set_password("a-new-Passw0rd-elsewhere")
    user.save()


def lose_role(user, client):
    user.groups.clear()


def log_out(user, client):
    client.post("/accounts/logout/")


@pytest.mark.parametrize(
    "revoke",
    [lose_staff, deactivate, change_password, lose_role, log_out],
    ids=lambda f: f.__name__,
)
async def test_the_operations_socket_closes_when_its_user_loses_the_right(edition, revoke):
    user, client, cookie = await sync_to_async(analyst_with_session)()
    socket = await open_with_cookie("/ws/operations/", cookie)
    await socket.receive_type("snapshot")

    await sync_to_async(revoke)(user, client)

    assert await socket.receive_close() == CLOSE_REVOKED
    again = await open_with_cookie("/ws/operations/", cookie)
    code = again if isinstance(again, int) else await again.receive_close()
    assert code in (CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN)


async def test_the_operations_socket_rechecks_before_every_snapshot(edition, settings):
    """Even a change that sends no signal (a bulk update) stops the snapshots."""
    settings.OPERATIONS_REFRESH_SECONDS = 0.05
    user, _client, cookie = await sync_to_async(analyst_with_session)()
    socket = await open_with_cookie("/ws/operations/", cookie)
    await socket.receive_type("snapshot")

    await sync_to_async(User.objects.filter(pk=user.pk).update)(is_staff=False)

    assert await socket.receive_close() == CLOSE_FORBIDDEN


async def test_after_a_password_change_elsewhere_an_old_sessions_chat_socket_cannot_post(
    connect, booth_a, talent, recruiter
):
    conversation = await sync_to_async(
        lambda: (
            do_join_queue(talent, booth_a.pk),
            do_take(recruiter, booth_a.pk),
        )
    )()
    path = f"/ws/chat/{conversation[1].pk}/"
    old_cookie = await sync_to_async(session_cookie_for)(talent)
    socket = await open_with_cookie(path, old_cookie)
    await socket.receive_type("hello")

    await sync_to_async(change_password)(talent, None)

    assert await socket.receive_close() == CLOSE_REVOKED
    again = await open_with_cookie(path, old_cookie)
    if not isinstance(again, int):
        await again.post("still me?")
    code = again if isinstance(again, int) else await again.receive_close()
    assert code == CLOSE_UNAUTHENTICATED
    assert await sync_to_async(Message.objects.filter(author=talent).count)() == 0
