"""Presence: staff online per booth from heartbeats that expire on their own, per socket, idle
after a while without input, and who has the console open."""

import pytest
from django.core.cache import cache

from booths import presence
from tests.factories import BoothFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def online(booth):
    return presence.online_staff(presence.staff_by_booth([booth]))[booth.pk]


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


def test_closing_one_tab_leaves_the_recruiter_online_through_their_other_tab(booth_a, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "console-tab", console=True)
    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "jobs-tab")

    presence.staff_left(booth_a.pk, recruiter.pk, "console-tab")

    assert online(booth_a) == [recruiter.pk]
    assert presence.booth_presence([booth_a.pk])[booth_a.pk]["console"] == set()
    assert presence.staffed_booth_ids([booth_a]) == {booth_a.pk}


def test_the_console_is_counted_apart_from_the_rest_of_the_site(booth_a, recruiter, company_admin):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "a", console=True)
    presence.staff_heartbeat(booth_a.pk, company_admin.pk, "b")

    here = presence.booth_presence([booth_a.pk])[booth_a.pk]

    assert here == {
        "online": {recruiter.pk, company_admin.pk},
        "idle": set(),
        "console": {recruiter.pk},
    }


def test_a_recruiter_without_input_for_a_while_is_idle_not_online(settings, booth_a, recruiter):
    settings.CHAT_IDLE_SECONDS = 600

    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "tab", idle=601)

    assert online(booth_a) == []
    assert presence.booth_presence([booth_a.pk])[booth_a.pk]["idle"] == {recruiter.pk}
    assert presence.staffed_booth_ids([booth_a]) == set()


def test_activity_in_any_tab_keeps_the_recruiter_online(settings, booth_a, recruiter):
    settings.CHAT_IDLE_SECONDS = 600
    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "front", idle=0)

    presence.staff_heartbeat(booth_a.pk, recruiter.pk, "background", idle=5000)

    assert online(booth_a) == [recruiter.pk]


def test_a_member_who_stops_beating_drops_out_after_the_ttl(booth_a, recruiter, monkeypatch):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    later = presence.time.time() + presence.PRESENCE_TTL + 1

    monkeypatch.setattr(presence.time, "time", lambda: later)

    assert presence.staffed_booth_ids([booth_a]) == set()
    assert presence.online_staff(presence.staff_by_booth([booth_a])) == {booth_a.pk: []}


def test_presence_sets_expire_in_redis(booth_a, recruiter):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk, console=True)

    for name in (f"presence:staff:{booth_a.pk}", f"presence:console:{booth_a.pk}"):
        key = cache.make_and_validate_key(name)
        ttl = cache._cache.get_client(key).ttl(key)
        assert 0 < ttl <= presence.PRESENCE_TTL * 2


def test_only_members_of_the_company_count_as_its_staff(booth_a, recruiter, outsider_recruiter):
    presence.staff_heartbeat(booth_a.pk, outsider_recruiter.pk)

    assert online(booth_a) == []


def test_staffed_booths_need_no_query_whatever_the_number(edition, django_assert_num_queries):
    booths = [BoothFactory(edition=edition) for _ in range(5)]
    for booth in booths:
        MembershipFactory(company=booth.company)
    presence.staff_heartbeat(booths[2].pk, booths[2].company.memberships.get().user_id)

    with django_assert_num_queries(0):
        assert presence.staffed_booth_ids(booths) == {booths[2].pk}
