"""Expo-level reads and writes: the live key figures."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q

from booths.models import Booth
from expo.choices import Education, Level, Programme
from jobs.models import Job


def _share(part, whole):
    return round(100 * part / whole) if whole else 0


def compute_key_figures(edition) -> dict:
    """The expo's published "key figures and highlights", computed from the data.

    Jobs are the edition's open jobs; companies are those with an approved booth. Two aggregate
    queries whatever the volume.
    """
    jobs = Job.objects.filter(edition=edition).open()
    j = jobs.aggregate(
        total=Count("id"),
        innohk=Count("id", filter=Q(company__programme=Programme.INNOHK)),
        innopark=Count("id", filter=Q(company__programme=Programme.INNOPARK)),
        overseas_and_gba=Count("id", filter=Q(open_to_overseas=True, open_to_gba=True)),
        overseas=Count("id", filter=Q(open_to_overseas=True)),
        gba=Count("id", filter=Q(open_to_gba=True)),
        tech_rd=Count("id", filter=Q(is_tech_rd=True)),
        **{f"level_{v}": Count("id", filter=Q(level=v)) for v in Level.values},
        **{f"education_{v}": Count("id", filter=Q(min_education=v)) for v in Education.values},
    )
    c = (
        Booth.objects.filter(edition=edition)
        .approved()
        .aggregate(
            total=Count("company_id", distinct=True),
            gba_or_overseas=Count(
                "company_id", distinct=True, filter=Q(company__has_gba_or_overseas_office=True)
            ),
        )
    )
    total = j["total"]
    return {
        "companies": c["total"],
        "jobs": total,
        "jobs_innohk": j["innohk"],
        "jobs_innopark": j["innopark"],
        "share_open_overseas_and_gba": _share(j["overseas_and_gba"], total),
        "share_open_overseas": _share(j["overseas"], total),
        "share_open_gba": _share(j["gba"], total),
        "share_companies_gba_or_overseas": _share(c["gba_or_overseas"], c["total"]),
        "share_tech_rd": _share(j["tech_rd"], total),
        "share_by_level": {v: _share(j[f"level_{v}"], total) for v in Level.values},
        "share_by_education": {v: _share(j[f"education_{v}"], total) for v in Education.values},
    }


def key_figures(edition, refresh=False) -> dict:
    """compute_key_figures, cached briefly (the beat task refreshes it every minute)."""
    key = f"key-figures:{edition.pk}"
    figures = None if refresh else cache.get(key)
    if figures is None:
        figures = compute_key_figures(edition)
        cache.set(key, figures, settings.KEY_FIGURES_CACHE_SECONDS)
    return figures


def busiest_sectors(edition, limit=4):
    """Sectors with the most open jobs, with their counts (as `open_jobs`), cached like the
    key figures. One grouped query over the open jobs, then the sectors by primary key."""
    from booths.models import Sector

    key = f"busiest-sectors:{edition.pk}:{limit}"
    counts = cache.get(key)
    if counts is None:
        counts = list(
            Job.objects.filter(edition=edition)
            .open()
            .values_list("sector_id")
            .annotate(n=Count("id"))
            .order_by("-n", "sector_id")[:limit]
        )
        cache.set(key, counts, settings.KEY_FIGURES_CACHE_SECONDS)
    sectors = Sector.objects.in_bulk([sector_id for sector_id, _ in counts])
    result = []
    for sector_id, n in counts:
        sector = sectors[sector_id]
        sector.open_jobs = n
        result.append(sector)
    return result
