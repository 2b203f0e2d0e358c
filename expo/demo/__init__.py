"""The demo expo behind `manage.py seed_demo`: a believable I&T Career Expo at the scale and shape
of the real 2022 Hong Kong Science Park expo, placed around today so that it is live.

How it is built
---------------
1. `build_plan(scale)` decides everything that does not depend on the clock: sectors, companies
   and booths, jobs, talent and employer staff, talent-month sessions and booth presentations,
   registrations and applications. It draws only from `random.Random` instances seeded with fixed
   strings, so one scale always gives the same plan. Exact quotas (not probabilities) fix the
   shares the expo publishes, so the key figures hold at every scale.
2. `Clock(now)` places the plan in time. The expo opened two days ago at 10:00 Hong Kong time and
   its talent month runs for thirty days; a handful of sessions sit around the moment of seeding
   (two live now, several starting within the next hours).
3. `seed()` writes the plan with upserts on natural keys, inside one transaction:
   sectors by slug, the edition by slug, companies by slug, booths by (edition, company), jobs by
   (company, title), users by email, profiles and memberships by user, tracks by (edition, slug),
   sessions by (track, host booth, title), registrations by (session, user), applications by
   (job, talent). Missing rows are built in memory and inserted with `bulk_create`; rows that
   exist are never duplicated and their content is left alone (an organiser's edits survive).
   Only the clock moves: when the edition's opening day changed since the last run, every dated
   row of the edition (jobs, booths, sessions, registrations, applications) is shifted by the
   same whole number of days in a few UPDATE queries, and the planned sessions are re-timed so
   that some are live around the new moment of seeding. Running it twice leaves the same rows.

Changing `--scale` on a seeded database adds the missing rows of the larger plan and deletes
nothing; start from an empty database to go down in scale.

The parts: vocabulary.json (the words), plan.py (build_plan and the shape), write.py (Clock,
seed, analyze).
"""

from .plan import DEMO_ACCOUNTS, DEMO_PASSWORD, EDITION_SLUG, build_plan
from .write import Clock, SeedResult, analyze, seed

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "EDITION_SLUG",
    "Clock",
    "SeedResult",
    "analyze",
    "build_plan",
    "seed",
]
