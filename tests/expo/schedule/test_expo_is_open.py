"""The edition's dates decide whether booths and chats are live; organiser staff override."""

from datetime import timedelta

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
