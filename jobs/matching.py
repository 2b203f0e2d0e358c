"""“Jobs for you”: open jobs ranked by how well they fit a talent's profile, with the reasons.

Hard requirements: the talent's education meets the job's minimum, and a talent based in the
GBA or overseas only sees jobs open to them. Then points: each shared skill 3, a sector the
talent follows 2, the talent's level 2, an employment type they seek 1. The database picks the
best CANDIDATES by sector, level and (on PostgreSQL) a skills text rank; Python scores those
exactly and explains each match. Jobs the talent applied to already come last, marked.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Value, When
from django.utils.translation import gettext as _

from expo.choices import Education, Region

from .models import Application, Job
from .search import query_terms

EDUCATION_ORDER = [e.value for e in Education]  # sub-degree < bachelor < master < doctorate
CANDIDATES = 200
SHOWN = 30


@dataclass
class Match:
    job: Job
    score: int
    reasons: list = field(default_factory=list)
    applied: bool = False  # the talent applied already: shown last, marked "Applied"


def _eligible(edition, profile):
    jobs = Job.objects.open().filter(edition=edition)
    if profile.education_level in EDUCATION_ORDER:
        reachable = EDUCATION_ORDER[: EDUCATION_ORDER.index(profile.education_level) + 1]
        jobs = jobs.filter(min_education__in=reachable)
    if profile.region == Region.GBA:
        jobs = jobs.filter(open_to_gba=True)
    elif profile.region == Region.OVERSEAS:
        jobs = jobs.filter(open_to_overseas=True)
    return jobs


def jobs_for_profile(edition, profile, limit=SHOWN):
    sector_ids = {s.pk for s in profile.sectors.all()}
    skills = [s.lower() for s in profile.skill_list][:12]
    jobs = _eligible(edition, profile).annotate(
        sector_points=Case(
            When(sector_id__in=sector_ids or [0], then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        level_points=Case(
            When(level=profile.experience_level or "-", then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    skill_terms = [term for skill in skills for term in query_terms(skill)][:16]
    if connection.vendor == "postgresql" and skill_terms:
        query = SearchQuery(
            " | ".join(f"'{t}'" for t in skill_terms), search_type="raw", config="english"
        )
        jobs = jobs.annotate(skill_rank=SearchRank(F("search_vector"), query))
    else:
        jobs = jobs.annotate(skill_rank=Value(0.0, output_field=FloatField()))
    candidates = (
        jobs.annotate(points=F("sector_points") + F("level_points") + F("skill_rank") * 10)
        .order_by("-points", "-published_at", "-id")
        .select_related("company", "sector")
        .defer("search_vector", "description")[:CANDIDATES]
    )
    matches = [_score(job, profile, sector_ids, skills) for job in candidates]
    matches = [m for m in matches if m.score > 0]
    applied = set(
        Application.objects.filter(
            talent_id=profile.user_id, job_id__in=[m.job.pk for m in matches]
        ).values_list("job_id", flat=True)
    )
    for match in matches:
        match.applied = match.job.pk in applied
    # What the talent has not applied to yet comes first; then by fit, then newest.
    matches.sort(
        key=lambda m: (
            m.applied,
            -m.score,
            -(m.job.published_at.timestamp() if m.job.published_at else 0),
        )
    )
    return matches[:limit]


def _score(job, profile, sector_ids, skills):
    match = Match(job=job, score=0)
    shared = [s for s in job.skill_list if s.lower() in skills]
    if shared:
        match.score += 3 * len(shared)
        match.reasons.append(_("Skills you have: %(skills)s") % {"skills": ", ".join(shared)})
    if job.sector_id in sector_ids:
        match.score += 2
        match.reasons.append(_("A sector you follow: %(sector)s") % {"sector": job.sector.name})
    if profile.experience_level and job.level == profile.experience_level:
        match.score += 2
        match.reasons.append(_("Your level: %(level)s") % {"level": job.get_level_display()})
    if job.employment_type in (profile.seeking or []):
        match.score += 1
        match.reasons.append(
            _("You are looking for: %(type)s") % {"type": job.get_employment_type_display()}
        )
    if match.score and profile.education_level:
        match.reasons.append(
            _("Your education meets the minimum (%(education)s)")
            % {"education": job.get_min_education_display()}
        )
    if match.score and profile.region == Region.GBA:
        match.reasons.append(_("Open to talent in the Greater Bay Area"))
    elif match.score and profile.region == Region.OVERSEAS:
        match.reasons.append(_("Open to overseas talent"))
    return match
