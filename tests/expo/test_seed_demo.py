"""`manage.py seed_demo` builds the real expo's scale and shape, live around today, and a second
run changes nothing.

The demo is seeded once for the module (twice, to check idempotency) inside a transaction that
is rolled back when the module ends; each test runs in its own savepoint on top of it.
"""

from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import TalentProfile, User
from booths.models import Booth, Company, Membership, Sector
from expo import demo
from expo.models import ExpoEdition, Track
from expo.organiser.figures import busiest_sectors, compute_key_figures
from expo.schedule import meetings
from expo.schedule.models import Booking, MeetingSlot, Registration, Session
from jobs.models import Application, Job

pytestmark = pytest.mark.django_db

MODELS = [
    Sector,
    Company,
    Booth,
    Job,
    User,
    EmailAddress,
    TalentProfile,
    Membership,
    Track,
    Session,
    Registration,
    Application,
    MeetingSlot,
    Booking,
    ExpoEdition,
]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@dataclass
class Seeded:
    edition: ExpoEdition
    first_counts: dict
    second_counts: dict
    first_output: str
    second_output: str


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            first, second = StringIO(), StringIO()
            call_command("seed_demo", stdout=first)
            first_counts = _counts()
            call_command("seed_demo", stdout=second)
            data = Seeded(
                edition=ExpoEdition.objects.get(slug=demo.EDITION_SLUG),
                first_counts=first_counts,
                second_counts=_counts(),
                first_output=first.getvalue(),
                second_output=second.getvalue(),
            )
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


@pytest.fixture
def edition(seeded):
    return seeded.edition


def _open_jobs(edition, now=None):
    now = now or timezone.now()
    return Job.objects.filter(edition=edition, status=Job.Status.PUBLISHED).filter(
        Q(deadline__isnull=True) | Q(deadline__gt=now)
    )


def _approved_companies(edition):
    return Company.objects.filter(
        booths__edition=edition, booths__status=Booth.Status.APPROVED
    ).distinct()


def test_it_builds_the_real_expos_scale(edition):
    jobs = _open_jobs(edition)

    assert _approved_companies(edition).count() >= 280
    assert jobs.count() >= 2900
    assert jobs.filter(company__programme="innohk").count() == 624
    assert jobs.filter(company__programme="innopark").count() == 204


def test_open_jobs_are_published_in_the_past(edition):
    now = timezone.now()
    jobs = _open_jobs(edition)

    assert not jobs.filter(Q(published_at__isnull=True) | Q(published_at__gt=now)).exists()


def test_shares_meet_the_published_key_figures(edition):
    jobs = _open_jobs(edition)
    total = jobs.count()
    companies = _approved_companies(edition)

    def share(queryset, whole=total):
        return queryset.count() / whole

    assert share(jobs.filter(open_to_overseas=True, open_to_gba=True)) >= 0.70
    assert share(companies.filter(has_gba_or_overseas_office=True), companies.count()) >= 0.55
    assert share(jobs.filter(is_tech_rd=True)) >= 0.80
    assert share(jobs.filter(level="entry")) >= 0.65
    assert share(jobs.filter(level="middle")) >= 0.25
    assert share(jobs.filter(min_education="bachelor")) >= 0.65
    assert share(jobs.filter(min_education="doctorate")) >= 0.10


def test_compute_key_figures_agrees_with_the_orm(edition):
    jobs = _open_jobs(edition)
    total = jobs.count()
    companies = _approved_companies(edition)

    def pct(queryset, whole=total):
        return round(100 * queryset.count() / whole)

    figures = compute_key_figures(edition)

    assert figures == {
        "companies": companies.count(),
        "jobs": total,
        "jobs_innohk": 624,
        "jobs_innopark": 204,
        "share_open_overseas_and_gba": pct(jobs.filter(open_to_overseas=True, open_to_gba=True)),
        "share_open_overseas": pct(jobs.filter(open_to_overseas=True)),
        "share_open_gba": pct(jobs.filter(open_to_gba=True)),
        "share_companies_gba_or_overseas": pct(
            companies.filter(has_gba_or_overseas_office=True), companies.count()
        ),
        "share_tech_rd": pct(jobs.filter(is_tech_rd=True)),
        "share_by_level": {v: pct(jobs.filter(level=v)) for v in ("entry", "middle", "senior")},
        "share_by_education": {
            v: pct(jobs.filter(min_education=v))
            for v in ("sub_degree", "bachelor", "master", "doctorate")
        },
    }


