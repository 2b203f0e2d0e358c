"""A place in a queue survives a closed tab or a dropped connection for the grace period, as
long as the talent is seen somewhere on the site; the clock is pinned, so the hour never
matters."""

import pytest

from chat.actions.queue import booth_summary, do_join_queue, my_queue_entry, touch_queue_entries


@pytest.fixture
def grace(settings):
    settings.CHAT_QUEUE_GRACE_SECONDS = 120
    return 120


def test_a_place_survives_an_absence_shorter_than_the_grace_period(clock, booth_a, talent, grace):
    entry = do_join_queue(talent, booth_a.pk)

    clock.shift(grace - 1)

    assert my_queue_entry(talent, booth_a) == entry


def test_a_place_expires_when_the_talent_is_not_seen_for_the_grace_period(
    clock, booth_a, talent, grace
):
    do_join_queue(talent, booth_a.pk)

    clock.shift(grace + 1)

    assert my_queue_entry(talent, booth_a) is None
    assert booth_summary(booth_a)["waiting"] == 0


def test_being_seen_on_any_page_keeps_the_place_alive_past_the_grace_period(
    clock, booth_a, talent, grace
):
    entry = do_join_queue(talent, booth_a.pk)

    for _ in range(3):  # a heartbeat from another page every grace - 1 seconds
        clock.shift(grace - 1)
        touch_queue_entries(talent.pk)
    clock.shift(grace - 1)

    assert my_queue_entry(talent, booth_a) == entry
