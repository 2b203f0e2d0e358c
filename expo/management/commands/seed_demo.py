import time

from django.core.management.base import BaseCommand, CommandError

from expo import demo
from expo.choices import Education, Level
from expo.organiser.figures import busiest_sectors, key_figures


class Command(BaseCommand):
    help = (
        "Build (or refresh) the demo expo: a live I&T Career Expo at the real 2022 expo's scale "
        "(280+ companies with booths, 2,900+ open jobs, InnoHK 624, INNOPARK 204), the three "
        "talent-month tracks, talent and employer accounts, and demo logins. "
        "Idempotent: rows are matched on natural keys (slugs, emails, (company, title), "
        "(session, user)...) and only missing ones are inserted, so a second run creates "
        "nothing. Existing rows keep their content; only the clock moves: when the expo's "
        "opening day changed since the last run, the edition's dated rows are shifted by the "
        "same number of days and a few sessions are re-timed so that some are live now. "
        "Deterministic: a fixed random seed, no clock-dependent draws. --scale N multiplies the "
        "volume for benchmarks (35 gives about 100,000 jobs); changing it on a seeded database "
        "only adds rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply companies, jobs and people by N (default 1).",
        )

    def handle(self, *args, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        started = time.monotonic()
        self.stdout.write(f"Seeding the demo expo at scale {scale}...")
        result = demo.seed(scale=scale, log=self.stdout.write)
        # After the commit: fresh planner statistics, then the cached key figures.
        if sum(result.created.values()):
            demo.analyze()
        edition = result.edition
        figures = key_figures(edition, refresh=True)
        self.stdout.write("")
        self.stdout.write("Key figures (computed from the data):")
        levels, education = figures["share_by_level"], figures["share_by_education"]
        for label, value in [
            ("companies with an approved booth", figures["companies"]),
            ("open jobs", figures["jobs"]),
            ("  under InnoHK", figures["jobs_innohk"]),
            ("  under INNOPARK", figures["jobs_innopark"]),
            ("open to overseas and GBA talent", f"{figures['share_open_overseas_and_gba']}%"),
            (
                "companies with GBA or overseas offices",
                f"{figures['share_companies_gba_or_overseas']}%",
            ),
            ("technology and R&D", f"{figures['share_tech_rd']}%"),
            ("entry level / middle level", f"{levels[Level.ENTRY]}% / {levels[Level.MIDDLE]}%"),
            (
                "bachelor's / doctorate",
                f"{education[Education.BACHELOR]}% / {education[Education.DOCTORATE]}%",
            ),
            (
                "busiest halls",
                ", ".join(f"{s.name} ({s.open_jobs})" for s in busiest_sectors(edition)),
            ),
        ]:
            self.stdout.write(f"  {label:<40} {value}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        for role, email in demo.DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f} s "
                f"({sum(result.created.values())} rows created)."
            )
        )