def test_the_four_named_halls_are_the_busiest(edition):
    by_sector = _open_jobs(edition).values("sector__name").annotate(n=Count("id")).order_by("-n")
    busiest = {row["sector__name"] for row in by_sector[:4]}

    assert busiest == {
        "Software & Communications",
        "AI & Data Analytics",
        "BioTech",
        "Electronic Sensors",
    }
    assert [s.name for s in busiest_sectors(edition)][0] == "Software & Communications"
    assert Sector.objects.count() >= 10


def test_a_second_run_changes_no_counts(seeded):
    assert seeded.second_counts == seeded.first_counts
    assert "Done in" in seeded.second_output
    assert "(0 rows created)" in seeded.second_output


def test_the_command_prints_the_demo_logins(seeded):
    for email in demo.DEMO_ACCOUNTS.values():
        assert email in seeded.first_output
    assert demo.DEMO_PASSWORD in seeded.first_output


@pytest.mark.parametrize("role", ["talent", "employer", "organiser"])
def test_the_demo_accounts_can_sign_in(seeded, role):
    email = demo.DEMO_ACCOUNTS[role]

    user = authenticate(None, email=email, password=demo.DEMO_PASSWORD)

    assert user is not None and user.email == email
    assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()


def test_the_demo_roles_are_what_they_say(edition):
    talent = User.objects.get(email=demo.DEMO_ACCOUNTS["talent"])
    employer = Membership.objects.select_related("company").get(
        user__email=demo.DEMO_ACCOUNTS["employer"]
    )
    organiser = User.objects.get(email=demo.DEMO_ACCOUNTS["organiser"])

    assert talent.role == User.Role.TALENT and talent.talent_profile.is_discoverable
    assert (employer.role, employer.company.programme) == ("admin", "innohk")
    assert Booth.objects.filter(
        company=employer.company, edition=edition, status="approved"
    ).exists()
    assert Membership.objects.filter(company=employer.company, role="recruiter").exists()
    assert (organiser.is_staff, organiser.is_superuser) == (True, True)


def test_every_seeded_user_has_a_verified_primary_address(seeded):
    users = User.objects.count()

    assert EmailAddress.objects.filter(verified=True, primary=True).count() == users
    assert TalentProfile.objects.count() >= 300
    assert Membership.objects.values("company").distinct().count() >= 50


def test_the_edition_is_current_and_live_now(edition):
    now = timezone.now()

    assert ExpoEdition.objects.current() == edition
    assert edition.status(now) == ExpoEdition.Status.LIVE
    assert edition.time_zone == "Asia/Hong_Kong"
    assert edition.starts_at.astimezone(edition.tz).hour == 10
    assert timedelta(days=27) < edition.ends_at - now < timedelta(days=30)


def test_sessions_are_live_now_and_starting_soon(edition):
    now = timezone.now()
    sessions = Session.objects.filter(edition=edition)

    assert sessions.live(now).exists()
    assert sessions.upcoming(now).filter(starts_at__lt=now + timedelta(hours=5)).count() >= 3


def test_the_three_tracks_run_through_the_month(edition):
    tracks = {t.name: t for t in Track.objects.filter(edition=edition)}

    assert set(tracks) == {
        "Deep Tech Training",
        "Innovative Thinking Workshops and Idea Pitching",
        "Upskilling Series (Fintech)",
    }
    for track in tracks.values():
        events = track.sessions.filter(kind=Session.Kind.EVENT)
        days = {s.starts_at.astimezone(edition.tz).date() for s in events}
        assert events.count() >= 6 and len(days) >= 6
        assert events.filter(certificate_bearing=True).exists()
        assert all(edition.starts_at <= s.starts_at < edition.ends_at for s in events)
    presentations = Session.objects.filter(edition=edition, kind=Session.Kind.PRESENTATION)
    assert presentations.count() >= 50
    assert not presentations.filter(host_booth__isnull=True).exists()


def test_filters_have_something_to_hide(edition):
    jobs = Job.objects.filter(edition=edition)
    open_ids = _open_jobs(edition).values("id")

    assert jobs.filter(status="closed").exists()
    assert jobs.filter(status="draft").exists()
    assert jobs.filter(status="published").exclude(id__in=open_ids).exists()  # expired
    assert set(Booth.objects.filter(edition=edition).values_list("status", flat=True)) == {
        "approved",
        "submitted",
        "draft",
        "rejected",
    }
    types = set(_open_jobs(edition).values_list("employment_type", flat=True))
    assert {"full_time", "internship", "placement", "contract"} <= types


