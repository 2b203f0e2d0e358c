"""Presence: staff online per booth from heartbeats that expire on their own."""

import pytest
from django.core.cache import cache

from booths import presence
from tests.factories import BoothFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_booth_is_staffed_while_a_member_beats(edition, booth_a, booth_b, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)

    assert presence.staffed_booth_ids([booth_a, booth_b]) == {booth_a.pk}
    assert presence.online_staff(presence.staff_by_booth([booth_a])) == {booth_a.pk: [recruiter.pk]}


def test_a_booth_stays_staffed_while_one_member_remains(booth_a, recruiter, company_admin):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    presence.staff_heartbeat(booth_a.pk, company_admin.pk)

    presence.staff_left(booth_a.pk, recruiter.pk)

    assert presence.staffed_booth_ids([booth_a]) == {booth_a.pk}
    presence.staff_left(booth_a.pk, company_admin.pk)
    assert presence.staffed_booth_ids([booth_a]) == set()


def test_a_member_who_stops_beating_drops_out_after_the_ttl(booth_a, recruiter, monkeypatch):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    later = presence.time.time() + presence.PRESENCE_TTL + 1
    cache.delete(f"presence:staff:{booth_a.pk}:{recruiter.pk}")  # Redis expired the key

    monkeypatch.setattr(presence.time, "time", lambda: later)

    assert presence.staffed_booth_ids([booth_a]) == set()
    assert presence.online_staff(presence.staff_by_booth([booth_a])) == {booth_a.pk: []}


def test_heartbeats_expire_in_redis(booth_a, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)

    key = cache.make_and_validate_key(f"presence:staff:{booth_a.pk}:{recruiter.pk}")
    ttl = cache._cache.get_client(key).ttl(key)

    assert 0 < ttl <= presence.PRESENCE_TTL


def test_staffed_booths_need_no_query_whatever_the_number(edition, django_assert_num_queries):
    booths = [BoothFactory(edition=edition) for _ in range(5)]
    for booth in booths:
        MembershipFactory(company=booth.company)
    presence.staff_heartbeat(booths[2].pk, booths[2].company.memberships.get().user_id)

    with django_assert_num_queries(0):
        assert presence.staffed_booth_ids(booths) == {booths[2].pk}
