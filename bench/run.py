"""Benchmarks, printed as a table: `make bench`, i.e.

    .venv/bin/python -m tests.harness .venv/bin/python -m bench.run [--scale N] [--runs N]
                                                                    [--only NAME ...] [--keep-db]

The runner creates its own database next to the one DATABASE_URL names (Django's test-database
machinery: `test_<name>`, migrated from scratch, dropped at the end), seeds the demo expo at
`--scale` (35 by default, about 100,000 jobs) and runs every benchmark in BENCHMARKS against it.
Without DATABASE_URL it falls back to an in-memory SQLite database: fine for trying the runner,
not representative. Settings: bench.settings (production settings, DEBUG off).

For iterating on one benchmark, `--keep-db` keeps that database at the end and reuses it (and
its seeded expo, unless the scale differs) on the next run against the same PostgreSQL server,
e.g. one started by `EXPO_TEST_NETNS=0 python -m tests.harness sleep infinity` whose
DATABASE_URL and REDIS_URL you export; the seed_demo figure is then not measured.

To add a benchmark, write `def bench_something(ctx) -> list[Result]` below and decorate it
with @benchmark; call ctx.seeded() first if it needs the demo data. The exit status is 1 when a
benchmark misses its target.
"""

import argparse
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

BENCHMARKS = []
SEEDED_TABLE = "bench_seeded"  # with --keep-db: the scale the kept database was seeded at


def benchmark(func):
    BENCHMARKS.append(func)
    return func


@dataclass
class Result:
    name: str
    samples_ms: list
    target_ms: float  # the p95 (or single run) must stay under this
    note: str = ""
    ok: bool | None = None  # for figures that are not times (throughput, counts)

    @property
    def n(self):
        return len(self.samples_ms)

    @property
    def median(self):
        return statistics.median(self.samples_ms)

    @property
    def p95(self):
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def passed(self):
        if self.ok is not None:
            return self.ok and not self.note.startswith("ERROR")
        return not self.note.startswith("ERROR") and self.p95 < self.target_ms


class Context:
    def __init__(self, scale, runs, keep_db=False):
        self.scale, self.runs, self.keep_db = scale, runs, keep_db
        self.seed_seconds = None
        self.seed_output = ""
        # Named numbers for bench/results.json beyond the table's timings, e.g.
        # ctx.metrics["fanout_deliveries_per_s"] = 103000.
        self.metrics = {}

    def seeded(self):
        """Seed the demo expo once (the seed_demo benchmark times this very run)."""
        if self.seed_seconds is None and self.keep_db and self._seeded_before():
            print(f"    reusing the expo seeded at scale {self.scale} (--keep-db)", flush=True)
            self.seed_seconds = 0.0
        if self.seed_seconds is None:
            from io import StringIO

            from django.core.management import call_command

            out = StringIO()
            started = time.perf_counter()
            call_command("seed_demo", scale=self.scale, stdout=out)
            self.seed_seconds = time.perf_counter() - started
            self.seed_output = out.getvalue()
            for line in self.seed_output.splitlines():
                print(f"    {line}", flush=True)
            if self.keep_db:  # remembered in the kept database (the cache gets cleared)
                from django.db import connection

                with connection.cursor() as cursor:
                    cursor.execute(f"CREATE TABLE IF NOT EXISTS {SEEDED_TABLE} (scale integer)")
                    cursor.execute(f"DELETE FROM {SEEDED_TABLE}")  # noqa: S608
                    cursor.execute(f"INSERT INTO {SEEDED_TABLE} VALUES (%s)", [self.scale])  # noqa: S608
        return self.seed_seconds

    def _seeded_before(self):
        """A kept database seeded at this scale, with jobs in a current edition."""
        from django.db import connection

        from expo.models import ExpoEdition
        from jobs.models import Job

        if SEEDED_TABLE not in connection.introspection.table_names():
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT scale FROM {SEEDED_TABLE}")  # noqa: S608
            if cursor.fetchall() != [(self.scale,)]:
                return False
        edition = ExpoEdition.objects.current()
        return edition is not None and Job.objects.filter(edition=edition).exists()

    def edition(self):
        from expo.models import ExpoEdition

        self.seeded()
        return ExpoEdition.objects.current()


def timed(func, runs, before=None, warmup=1):
    """Milliseconds of `runs` calls of func, after `warmup` untimed calls; `before` runs
    untimed ahead of each call."""
    for _ in range(warmup):
        if before:
            before()
        func()
    samples = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- The benchmarks ----------------------------------------------------------------------------
@benchmark
def bench_seed_demo(ctx):
    seconds = ctx.seeded()
    ctx.metrics[f"seed_scale{ctx.scale}_s"] = round(seconds, 1)
    ctx.metrics["seed_loadavg_1m"] = round(os.getloadavg()[0], 2)
    return [Result(f"seed_demo --scale {ctx.scale} (wall)", [seconds * 1000], 90 * 1000)]


@benchmark
def bench_key_figures(ctx):
    from expo.organiser.figures import compute_key_figures
    from jobs.models import Job

    edition = ctx.edition()
    jobs = Job.objects.filter(edition=edition).count()
    samples = timed(lambda: compute_key_figures(edition), ctx.runs)
    return [Result(f"compute_key_figures ({jobs:,} jobs)", samples, 300)]


@benchmark
def bench_busiest_sectors(ctx):
    from expo.organiser.figures import busiest_sectors

    edition = ctx.edition()
    samples = timed(lambda: busiest_sectors(edition), ctx.runs)
    return [Result("busiest_sectors (home page, uncached)", samples, 300)]


