"""Writing the plan: the clock that places it around today, and seed(), which upserts it on
natural keys in one transaction (see expo/demo/__init__.py)."""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from expo.lib import fragments
from expo.lib.bulkcopy import copy_insert

from .plan import (
    ART_BOOTHS,
    BATCH_SIZE,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    EDITION_NAME,
    EDITION_SLUG,
    EXPO_DAYS,
    MEETING_DAYS,
    MEETING_HOUR,
    MEETING_MINUTES,
    MEETING_SLOTS,
    ORGANISER,
    SECTORS,
    TIME_ZONE,
    TRACKS,
    booth_description,
    booth_tagline,
    build_plan,
    job_description,
)


# --- Clock ---------------------------------------------------------------------------------
class Clock:
    """Places the plan in time: the expo opened two days ago at 10:00 Hong Kong time."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.tz = zoneinfo.ZoneInfo(TIME_ZONE)
        self.day0 = self.now.astimezone(self.tz).date() - dt.timedelta(days=2)
        self.starts_at = self.at(0, 10)
        self.ends_at = self.at(EXPO_DAYS, 18)
        # Sessions around the moment of seeding start on the quarter hour.
        self.t0 = self.now.replace(
            minute=self.now.minute - self.now.minute % 15, second=0, microsecond=0
        )

    def at(self, day, hour, minute=0):
        local = dt.datetime.combine(
            self.day0 + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=self.tz
        )
        return local.astimezone(dt.UTC)

    def hours(self, offset):
        """A moment `offset` hours after the opening (None stays None)."""
        return None if offset is None else self.starts_at + dt.timedelta(hours=offset)

    def session_times(self, session):
        if session.start[0] == "now":
            starts = self.t0 + dt.timedelta(minutes=session.start[1])
        else:
            _, day, hour, minute = session.start
            starts = self.at(day, hour, minute)
        return starts, starts + dt.timedelta(minutes=session.minutes)


# --- Writing -------------------------------------------------------------------------------
@dataclass
class SeedResult:
    edition: object
    scale: int
    created: dict = field(default_factory=dict)
    shifted_by: dt.timedelta | None = None
    seconds: float = 0.0


def _bulk(model, objects, batch_size=BATCH_SIZE):
    for start in range(0, len(objects), batch_size):
        model.objects.bulk_create(objects[start : start + batch_size], batch_size=batch_size)
    return len(objects)


def _copy(model, objects):
    """Many rows whose primary keys are read back afterwards by natural key: COPY
    (expo.lib.bulkcopy), PostgreSQL writing one chunk while the next is built."""
    return copy_insert(model, objects)


class _Writer:
    def __init__(self, plan, clock, log):
        self.plan, self.clock, self.log = plan, clock, log
        self.started = time.monotonic()
        self.result = None

    def step(self, label, created, existing):
        self.result.created[label] = created
        self.log(
            f"  {label:<16} {created:>7} created, {existing:>7} already there  "
            f"({time.monotonic() - self.started:5.1f} s)"
        )

    def run(self):
        from expo.models import ExpoEdition

        clock = self.clock
        edition = ExpoEdition.objects.filter(slug=EDITION_SLUG).first()
        shift = None
        if edition is None:
            edition = ExpoEdition(
                name=EDITION_NAME,
                slug=EDITION_SLUG,
                organiser=ORGANISER,
                tagline="Hong Kong's innovation and technology jobs, all in one place",
                time_zone=TIME_ZONE,
                starts_at=clock.starts_at,
                ends_at=clock.ends_at,
            )
        elif edition.starts_at != clock.starts_at:
            shift = clock.starts_at - edition.starts_at
        ExpoEdition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
        edition.starts_at, edition.ends_at, edition.is_current = (
            clock.starts_at,
            clock.ends_at,
            True,
        )
        if edition.pk is None:
            edition.save()
        else:
            edition.save(update_fields=["starts_at", "ends_at", "is_current"])
        self.edition = edition
        self.result = SeedResult(edition=edition, scale=self.plan.scale, shifted_by=shift)
        self.log(
            f"  edition          {edition.name}, "
            f"{edition.starts_at.astimezone(clock.tz):%d %b %H:%M} to "
            f"{edition.ends_at.astimezone(clock.tz):%d %b %H:%M} Hong Kong time"
        )
        if shift:
            self._shift(shift)
        self._sectors()
        self._companies()
        self._booths()
        self._booth_art()
        self._jobs()
        self._people()
        self._tracks()
        self._sessions()
        self._chinese_names()
        self._registrations()
        self._applications()
        self._meetings()
        self.result.seconds = time.monotonic() - self.started
        return self.result

    def _shift(self, delta):
        """Move every dated row of the edition by the days the opening moved."""
        from booths.models import Booth
        from expo.schedule.models import MeetingSlot, Registration, Session
        from jobs.models import Application, Job

        e = self.edition
        Job.objects.filter(edition=e).update(
            published_at=F("published_at") + delta, deadline=F("deadline") + delta
        )
        Booth.objects.filter(edition=e).update(
            submitted_at=F("submitted_at") + delta, reviewed_at=F("reviewed_at") + delta
        )
        Session.objects.filter(edition=e).update(
            starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
        )
        Registration.objects.filter(session__edition=e).update(created_at=F("created_at") + delta)
        Application.objects.filter(job__edition=e).update(created_at=F("created_at") + delta)
        # A recruiter's slots never overlap (an exclusion constraint, checked row by row): move
        # them far away first, then to their place, so that no row meets one not yet moved.
        slots = MeetingSlot.objects.filter(booth__edition=e)
        far = dt.timedelta(days=10_000)
        slots.update(starts_at=F("starts_at") + far, ends_at=F("ends_at") + far)
        slots.update(starts_at=F("starts_at") + delta - far, ends_at=F("ends_at") + delta - far)
        self.log(f"  moved the edition's dates by {delta.days} days")

    def _sectors(self):
        from booths.models import Sector

        existing = {s.slug: s for s in Sector.objects.all()}
        by_name = {s.name: s for s in existing.values()}
        missing = [
            Sector(name=name, slug=slug, hall=hall, position=position)
            for position, (slug, (name, hall, _)) in enumerate(SECTORS.items(), start=1)
            if slug not in existing and name not in by_name
        ]
        _bulk(Sector, missing)
        self.sectors = {}
        for s in Sector.objects.all():
            self.sectors[s.slug] = s.pk
        for slug, (name, _, _) in SECTORS.items():
            if slug not in self.sectors:
                self.sectors[slug] = by_name[name].pk
        self.step("sectors", len(missing), len(SECTORS) - len(missing))

    def _companies(self):
        from booths.models import Company

        existing = dict(Company.objects.values_list("slug", "pk"))
        missing = [
            Company(
                name=c.name,
                slug=c.slug,
                programme=c.programme,
                sector_id=self.sectors[c.sector],
                website=c.website,
                headquarters=c.headquarters,
                has_gba_or_overseas_office=c.has_office_abroad,
            )
            for c in self.plan.companies
            if c.slug not in existing
        ]
        _bulk(Company, missing)
        self.company_ids = dict(Company.objects.values_list("slug", "pk"))
        self.step("companies", len(missing), len(self.plan.companies) - len(missing))

    def _booths(self):
        from booths.models import Booth

        clock = self.clock
        existing = set(
            Booth.objects.filter(edition=self.edition).values_list("company_id", flat=True)
        )
        missing = []
        for c in self.plan.companies:
            company_id = self.company_ids[c.slug]
            if company_id in existing:
                continue
            rng = random.Random(c.text_seed)
            booth = Booth(
                edition=self.edition,
                company_id=company_id,
                status=c.booth_status,
                tagline=booth_tagline(c),
                description=booth_description(c),
            )
            if c.booth_status == "approved":
                booth.submitted_at = clock.hours(-24 * rng.uniform(10, 40))
                booth.reviewed_at = booth.submitted_at + dt.timedelta(hours=rng.uniform(4, 72))
            elif c.booth_status in ("submitted", "rejected"):
                booth.submitted_at = clock.hours(rng.uniform(1, 30))
            if c.booth_status == "rejected":
                booth.reviewed_at = booth.submitted_at + dt.timedelta(hours=2)
                booth.review_note = (
                    "Please describe your graduate programme and replace the "
                    "placeholder tagline before we publish the booth."
                )
            missing.append(booth)
        _bulk(Booth, missing)
        self.step("booths", len(missing), len(self.plan.companies) - len(missing))

    def _booth_art(self):
        """Generated logos and banners (expo/demo/art.py) for the approved booths that have none,
        up to ART_BOOTHS of them (the real expo's scale; a --scale run for benchmarks stays
        fast). Idempotent: booths with artwork keep it."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from booths.models import Booth

        from . import art as demo_art

        slugs = {pk: slug for slug, pk in self.company_ids.items()}
        bare = list(
            Booth.objects.filter(edition=self.edition, status="approved", logo="")
            .select_related("company__sector")
            .order_by("pk")[:ART_BOOTHS]
        )
        for booth in bare:
            slug = slugs.get(booth.company_id, str(booth.company_id))
            logo = demo_art.logo_png(booth.company.name, slug)
            banner = demo_art.banner_jpeg(slug, booth.company.sector.slug)
            booth.logo = default_storage.save(f"booths/logos/demo-{slug}.png", ContentFile(logo))
            booth.banner = default_storage.save(
                f"booths/banners/demo-{slug}.jpg", ContentFile(banner)
            )
        Booth.objects.bulk_update(bare, ["logo", "banner"], batch_size=500)
        self.step("booth artwork", len(bare), 0)

    def _jobs(self):
        from jobs.bulk import deferred_search_upkeep
        from jobs.models import Job

        clock = self.clock
        existing = set(Job.objects.filter(edition=self.edition).values_list("company_id", "title"))
        # Facet rows and tallies set-based at the end; the indexes built afresh when most of
        # the jobs are new (a first seed), rather than grown row by row.
        rebuild = len(self.plan.jobs) - len(existing) > max(10_000, len(existing))
        with deferred_search_upkeep(rebuild_indexes=rebuild):
            created = self._insert_jobs(Job, clock, existing)
        self.step("jobs", created, len(self.plan.jobs) - created)

    def _insert_jobs(self, Job, clock, existing):
        """Streamed with COPY: PostgreSQL stems one chunk's descriptions (the search-vector
        trigger) while the next chunk is built here."""

        def jobs():
            for job in self.plan.jobs:
                company = self.plan.companies[job.company]
                company_id = self.company_ids[company.slug]
                if (company_id, job.title) in existing:
                    continue
                status = "published" if job.status == "expired" else job.status
                low, high = job.salary or (None, None)
                yield Job(
                    edition=self.edition,
                    company_id=company_id,
                    title=job.title,
                    description=job_description(job, company),
                    skills=job.skills,
                    sector_id=self.sectors[job.sector],
                    is_tech_rd=job.is_tech_rd,
                    level=job.level,
                    min_education=job.education,
                    employment_type=job.employment_type,
                    location=job.location,
                    open_to_overseas=job.open_to_overseas,
                    open_to_gba=job.open_to_gba,
                    salary_min=low,
                    salary_max=high,
                    deadline=clock.hours(job.deadline_hours),
                    status=status,
                    published_at=clock.hours(job.published_hours),
                )

        return copy_insert(Job, jobs(), skip={"search_vector"})

    def _people(self):
        from allauth.account.models import EmailAddress

        from accounts.models import TalentProfile, User
        from booths.models import Membership

        plan, clock = self.plan, self.clock
        existing = dict(User.objects.values_list("email", "pk"))
        password = make_password(DEMO_PASSWORD)
        missing = [
            User(
                email=p.email,
                full_name=p.full_name,
                password=password,
                is_staff=p.is_staff,
                is_superuser=p.is_superuser,
                date_joined=clock.hours(-24 * p.joined_days),
            )
            for p in plan.people
            if p.email not in existing
        ]
        _copy(User, missing)
        self.step("users", len(missing), len(plan.people) - len(missing))
        self.user_ids = users = dict(User.objects.values_list("email", "pk"))
        # The demo logins always work with the demo password, whatever happened since.
        demo_ids = [users[email] for email in DEMO_ACCOUNTS.values()]
        User.objects.filter(pk__in=demo_ids).update(password=password, is_active=True)
        User.objects.filter(email=DEMO_ACCOUNTS["organiser"]).update(
            is_staff=True, is_superuser=True
        )

        # allauth blocks logins until the address is verified.
        addresses = set(EmailAddress.objects.values_list("user_id", flat=True))
        missing = [
            EmailAddress(user_id=users[p.email], email=p.email, verified=True, primary=True)
            for p in plan.people
            if users[p.email] not in addresses
        ]
        _copy(EmailAddress, missing)
        for email in DEMO_ACCOUNTS.values():
            EmailAddress.objects.filter(user_id=users[email], email__iexact=email).update(
                verified=True
            )
            if not EmailAddress.objects.filter(user_id=users[email], primary=True).exists():
                EmailAddress.objects.filter(user_id=users[email], email__iexact=email).update(
                    primary=True
                )
        self.step("email addresses", len(missing), len(plan.people) - len(missing))

        with_profile = set(TalentProfile.objects.values_list("user_id", flat=True))
        talent = [p for p in plan.people if p.profile]
        new = [p for p in talent if users[p.email] not in with_profile]
        profiles = []
        for p in new:
            fields = {k: v for k, v in p.profile.items() if k != "sectors"}
            profiles.append(TalentProfile(user_id=users[p.email], **fields))
        _bulk(TalentProfile, profiles)
        profile_ids = dict(TalentProfile.objects.values_list("user_id", "pk")) if new else {}
        through = TalentProfile.sectors.through
        links = [
            through(talentprofile_id=profile_ids[users[p.email]], sector_id=self.sectors[slug])
            for p in new
            for slug in p.profile["sectors"]
        ]
        _copy(through, links)
        self.step("talent profiles", len(new), len(talent) - len(new))

        with_company = set(Membership.objects.values_list("user_id", flat=True))
        staff = [p for p in plan.people if p.company is not None]
        missing = [
            Membership(
                user_id=users[p.email],
                role=p.role,
                company_id=self.company_ids[plan.companies[p.company].slug],
            )
            for p in staff
            if users[p.email] not in with_company
        ]
        _copy(Membership, missing)
        self.step("memberships", len(missing), len(staff) - len(missing))

    def _tracks(self):
        from expo.models import Track

        existing = set(Track.objects.filter(edition=self.edition).values_list("slug", flat=True))
        missing = [
            Track(
                edition=self.edition,
                slug=slug,
                name=name,
                description=description,
                position=position,
            )
            for position, (slug, name, description) in enumerate(TRACKS, start=1)
            if slug not in existing
        ]
        _bulk(Track, missing)
        self.tracks = dict(Track.objects.filter(edition=self.edition).values_list("slug", "pk"))
        self.step("tracks", len(missing), len(TRACKS) - len(missing))

    def _chinese_names(self):
        """The organiser's names in Traditional and Simplified Chinese (expo/demo/zh.py), written
        into their translation columns; English stays the fallback. Idempotent."""
        from booths.models import Sector
        from expo.models import ExpoEdition, Track
        from expo.schedule.models import Session

        from . import zh as demo_zh

        def columns(field, pair):
            return {f"{field}_zh_hant": pair[0], f"{field}_zh_hans": pair[1]}

        ExpoEdition.objects.filter(pk=self.edition.pk).update(
            **columns("name", demo_zh.EDITION["name"]),
            **columns("tagline", demo_zh.EDITION["tagline"]),
        )
        for slug, pair in demo_zh.SECTORS.items():
            hall = SECTORS[slug][1]
            Sector.objects.filter(slug=slug).update(
                **columns("name", pair), **columns("hall", demo_zh.hall(hall))
            )
        for slug, (name, description) in demo_zh.TRACKS.items():
            Track.objects.filter(edition=self.edition, slug=slug).update(
                **columns("name", name), **columns("description", description)
            )
        for title, pair in demo_zh.EVENTS.items():
            Session.objects.filter(edition=self.edition, kind="event", title_en=title).update(
                **columns("title", pair)
            )
        self.step("chinese names", 0, 0)

    def _session_key(self, session):
        booth = None
        if session.company is not None:
            booth = self.booths[self.company_ids[self.plan.companies[session.company].slug]]
        return (self.tracks.get(session.track), booth, session.title)

    def _sessions(self):
        from booths.models import Booth
        from expo.schedule.models import Session

        clock = self.clock
        self.booths = dict(
            Booth.objects.filter(edition=self.edition).values_list("company_id", "pk")
        )
        existing = {
            (s.track_id, s.host_booth_id, s.title): s
            for s in Session.objects.filter(edition=self.edition)
        }
        missing, retimed = [], []
        for session in self.plan.sessions:
            starts, ends = clock.session_times(session)
            recording = (
                f"https://stream.example.org/recordings/{slugify(session.title)[:80]}"
                if ends < clock.now
                else ""
            )
            key = self._session_key(session)
            row = existing.get(key)
            if row is None:
                missing.append(
                    Session(
                        edition=self.edition,
                        kind=session.kind,
                        track_id=key[0],
                        host_booth_id=key[1],
                        title=session.title,
                        description=session.description,
                        speakers=session.speakers,
                        starts_at=starts,
                        ends_at=ends,
                        capacity=session.capacity,
                        stream_url=f"https://stream.example.org/live/{slugify(session.title)[:80]}",
                        recording_url=recording,
                        certificate_bearing=session.certificate_bearing,
                    )
                )
            elif (row.starts_at, row.ends_at, row.recording_url) != (starts, ends, recording):
                row.starts_at, row.ends_at, row.recording_url = starts, ends, recording
                retimed.append(row)
        _bulk(Session, missing)
        Session.objects.bulk_update(
            retimed, ["starts_at", "ends_at", "recording_url"], batch_size=200
        )
        self.session_ids = {
            key: s.pk
            for key, s in (
                ((s.track_id, s.host_booth_id, s.title), s)
                for s in Session.objects.filter(edition=self.edition).only(
                    "pk", "track_id", "host_booth_id", "title"
                )
            )
        }
        self.step("sessions", len(missing), len(self.plan.sessions) - len(missing))
        if retimed:
            self.log(f"  re-timed {len(retimed)} sessions around now")

    def _dated(self, model, rows):
        """bulk_create ignores created_at (auto_now_add): date the new rows in a few updates
        (on PostgreSQL one, from two arrays)."""
        from django.db import connection

        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} t SET created_at = v.at "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE t.id = v.id",
                    [[pk for pk, _h in rows], [self.clock.hours(round(h)) for _pk, h in rows]],
                )
            return
        buckets = defaultdict(list)
        for pk, hours in rows:
            buckets[round(hours)].append(pk)
        for hours, pks in buckets.items():
            for start in range(0, len(pks), 500):
                model.objects.filter(pk__in=pks[start : start + 500]).update(
                    created_at=self.clock.hours(hours)
                )

    def _registrations(self):
        from expo.schedule.models import Registration

        plan = self.plan
        existing = set(
            Registration.objects.filter(session__edition=self.edition).values_list(
                "session_id", "user_id"
            )
        )
        session_pk = [self.session_ids[self._session_key(s)] for s in plan.sessions]
        new, hours = [], {}
        for si, email, status, offset in plan.registrations:
            key = (session_pk[si], self.user_ids[email])
            if key in existing:
                continue
            existing.add(key)
            hours[key] = offset
            new.append(Registration(session_id=key[0], user_id=key[1], status=status))
        _copy(Registration, new)
        if new:
            rows = Registration.objects.filter(session__edition=self.edition).values_list(
                "pk", "session_id", "user_id"
            )
            self._dated(Registration, [(pk, hours[(s, u)]) for pk, s, u in rows if (s, u) in hours])
        self.step("registrations", len(new), len(plan.registrations) - len(new))

    def _applications(self):
        from jobs.models import Application, Job

        plan = self.plan
        job_ids = {
            (c, t): pk
            for pk, c, t in Job.objects.filter(edition=self.edition).values_list(
                "pk", "company_id", "title"
            )
        }
        existing = set(
            Application.objects.filter(job__edition=self.edition).values_list("job_id", "talent_id")
        )
        new, hours = [], {}
        for j, email, status, note, offset in plan.applications:
            job = plan.jobs[j]
            key = (
                job_ids[(self.company_ids[plan.companies[job.company].slug], job.title)],
                self.user_ids[email],
            )
            if key in existing:
                continue
            existing.add(key)
            hours[key] = offset
            new.append(Application(job_id=key[0], talent_id=key[1], status=status, cover_note=note))
        _copy(Application, new)
        if new:
            rows = Application.objects.filter(job__edition=self.edition).values_list(
                "pk", "job_id", "talent_id"
            )
            self._dated(Application, [(pk, hours[(j, t)]) for pk, j, t in rows if (j, t) in hours])
        self.step("applications", len(new), len(plan.applications) - len(new))

    def _meetings(self):
        """Free 1:1 times on the coming days: each booth's first staff member publishes
        MEETING_SLOTS slots of MEETING_MINUTES each afternoon from MEETING_HOUR (Hong Kong time)
        for MEETING_DAYS days from today; the demo talent has one booked at the demo employer's
        booth tomorrow. Written once: a re-seed moves them with the edition (_shift)."""
        from booths.models import Booth, Membership
        from expo.schedule.models import Booking, MeetingSlot

        clock = self.clock
        existing = MeetingSlot.objects.filter(booth__edition=self.edition).count()
        if existing:
            self.step("1:1 slots", 0, existing)
            return
        first_staff = {}
        for company_id, user_id in Membership.objects.order_by("pk").values_list(
            "company_id", "user_id"
        ):
            first_staff.setdefault(company_id, user_id)
        today = (clock.now.astimezone(clock.tz).date() - clock.day0).days
        length = dt.timedelta(minutes=MEETING_MINUTES)
        starts = [
            clock.at(day, MEETING_HOUR) + length * n
            for day in range(today, min(today + MEETING_DAYS, EXPO_DAYS + 1))
            for n in range(MEETING_SLOTS)
        ]
        starts = [start for start in starts if start > clock.now]
        booths = Booth.objects.filter(
            edition=self.edition, status=Booth.Status.APPROVED
        ).values_list("pk", "company_id")
        slots = [
            MeetingSlot(
                booth_id=booth_id,
                recruiter_id=first_staff[company_id],
                starts_at=start,
                ends_at=start + length,
                created_by_id=first_staff[company_id],
            )
            for booth_id, company_id in booths
            if company_id in first_staff
            for start in starts
        ]
        _copy(MeetingSlot, slots)
        employer = Membership.objects.filter(
            user_id=self.user_ids[DEMO_ACCOUNTS["employer"]]
        ).first()
        tomorrow = clock.at(today + 1, 0)
        slot = (
            MeetingSlot.objects.filter(
                booth__edition=self.edition,
                booth__company_id=employer.company_id if employer else None,
                starts_at__gte=tomorrow,
            )
            .order_by("starts_at")
            .first()
        )
        if slot is not None:
            Booking.objects.create(
                slot=slot,
                booth_id=slot.booth_id,
                talent_id=self.user_ids[DEMO_ACCOUNTS["talent"]],
                kind=Booking.Kind.CHAT,
            )
        self.step("1:1 slots", len(slots), 0)


