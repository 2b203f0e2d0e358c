"""Registration, the waitlist and cancellation: capacity is never exceeded, the waitlist is
first come first served, every change is emailed, and bad requests get a clear answer."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from expo.schedule import services
from expo.schedule.models import Registration
from tests.factories import RegistrationFactory, SessionFactory, UserFactory


@pytest.fixture
def session(edition):
    return SessionFactory(edition=edition, capacity=1, title="Intro to Deep Tech")


def status_of(session, user):
    return Registration.objects.get(session=session, user=user).status


@pytest.mark.django_db(transaction=True)
def test_a_talent_registers_and_gets_a_confirmation_email(session, talent):
    result = services.register(session.pk, talent)

    assert (result.waitlisted, status_of(session, talent)) == (False, "registered")
    assert [m.to for m in mail.outbox] == [[talent.email]]
    assert mail.outbox[0].subject == "You are registered: Intro to Deep Tech"
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True)
def test_registering_past_capacity_puts_the_talent_on_the_waitlist(session, talent):
    RegistrationFactory(session=session)

    result = services.register(session.pk, talent)

    assert (result.waitlisted, status_of(session, talent)) == (True, "waitlisted")
    assert mail.outbox[-1].subject == "You are on the waitlist: Intro to Deep Tech"


def test_registering_twice_is_refused_with_a_clear_message(session, talent):
    services.register(session.pk, talent)

    with pytest.raises(services.ScheduleError) as error:
        services.register(session.pk, talent)

    assert (error.value.code, str(error.value)) == (
        "duplicate",
        "You are already registered for this session.",
    )
    assert Registration.objects.filter(session=session).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_cancelled": True}, "This session was cancelled."),
        (
            {
                "starts_at": timezone.now() - timedelta(hours=2),
                "ends_at": timezone.now() - timedelta(hours=1),
            },
            "This session has ended.",
        ),
    ],
)
def test_a_cancelled_or_ended_session_refuses_registration(edition, talent, changes, message):
    session = SessionFactory(edition=edition, **changes)

    with pytest.raises(services.ScheduleError, match=message):
        services.register(session.pk, talent)


@pytest.mark.django_db(transaction=True)
def test_cancelling_promotes_the_first_person_on_the_waitlist_and_emails_them(session, talent):
    first = RegistrationFactory(session=session).user
    waiting = [UserFactory(), UserFactory()]
    for user in waiting:
        services.register(session.pk, user)
    mail.outbox.clear()

    promoted = services.cancel(session.pk, first)

    assert [r.user for r in promoted] == [waiting[0]]
    assert [status_of(session, u) for u in (first, *waiting)] == [
        "cancelled",
        "registered",
        "waitlisted",
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([waiting[0].email], "A seat freed up: you are registered for Intro to Deep Tech")
    ]


def test_re_registering_after_cancelling_goes_to_the_back_of_the_waitlist(session, talent):
    services.register(session.pk, talent)
    other = UserFactory()
    services.register(session.pk, other)  # waitlisted
    third = UserFactory()
    services.register(session.pk, third)  # waitlisted

    services.cancel(session.pk, talent)  # other gets the seat
    services.register(session.pk, talent)

    assert [status_of(session, u) for u in (other, third, talent)] == [
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    assert services.cancel(session.pk, other)[0].user == third


def test_cancelling_without_a_registration_is_refused(session, talent):
    with pytest.raises(services.ScheduleError, match="You are not registered for this session."):
        services.cancel(session.pk, talent)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(on_postgres, edition):
    session = SessionFactory(edition=edition, capacity=3)
    users = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(len(users))
    errors = []

    def register(user):
        try:
            barrier.wait()
            services.register(session.pk, user)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert (statuses.count("registered"), statuses.count("waitlisted")) == (3, 5)


# --- Through the web -------------------------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_sign_in_to_register(client, session):
    response = client.post(reverse("expo:register", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_registering_twice_through_the_page_shows_a_message_not_an_error(client, session, talent):
    client.force_login(talent)
    client.post(reverse("expo:register", args=[session.pk]))

    response = client.post(reverse("expo:register", args=[session.pk]), follow=True)

    assert response.status_code == 200
    assert "You are already registered for this session." in response.content.decode()


def test_htmx_registration_swaps_the_panel(client, session, talent):
    client.force_login(talent)

    response = client.post(reverse("expo:register", args=[session.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="register-{session.pk}"' in html
    assert "Cancel registration" in html
    assert "<html" not in html


def test_registering_for_a_missing_session_is_a_clear_error(client, talent):
    client.force_login(talent)

    response = client.post(reverse("expo:register", args=[999999]), follow=True)

    assert response.status_code == 404