@benchmark
def bench_home_page(ctx):
    from django.core.cache import cache
    from django.test import Client

    ctx.edition()
    client = Client()
    results = []
    for name, before in (("GET / (key figures cached)", None), ("GET / (cold cache)", cache.clear)):
        statuses = set()

        def get(statuses=statuses):
            statuses.add(client.get("/").status_code)

        samples = timed(get, ctx.runs, before=before)
        note = "" if statuses == {200} else f"ERROR: status {sorted(statuses)}"
        results.append(Result(name, samples, 300, note))
    return results


@benchmark
def bench_page_cpu(ctx):
    """Server CPU per request of the common pages, in a real uvicorn process (bench/pages.py)."""
    from bench.pages import measure

    return measure(ctx, Result)


@benchmark
def bench_pages_two_process(ctx):
    """Anonymous pages per second from two uvicorn processes on one PostgreSQL and Redis versus
    one, and pages per server CPU-second of each (bench/pages_two.py)."""
    from bench.pages_two import measure

    return measure(ctx, Result)


@benchmark
def bench_hall_page(ctx):
    """The exhibition hall at ~10,000 booths: the first page and a later one (each card's open
    jobs are counted for the page only; a correlated count per booth took 1-2 s on SQLite)."""
    from django.test import Client

    ctx.edition()
    client = Client()
    results = []
    for name, path in (("GET /booths/", "/booths/"), ("GET /booths/?page=40", "/booths/?page=40")):
        statuses = set()

        def get(statuses=statuses, path=path):
            statuses.add(client.get(path).status_code)

        samples = timed(get, ctx.runs)
        note = "" if statuses == {200} else f"ERROR: status {sorted(statuses)}"
        results.append(Result(name, samples, 300, note))
    return results


@benchmark
def bench_job_search(ctx):
    """Job search over ~100,000 jobs: five query shapes, warm and cold (bench/job_search.py)."""
    from bench.job_search import run

    return run(ctx, Result, timed)


@benchmark
def bench_lobby_fanout(ctx):
    """Lobby fan-out to 1,000 sockets on one uvicorn process (channels_redis) next to a bare
    `websockets` broadcast server (the ceiling), with raw receivers pinned to the other core,
    then over two processes on one Redis; CPU per delivery of each side; losses classified and
    drops counted, twice the sustainable load; idle sockets per process (bench/fanout.py,
    bench/wsload.py; every count of every phase in bench/fanout_raw.json)."""
    from bench.fanout import measure

    return measure(ctx, Result)


@benchmark
def bench_sfu(ctx):
    """Attendees per media server: one Janus process on one core, an aiortc publisher and
    counting subscribers on the other core, the largest N with < 1% packet loss and Janus's CPU
    per subscriber (bench/sfu.py; every step in bench/sfu_raw.json)."""
    from bench.sfu import measure

    return measure(ctx, Result)


# --- Runner ------------------------------------------------------------------------------------
def _table(results):
    header = ("benchmark", "n", "median ms", "p95 ms", "target", "result")
    rows = [
        (
            r.name,
            str(r.n),
            f"{r.median:,.1f}",
            f"{r.p95:,.1f}",
            f"{'p95' if r.n > 1 else 'run'} < {r.target_ms:,.0f} ms",
            ("pass" if r.passed else "FAIL") + (f"  {r.note}" if r.note else ""),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    align = ["<", ">", ">", ">", "<", "<"]

    def line(cells):
        return "  ".join(
            f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True)
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


RESULTS_FILE = os.path.join(os.path.dirname(__file__), "results.json")


def _slug(name):
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")


def _write_results(results, metrics):
    """bench/results.json: one flat object of named numbers, to compare runs (not committed)."""
    import json

    flat = {}
    for r in results:
        flat[f"{_slug(r.name)}_median_ms"] = round(r.median, 3)
        flat[f"{_slug(r.name)}_p95_ms"] = round(r.p95, 3)
    flat.update(metrics)
    with open(RESULTS_FILE, "w") as out:
        json.dump(flat, out, indent=2, sort_keys=True)
    print(f"bench: figures written to {os.path.relpath(RESULTS_FILE)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=35, help="seed_demo scale (default 35)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per benchmark")
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="run only benchmarks whose function name contains one of these",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the database (and its seeded expo) for the next run, and reuse a kept one",
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    selected = [
        b for b in BENCHMARKS if not args.only or any(part in b.__name__ for part in args.only)
    ]
    old_name = connection.settings_dict["NAME"]
    print(
        f"bench: {connection.vendor}, scale {args.scale}, {args.runs} runs per benchmark; "
        "creating a fresh database...",
        flush=True,
    )
    if connection.vendor != "postgresql":
        print(
            "bench: not PostgreSQL: the numbers are not representative "
            "(run `make bench` for the real stack)",
            flush=True,
        )
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.keep_db
    )
    results = []
    try:
        ctx = Context(args.scale, args.runs, keep_db=args.keep_db)
        for bench in selected:
            print(f"bench: {bench.__name__}", flush=True)
            try:
                results.extend(bench(ctx))
            except Exception as error:  # report it in the table and go on
                results.append(
                    Result(bench.__name__, [0.0], 0, f"ERROR: {type(error).__name__}: {error}")
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep_db)
    print()
    print(_table(results))
    _write_results(results, ctx.metrics)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
