"""The named actors every test reuses, and the real stack's wiring for tests.

Actors: a talent, an admin and a recruiter of company A, a recruiter of company B (the
outsider), an organiser; anonymous visitors use the plain `client`.
"""

import pytest
from django.db import connection

from tests.factories import (  # noqa: F401  (PASSWORD is re-exported for tests)
    PASSWORD,
    BoothFactory,
    CompanyFactory,
    EditionFactory,
    MembershipFactory,
    UserFactory,
)


def pytest_report_header(config):
    import os

    return [
        f"database: {os.environ.get('DATABASE_URL', '(none)')}",
        f"redis: {os.environ.get('REDIS_URL', '(none)')}",
    ]


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Socket tests leave connections open in Channels' worker threads (and test servers in
    subprocesses); end them so that the test database can be dropped cleanly."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session", autouse=True)
def _flush_retried_on_deadlock():
    """A transactional test ends with a flush (TRUNCATE of every table) while a uvicorn test
    server may still be handling the closed browser's last websocket frames: PostgreSQL can then
    find a deadlock between the two and cancel the TRUNCATE. The server's transaction is short;
    flush again (at most three times) rather than fail the test's teardown."""
    from django.core.management.commands import flush
    from django.db import OperationalError

    handle = flush.Command.handle

    def handle_with_retry(self, **options):
        for attempt in range(3):
            try:
                return handle(self, **options)
            except Exception as error:
                deadlock = isinstance(error.__cause__, OperationalError) and (
                    "deadlock detected" in str(error.__cause__)
                )
                if not deadlock or attempt == 2:
                    raise

    flush.Command.handle = handle_with_retry
    yield
    flush.Command.handle = handle


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    """`TEST_CLOCK=2027-01-07T15:59:30Z make test` runs the whole suite as if it started at that
    instant (the clock keeps ticking from there): the way to prove that no test depends on the
    hour, e.g. one minute before midnight in Hong Kong. Tests that depend on the hour pin it
    themselves with the `clock` fixture."""
    import os

    start = os.environ.get("TEST_CLOCK")
    if not start:
        yield None
        return
    import time_machine

    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


@pytest.fixture
def clock():
    """Pin the clock for a test: `clock.move_to("2027-01-07T15:59:00Z")`, `clock.shift(60)`.
    Starts at the current instant and does not tick."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _email_through_the_outbox(settings):
    """pytest-django swaps EMAIL_BACKEND for locmem; put the outbox back so tests see mail
    written as outbox rows and delivered by the send_outbox task (eager) into mail.outbox
    (locmem) after commit."""
    settings.EMAIL_BACKEND = "expo.lib.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a test that activates another (a page in
    Chinese, an email to a Chinese-speaking user) must not leak it into the next one, where a
    factory would write a translated field (a session's title) in that language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def on_postgres():
    assert connection.vendor == "postgresql"


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True)


@pytest.fixture
def company_a(db):
    return CompanyFactory(name="Company A")


@pytest.fixture
def company_b(db):
    return CompanyFactory(name="Company B")


@pytest.fixture
def booth_a(edition, company_a):
    return BoothFactory(edition=edition, company=company_a)


@pytest.fixture
def booth_b(edition, company_b):
    return BoothFactory(edition=edition, company=company_b)


@pytest.fixture
def talent(db):
    return UserFactory(email="talent@example.org", full_name="Tess Talent")


@pytest.fixture
def company_admin(company_a):
    return MembershipFactory(
        company=company_a,
        role="admin",
        user=UserFactory(email="admin@a.example.org", full_name="Ada Admin"),
    ).user


@pytest.fixture
def recruiter(company_a):
    return MembershipFactory(
        company=company_a,
        role="recruiter",
        user=UserFactory(email="recruiter@a.example.org", full_name="Rita Recruiter"),
    ).user


@pytest.fixture
def outsider_recruiter(company_b):
    return MembershipFactory(
        company=company_b,
        role="recruiter",
        user=UserFactory(email="recruiter@b.example.org", full_name="Otto Outsider"),
    ).user


@pytest.fixture
def organiser(db):
    return UserFactory(
        email="organiser@example.org", full_name="Olga Organiser", is_staff=True, is_superuser=True
    )
