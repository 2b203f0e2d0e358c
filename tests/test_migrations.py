"""A database made by the old layout (the schedule, announcements and imports inside the expo
app) migrates forward into the schedule and organiser apps with every row, relation and
permission kept: the tables are the same tables, only Django's picture of them moves."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("expo", "0005_imports")]
AFTER = [("schedule", "0001_initial"), ("organiser", "0001_initial")]


def _migrate(targets):
    """Migrate the test database to targets; returns the project state there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets)


@pytest.fixture
def old_layout(transactional_db):
    """The test database as the old layout left it; back to the newest schema afterwards.
    (A hand-made MigrationExecutor run: django-test-migrations' clean start drops model tables
    only and would trip on jobs' raw-SQL search tables.)"""
    state = _migrate(BEFORE)
    yield state
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.slow
def test_a_database_of_the_old_layout_keeps_its_rows_and_permissions_when_migrated(old_layout):
    get = old_layout.apps.get_model
    now = timezone.now()
    user = get("accounts", "User").objects.create(email="ada@example.org", password="x")
    edition = get("expo", "ExpoEdition").objects.create(
        name="Expo", slug="expo", starts_at=now, ends_at=now + timedelta(days=3)
    )
    track = get("expo", "Track").objects.create(edition=edition, name="Deep Tech", slug="deep")
    session = get("expo", "Session").objects.create(
        edition=edition,
        track=track,
        kind="event",
        title="Robots",
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    get("expo", "Registration").objects.create(session=session, user=user)
    get("expo", "Stage").objects.create(session=session, status="live", last_seq=3)
    get("expo", "Question").objects.create(session=session, author=user, body="Why?")
    get("expo", "Certificate").objects.create(
        session=session, user=user, code="ABCD-EFGH-JKLM", name="Ada", attended_seconds=3600
    )
    announcement = get("expo", "Announcement").objects.create(
        edition=edition, subject="Welcome", body="Hello", segment="everyone"
    )
    get("expo", "AnnouncementDelivery").objects.create(announcement=announcement, user=user)
    get("expo", "ImportJob").objects.create(kind="jobs", file="imports/x.csv", created_by=user)
    # A group holding a permission on a moved model, as the old layout named it.
    content_type = get("contenttypes", "ContentType").objects.get(app_label="expo", model="session")
    permission = get("auth", "Permission").objects.get(
        content_type=content_type, codename="change_session"
    )
    get("auth", "Group").objects.create(name="Old role").permissions.add(permission)

    get = _migrate(AFTER).apps.get_model

    registration = get("schedule", "Registration").objects.select_related("session__track").get()
    assert (registration.session.title, registration.session.track.name) == ("Robots", "Deep Tech")
    assert registration.user.email == "ada@example.org"
    assert get("schedule", "Stage").objects.get().last_seq == 3
    assert get("schedule", "Question").objects.get().body == "Why?"
    assert get("schedule", "Certificate").objects.get().code == "ABCD-EFGH-JKLM"
    delivery = get("organiser", "AnnouncementDelivery").objects.select_related("announcement")
    assert delivery.get().announcement.subject == "Welcome"
    assert get("organiser", "ImportJob").objects.get().file.name == "imports/x.csv"
    moved = get("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("schedule", "session")
    group = get("auth", "Group").objects.get(name="Old role")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("schedule", "change_session")
    ]
