"""Job search over the open jobs of an edition.

On PostgreSQL
-------------
- Text: the stored, weighted `Job.search_vector` (title A, company name and skills B,
  description C; kept by a trigger, see migration 0002) with its GIN index. The visitor's words
  are reduced to plain word characters, at most MAX_TERMS of them, and each becomes a prefix
  term (`'engin':*`), all AND-ed: partial words match and nothing a visitor types can break the
  tsquery syntax.
- Typos: when the words match nothing, the search falls back to trigram word similarity on the
  title (`q <% title`, GIN trigram index), best match first.
- Ranking is bounded (PERF.md: ranking cost grows with the matches): only the newest CANDIDATES
  matches are ranked with ts_rank (ids only; the page's 20 rows are joined afterwards), so a
  common word costs about the same as a rare one. Sorting by newest or deadline walks an index
  and needs no ranking at all.
- Facets: one GROUP BY query returns the number of matching jobs per combination of facet
  values; every facet count and the total are summed from it in Python, each facet counted
  with the other groups' filters applied and its own left out (so the alternatives inside a
  group keep their counts). The combinations depend only on the text, never on the filters,
  sort or page, so they are cached for FACET_CACHE_SECONDS: clicking through filters costs one
  query for the page of results.

On SQLite (the embedded `make run`): every word must appear (icontains) in the title, skills,
description or company name; relevance is newest first.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from hashlib import sha256

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Q, Subquery, Value

from .models import Job

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 40
CANDIDATES = 300
PER_PAGE = 20
FACET_CACHE_SECONDS = 60
FUZZY_THRESHOLD = "0.4"
WORD = re.compile(r"\w+")

# (facet group, column in the GROUP BY)
FACETS = [
    ("sector", "sector_id"),
    ("tech", "is_tech_rd"),
    ("level", "level"),
    ("education", "min_education"),
    ("type", "employment_type"),
    ("location", "location"),
    ("programme", "company__programme"),
    ("overseas", "open_to_overseas"),
    ("gba", "open_to_gba"),
]
SORTS = ("relevance", "newest", "deadline")


def clean_query(raw) -> str:
    """What we keep of a visitor's search text: no control characters, at most
    MAX_QUERY_CHARS, whitespace collapsed."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw or "")[: MAX_QUERY_CHARS * 4])
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def query_terms(text) -> list[str]:
    return [w[:MAX_TERM_CHARS].lower() for w in WORD.findall(text)][:MAX_TERMS]


def tsquery_text(terms) -> str:
    """A to_tsquery() string from word characters only: `'data':* & 'scien':*`."""
    return " & ".join(f"'{term}':*" for term in terms)


class WordSimilar(Func):
    """`needle <% haystack`: a word of haystack is trigram-similar to needle (GIN-indexable)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def use_postgres():
    return connection.vendor == "postgresql"


def text_filter(terms, fuzzy_text=None) -> Q:
    if not terms:
        return Q()
    if use_postgres():
        if fuzzy_text:
            return Q(WordSimilar(Value(fuzzy_text), F("title")))
        return Q(
            search_vector=SearchQuery(tsquery_text(terms), search_type="raw", config="english")
        )
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(skills__icontains=term)
            | Q(description__icontains=term)
            | Q(company__name__icontains=term)
        )
    return condition


@dataclass
class Facet:
    name: str
    counts: Counter
    selected: set


@dataclass
class SearchResult:
    jobs: list
    total: int
    page: int
    pages: int
    facets: dict = field(default_factory=dict)
    fuzzy: bool = False
    terms: list = field(default_factory=list)
    bounded: bool = False  # relevance ranked only the newest CANDIDATES matches
    candidates: int = CANDIDATES


def _combinations(base, cache_key):
    columns = [column for _name, column in FACETS]
    combos = cache.get(cache_key)
    if combos is None:
        rows = base.order_by().values_list(*columns).annotate(n=Count("pk"))
        combos = [tuple(row) for row in rows]
        cache.set(cache_key, combos, FACET_CACHE_SECONDS)
    return combos


def facet_counts(combos, selected):
    """({group: Counter(value -> jobs)}, total) from the combinations, each group counted with
    every other group's selection applied."""
    groups = [name for name, _column in FACETS]
    active = [(i, selected[name]) for i, name in enumerate(groups) if selected.get(name)]
    counts = {name: Counter() for name in groups}
    total = 0
    for row in combos:
        misses = [i for i, values in active if row[i] not in values]
        if len(misses) > 1:
            continue
        n = row[-1]
        if not misses:
            total += n
            for i, name in enumerate(groups):
                counts[name][row[i]] += n
        else:
            miss = misses[0]
            counts[groups[miss]][row[miss]] += n
    return counts, total