def test_dashboards_have_activity(edition):
    talent = User.objects.get(email=demo.DEMO_ACCOUNTS["talent"])
    company = Membership.objects.get(user__email=demo.DEMO_ACCOUNTS["employer"]).company
    now = timezone.now()

    assert Registration.objects.filter(user=talent, session__in=Session.objects.live(now)).exists()
    assert Registration.objects.filter(session__edition=edition).count() >= 1000
    assert Application.objects.filter(talent=talent).values("status").distinct().count() >= 5
    assert Application.objects.filter(job__company=company).count() >= 20
    assert len(set(Application.objects.values_list("status", flat=True))) >= 6
    assert not Application.objects.filter(created_at__gt=now).exists()


def test_a_run_on_a_later_day_moves_the_expo_and_keeps_it_live(edition):
    before = _counts()
    open_before = _open_jobs(edition).count()
    later = timezone.now() + timedelta(days=3)

    demo.seed(now=later)

    edition.refresh_from_db()
    assert _counts() == before
    assert edition.status(later) == ExpoEdition.Status.LIVE
    assert edition.day_number(later)[0] == 3
    assert _open_jobs(edition, later).count() == open_before
    assert Session.objects.filter(edition=edition).live(later).exists()
    # The 1:1 times moved with it (none of a recruiter's slots met one not yet moved).
    assert MeetingSlot.objects.filter(starts_at__gt=later).count() == MeetingSlot.objects.count()


def test_booths_offer_free_1to1_times_and_the_demo_talent_booked_one(edition):
    hkt = edition.tz
    now = timezone.now()
    approved = Booth.objects.filter(edition=edition, status=Booth.Status.APPROVED)
    staffed = approved.filter(company__memberships__isnull=False).distinct()
    with_slots = approved.filter(meeting_slots__isnull=False).distinct()
    employer_booth = approved.get(company__memberships__user__email=demo.DEMO_ACCOUNTS["employer"])

    assert set(with_slots) == set(staffed) and len(staffed) >= 100
    assert not MeetingSlot.objects.filter(starts_at__lte=now).exists()
    assert {timezone.localtime(s.starts_at, hkt).hour for s in MeetingSlot.objects.all()} <= {
        14,
        15,
    }
    assert meetings.free_slots(employer_booth)
    booking = Booking.objects.get(talent__email=demo.DEMO_ACCOUNTS["talent"])
    assert booking.booth == employer_booth and booking.status == Booking.Status.BOOKED
    assert (
        timezone.localtime(booking.slot.starts_at, hkt).date() > timezone.localtime(now, hkt).date()
    )


def test_the_plan_is_deterministic():
    first, second = demo.build_plan(1), demo.build_plan(1)

    assert [j.title for j in first.jobs] == [j.title for j in second.jobs]
    assert [c.slug for c in first.companies] == [c.slug for c in second.companies]
    assert first.applications == second.applications


def test_approved_booths_get_varied_generated_logos_and_banners(edition):
    from PIL import Image

    booths = list(Booth.objects.filter(edition=edition, status=Booth.Status.APPROVED))
    assert booths and all(b.logo and b.banner for b in booths)
    logos, banners = set(), set()
    for booth in booths[:12]:
        with booth.logo.open("rb") as handle:
            logo = handle.read()
        with booth.banner.open("rb") as handle:
            banner = Image.open(handle)
            banner.load()
        logos.add(logo)
        banners.add(banner.tobytes()[:5000])
        assert Image.open(booth.logo.path).size == (256, 256)
        assert banner.size == (1200, 300)
    assert len(logos) == 12 and len(banners) == 12  # no two alike


def test_the_organiser_s_names_are_seeded_in_chinese_with_english_beside(edition):
    from django.utils import translation

    from expo.schedule.models import Session

    with translation.override("zh-hant"):
        sector = Sector.objects.get(slug="ai-data-analytics")
        assert (sector.name, sector.hall) == ("人工智能及數據分析", "2號展館")
        assert ExpoEdition.objects.get(pk=edition.pk).tagline == "香港創新科技職位，盡在一處"
        assert Track.objects.get(edition=edition, slug="deep-tech-training").name == "深科技培訓"
    with translation.override("zh-hans"):
        event = Session.objects.get(edition=edition, title_en="Virtual banking in Hong Kong")
        assert event.title == "香港的虚拟银行"
    with translation.override("en"):
        assert Sector.objects.get(slug="ai-data-analytics").name == "AI & Data Analytics"
