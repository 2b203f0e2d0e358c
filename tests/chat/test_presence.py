"""Presence: staff online per booth from heartbeats that expire on their own."""

import pytest
from django.core.cache import cache

from chat import presence
from tests.factories import BoothFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_booth_is_staffed_while_a_member_beats(edition, booth_a, booth_b, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)

    assert presence.staffed_booth_ids([booth_a, booth_b]) == {booth_a.pk}
    assert presence.online_staff(presence.staff_by_booth([booth_a])) == {booth_a.pk: [recruiter.pk]}


def test_a_member_who_leaves_or_stops_beating_is_offline(booth_a, recruiter, company_admin):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    presence.staff_heartbeat(booth_a.pk, company_admin.pk)

    presence.staff_left(booth_a.pk, recruiter.pk)
    cache.delete(f"presence:staff:{booth_a.pk}:{company_admin.pk}")  # the TTL ran out

    assert presence.staffed_booth_ids([booth_a]) == set()


def test_heartbeats_expire_in_redis(booth_a, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)

    key = cache.make_and_validate_key(f"presence:staff:{booth_a.pk}:{recruiter.pk}")
    ttl = cache._cache.get_client(key).ttl(key)

    assert 0 < ttl <= presence.PRESENCE_TTL


def test_staffed_booths_cost_one_query_for_many_booths(edition, django_assert_num_queries):
    booths = [BoothFactory(edition=edition) for _ in range(5)]
    for booth in booths:
        MembershipFactory(company=booth.company)

    with django_assert_num_queries(1):
        assert presence.staffed_booth_ids(booths) == set()
