"""The edition's dates decide whether booths and chats are live; organiser staff override."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from expo.models import ExpoEdition, expo_is_open
from tests.factories import EditionFactory

NOW = timezone.now().replace(microsecond=0)


@pytest.mark.parametrize(
    ("override", "starts", "ends", "expected"),
    [
        ("", -1, 1, True),
        ("", 1, 2, False),
        ("", -2, -1, False),
        ("", 0, 1, True),  # opens exactly now
        ("", -1, 0, False),  # closes exactly now
        ("open", 1, 2, True),
        ("open", -2, -1, True),
        ("closed", -1, 1, False),
    ],
)
def test_the_expo_is_open_between_its_dates_unless_overridden(db, override, starts, ends, expected):
    edition = EditionFactory(
        starts_at=NOW + timedelta(days=starts),
        ends_at=NOW + timedelta(days=ends),
        open_override=override,
    )

    assert expo_is_open(edition, now=NOW) is expected


def test_no_edition_is_closed():
    assert expo_is_open(None) is False


def test_the_override_choices_read_well_in_admin():
    assert [label for _, label in ExpoEdition.Opening.choices] == [
        "Follow the dates",
        "Open now, whatever the dates",
        "Closed now, whatever the dates",
    ]


# --- The clock pinned where the hour matters ------------------------------------------------
def test_the_expos_day_turns_at_midnight_in_hong_kong_not_in_utc(db, clock):
    edition = EditionFactory(
        starts_at=datetime.fromisoformat("2027-01-05T10:00:00+08:00"),
        ends_at=datetime.fromisoformat("2027-01-12T18:00:00+08:00"),
    )

    clock.move_to(datetime.fromisoformat("2027-01-07T23:59:59+08:00"))
    before_midnight = edition.day_number()
    clock.shift(1)
    after_midnight = edition.day_number()

    assert (before_midnight, after_midnight) == ((3, 8), (4, 8))


def test_queues_open_at_the_editions_start_and_close_at_its_end(db, clock, booth_a, talent):
    from chat.actions.queue import do_join_queue
    from chat.actions.rooms import ChatError

    edition = booth_a.edition
    edition.starts_at = timezone.now() + timedelta(minutes=1)
    edition.ends_at = edition.starts_at + timedelta(days=1)
    edition.save()

    with pytest.raises(ChatError) as closed:
        do_join_queue(talent, booth_a.pk)
    clock.move_to(edition.starts_at)
    entry = do_join_queue(talent, booth_a.pk)
    clock.move_to(edition.ends_at)
    with pytest.raises(ChatError) as closed_again:
        do_join_queue(talent, booth_a.pk)

    assert (closed.value.code, closed_again.value.code) == ("expo_closed", "expo_closed")
    assert entry.joined_at == edition.starts_at