def _facets(open_jobs, edition, terms, selected, fuzzy):
    """(counts, total, nothing matched the text): summed from the cached combinations, and
    the sums themselves cached per selection of filters."""
    key = _cache_key(edition, terms, fuzzy)
    chosen = sorted((name, sorted(map(str, values))) for name, values in selected.items())
    summed_key = key + ":" + sha256(repr(chosen).encode()).hexdigest()[:32]
    summed = cache.get(summed_key)
    if summed is None:
        text = " ".join(terms) if fuzzy else None
        combos = _combinations(open_jobs.filter(text_filter(terms, text)), key)
        counts, total = facet_counts(combos, selected)
        summed = ({name: dict(c) for name, c in counts.items()}, total, not combos)
        cache.set(summed_key, summed, FACET_CACHE_SECONDS)
    counts, total, empty = summed
    return {name: Counter(c) for name, c in counts.items()}, total, empty


def _cache_key(edition, terms, fuzzy):
    digest = sha256("\x1f".join(terms).encode()).hexdigest()[:32]
    return f"jobs:facets:v1:{edition.pk}:{int(fuzzy)}:{digest}"


def search(edition, filterset, text="", sort="relevance", page=1) -> SearchResult:
    """One page of open jobs of `edition` matching `text` and the filters of `filterset`
    (a bound jobs.filters.JobSearchFilter over Job.objects.open()), with facet counts."""
    terms = query_terms(clean_query(text))
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and not terms:
        sort = "newest"
    open_jobs = Job.objects.open().filter(edition=edition)
    selected = filterset.selected()

    fuzzy = False
    counts, total, empty = _facets(open_jobs, edition, terms, selected, fuzzy=False)
    if terms and use_postgres() and empty:
        # Nothing matched the words: try the title's trigrams (typos).
        fuzzy = True
        _set_fuzzy_threshold()
        counts, total, empty = _facets(open_jobs, edition, terms, selected, fuzzy=True)

    matches = filterset.filter_queryset(
        open_jobs.filter(text_filter(terms, " ".join(terms) if fuzzy else None))
    )
    pages = max(1, -(-total // PER_PAGE))
    bounded = False
    if sort == "relevance" and use_postgres():
        if fuzzy:
            ordered = matches.annotate(
                similarity=Func(Value(" ".join(terms)), F("title"), function="word_similarity")
            ).order_by("-similarity", "-published_at", "-id")
        else:
            bounded = total > CANDIDATES
            if bounded:
                pages = min(pages, CANDIDATES // PER_PAGE)
            candidates = matches.order_by("-published_at", "-id").values("pk")[:CANDIDATES]
            query = SearchQuery(tsquery_text(terms), search_type="raw", config="english")
            ordered = (
                Job.objects.filter(pk__in=Subquery(candidates))
                .annotate(rank=SearchRank(F("search_vector"), query, normalization=Value(1)))
                .order_by("-rank", "-published_at", "-id")
            )
            # Rank ids only, then join the page's 20 rows (not all candidates) for display.
            start = (min(max(1, page), pages) - 1) * PER_PAGE
            ids = list(ordered.values_list("pk", flat=True)[start : start + PER_PAGE])
            by_id = {
                job.pk: job
                for job in Job.objects.filter(pk__in=ids)
                .select_related("company", "sector")
                .defer("search_vector", "description")
            }
            ordered = None
            ranked = [by_id[pk] for pk in ids if pk in by_id]
    elif sort == "deadline":
        ordered = matches.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
    else:
        ordered = matches.order_by("-published_at", "-id")
    page = min(max(1, page), pages)
    start = (page - 1) * PER_PAGE
    if ordered is None:
        jobs = ranked
    else:
        jobs = list(
            ordered.select_related("company", "sector").defer("search_vector", "description")[
                start : start + PER_PAGE
            ]
        )
    return SearchResult(
        jobs=jobs,
        total=total,
        page=page,
        pages=pages,
        facets={name: Facet(name, counts[name], selected.get(name, set())) for name, _c in FACETS},
        fuzzy=fuzzy,
        terms=terms,
        bounded=bounded,
    )


def _set_fuzzy_threshold():
    """Typos in short words leave few shared trigrams: 0.4 rather than pg_trgm's 0.6."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [FUZZY_THRESHOLD],
        )


def sort_choices():
    from django.utils.translation import gettext_lazy as _

    return [("relevance", _("Best match")), ("newest", _("Newest")), ("deadline", _("Deadline"))]