def analyze():
    """Refresh PostgreSQL's planner statistics for the seeded tables.

    After a bulk load the statistics describe empty tables until autovacuum comes round, and
    the planner picks bad plans for the key figures meanwhile (about 3x slower at 100,000
    jobs). Call outside the seeding transaction. A no-op on other databases.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from allauth.account.models import EmailAddress

    from accounts.models import TalentProfile, User
    from booths.models import Booth, Company, Membership, Sector
    from expo.models import ExpoEdition, Track
    from expo.schedule.models import Registration, Session
    from jobs.models import Application, Job

    models = [
        Sector,
        Company,
        Booth,
        Job,
        User,
        EmailAddress,
        TalentProfile,
        TalentProfile.sectors.through,
        Membership,
        ExpoEdition,
        Track,
        Session,
        Registration,
        Application,
    ]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def seed(scale=1, now=None, log=None) -> SeedResult:
    """Create or refresh the demo expo (see the module docstring). One transaction."""
    log = log or (lambda message: None)
    started = time.monotonic()
    plan = build_plan(scale)
    log(
        f"  plan             {len(plan.companies)} companies, {len(plan.jobs)} jobs, "
        f"{len(plan.people)} people, {len(plan.sessions)} sessions "
        f"({time.monotonic() - started:5.1f} s)"
    )
    with transaction.atomic():
        result = _Writer(plan, Clock(now), log).run()
    # Bulk inserts send no signals: pages cached before the seed are rendered afresh.
    fragments.bump(*fragments.NAMESPACES)
    result.seconds = time.monotonic() - started
    return result
