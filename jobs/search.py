"""Job search over the open jobs of an edition.

On PostgreSQL
-------------
The search reads narrow side tables kept in step with jobs_job by triggers (migration 0003),
never the 2 KB job rows themselves, except for the page's 20 rows and for ranking at most
CANDIDATES of them:

- `jobs_jobfacet`: one row per published job (edition, company, its facet combination,
  published_at, deadline and `terms`, its search vector stripped of positions and weights,
  stored uncompressed) with a GIN index on `terms`, and btree indexes to walk by newest or
  deadline. Checking a row against a query costs no decompression, so the planner may walk a
  date index or use the GIN bitmap, and either is cheap.
- `jobs_facetcombo`: the distinct combinations of facet values, so counting groups by one
  integer.
- `jobs_searchword`: the words of titles and skills, for typos.
- `jobs_facetcount` (migration 0005): published jobs per facet value, for every job ('') and
  for each tallied term, kept by a trigger; `jobs_tallyterm`: the tallied terms, the prefix
  queries of the words of at least TALLY_MIN_JOBS jobs (refresh_tally_terms, Celery beat).

- Text: the visitor's words are reduced to plain word characters, at most MAX_TERMS of them,
  and each becomes a prefix term (`'engin':*`), all AND-ed: partial words match and nothing a
  visitor types can break the tsquery syntax. The stored vector weighs title A, company name
  and skills B, description C (migration 0002).
- Typos: when the words match nothing, each word that starts no known title or skill word is
  replaced by the most similar one (trigrams over `jobs_searchword`: "enginere" -> "engineer")
  and the search runs again with the corrected words; the page says which.
- Ranking is bounded (docs/performance.md: ranking cost grows with the matches): only the newest
  CANDIDATES matches are ranked with ts_rank on the weighted vector, in one statement that
  returns the page's ids. Sorting by newest or deadline walks an index and ranks nothing.
- Facets with no filter or company, for no text or one tallied word (the landing page and the
  first page of most searches; common words are the expensive ones to count): read from
  `jobs_facetcount`, less the jobs past their deadline (summed per value in one GROUPING SETS
  pass over their combinations), in one statement (a few hundred rows where counting read tens
  of thousands). For one word that statement also holds the counting below, which runs only
  when the word is not tallied: one round trip either way. Otherwise:
- Facets: one statement counts the matching jobs per facet combination (GROUP BY one integer
  over the narrow table; without text, the published jobs per combination from
  `jobs_facettally`, whose rows carry their combination's values (migration 0006), with the
  jobs past their deadline as negative rows), then per value of each group in one GROUPING SETS
  pass: the jobs passing every filter, plus those missing only that group's filter (so the
  alternatives inside a group keep their counts). With text or a company the same statement
  also reads the first page's ids from the same matches (the GIN index is read once). The
  counts are cached for FACET_CACHE_SECONDS per text, company and selection, and so is each
  page's list of ids; the landing page's counts are refreshed into the cache every minute by
  jobs.tasks.refresh_search_facets (Celery beat), so no visitor waits for them.

A page is always the same number of queries: facets (on a cache miss: one statement, which
for a text or company search also reads the first page), then one for the page's ids (unless
read with the facets) and one for its rows; a typo adds the correction and a second facet
count.

On SQLite (the embedded `make run`): every word must appear (icontains) in the title, skills,
description or company name, so a Chinese word matches inside Chinese text; a word that matches
nothing is corrected to the closest title or skill word of the open jobs (difflib, the word list
cached for WORD_LIST_SECONDS) and the search runs again, as on PostgreSQL; relevance is newest
first; facets are counted with the ORM.

Chinese: a run of Chinese characters in a query is a word of its own; on PostgreSQL it matches
through the overlapping character pairs the job's vector holds (migration 0004).
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from hashlib import sha256

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Job

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 40
CANDIDATES = 300
PER_PAGE = 20
FACET_CACHE_SECONDS = 60
FETCH_ALL_BELOW = 10_000  # matches read all through the GIN index, rather than a date walk
TYPO_SIMILARITY = 0.25  # trigram similarity of a typo to a known word ("pyhton" ~ "python")
# A word of at least this many published jobs gets its facet counts kept (jobs_facetcount):
# counting fewer matches and summing their combinations takes a few milliseconds.
TALLY_MIN_JOBS = 5_000
WORD = re.compile(r"\w+")
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{_IDEOGRAPHS}]+")
CJK_OR_NOT = re.compile(f"[{_IDEOGRAPHS}]+|[^{_IDEOGRAPHS}]+")
TYPO_CUTOFF = 0.75  # difflib ratio of a typo to a known word on SQLite ("pyhton" ~ "python")
WORD_LIST_SECONDS = 300

# (facet group, column of jobs_facetcombo / ORM path of the portable GROUP BY)
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
COMBO_COLUMNS = [column.replace("company__", "") for _name, column in FACETS]
SORTS = ("relevance", "newest", "deadline")


def clean_query(raw) -> str:
    """What we keep of a visitor's search text: no control characters, at most
    MAX_QUERY_CHARS, whitespace collapsed."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw or "")[: MAX_QUERY_CHARS * 4])
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def query_terms(text) -> list[str]:
    """The words of a query, lower-cased; a run of Chinese characters is a word of its own
    ("C語言" is "c" and "語言"), since Chinese is written without spaces."""
    terms = []
    for word in WORD.findall(text):
        terms += CJK_OR_NOT.findall(word[:MAX_TERM_CHARS].lower())
    return terms[:MAX_TERMS]


def is_chinese(term) -> bool:
    return bool(CJK.match(term))


def _term_query(term) -> str:
    """One word as tsquery: a prefix term, or for Chinese the AND of its overlapping pairs of
    characters (the job's vector holds the pairs of its Chinese text: migration 0004)."""
    if is_chinese(term) and len(term) > 1:
        pairs = dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1))
        return "(" + " & ".join(f"'{pair}'" for pair in pairs) + ")"
    return f"'{term}':*"


def tsquery_text(terms) -> str:
    """A to_tsquery() string from word characters only: `'data':* & 'scien':*`, Chinese as
    pairs: `('嵌入' & '入式')`."""
    return " & ".join(_term_query(term) for term in terms)


def use_postgres():
    return connection.vendor == "postgresql"


@dataclass
class Facet:
    name: str
    counts: Counter
    selected: set


@dataclass
class SearchResult:
    ids: list  # of the page's jobs, in order
    jobs: list  # the page's jobs (read lazily on PostgreSQL)
    total: int
    page: int
    pages: int
    facets: dict = field(default_factory=dict)
    fuzzy: bool = False  # the words matched nothing; `terms` are the corrected words
    terms: list = field(default_factory=list)
    typed: list = field(default_factory=list)  # the words as typed, when corrected
    bounded: bool = False  # relevance ranked only the newest CANDIDATES matches
    candidates: int = CANDIDATES


def facet_counts(combos, selected):
    """({group: Counter(value -> jobs)}, total) from the combinations, each group counted with
    every other group's selection applied."""
    groups = [name for name, _column in FACETS]
    active = [(i, selected[name]) for i, name in enumerate(groups) if selected.get(name)]
    sums = [{} for _ in groups]
    total = 0
    if not active:
        # Marginals: one tight loop per group.
        for i, counts in enumerate(sums):
            get = counts.get
            for row in combos:
                value = row[i]
                counts[value] = get(value, 0) + row[-1]
        total = sum(row[-1] for row in combos)
    else:
        for row in combos:
            miss = -1
            for i, values in active:
                if row[i] not in values:
                    if miss >= 0:
                        break
                    miss = i
            else:
                n = row[-1]
                if miss < 0:
                    total += n
                    for i, counts in enumerate(sums):
                        counts[row[i]] = counts.get(row[i], 0) + n
                else:
                    counts = sums[miss]
                    counts[row[miss]] = counts.get(row[miss], 0) + n
    return {name: Counter(sums[i]) for i, name in enumerate(groups)}, total


# --- PostgreSQL ----------------------------------------------------------------------------
# The SQL below is assembled from constant fragments and the column names of COMBO_COLUMNS
# only; every value (text, filters, dates) is a query parameter (hence the S608 exemptions).
def _match_sql(edition_id, now, terms, company, alias="f"):
    """WHERE clause (and params) of the open, matching rows of jobs_jobfacet."""
    sql = [f"{alias}.edition_id = %s", f"({alias}.deadline IS NULL OR {alias}.deadline > %s)"]
    params = [edition_id, now]
    if terms:
        sql.append(f"{alias}.terms @@ to_tsquery('english', %s)")
        params.append(tsquery_text(terms))
    if company:
        sql.append(f"{alias}.company_id = (SELECT id FROM booths_company WHERE slug = %s)")  # noqa: S608
        params.append(company)
    return " AND ".join(sql), params


def _filter_sql(selected, alias="f"):
    """The chosen facet values as a condition on the row's combination."""
    conditions, params = [], []
    for name, column in zip((name for name, _c in FACETS), COMBO_COLUMNS, strict=True):
        values = selected.get(name)
        if not values:
            continue
        if values == {True}:
            conditions.append(f"c.{column}")
        else:
            conditions.append(f"c.{column} = ANY(%s)")
            params.append(sorted(values))
    if not conditions:
        return "", []
    sql = f" AND {alias}.combo_id IN (SELECT c.id FROM jobs_facetcombo c WHERE "  # noqa: S608
    return sql + " AND ".join(conditions) + ")", params


# (group number, value as text) of a combination c, in FACETS order; 9 = the total.
GROUP_VALUES = """(VALUES (0, c.sector_id::text), (1, c.is_tech_rd::text), (2, c.level),
    (3, c.min_education), (4, c.employment_type), (5, c.location), (6, c.programme),
    (7, c.open_to_overseas::text), (8, c.open_to_gba::text), (9, '')) AS g(grp, value)"""
TOTAL_GROUP = 9


def count_terms_sql(job_filter="TRUE", term_filter="TRUE"):
    """INSERT of the facet counts of the published jobs passing `job_filter` (on f, a row of
    jobs_jobfacet) under '' and under each tallied term passing `term_filter` (on t), added to
    what jobs_facetcount holds: what its trigger does row by row, set-based."""
    return (
        "INSERT INTO jobs_facetcount AS fc (edition_id, term, grp, value, n) "  # noqa: S608
        "SELECT p.edition_id, p.term, g.grp, g.value, sum(p.n) FROM ("
        "SELECT f.edition_id, t.term, f.combo_id, count(*) AS n FROM jobs_jobfacet f "
        "JOIN (SELECT '' AS term, NULL::tsquery AS query "
        "UNION ALL SELECT term, query FROM jobs_tallyterm) t "
        f"ON t.query IS NULL OR f.terms @@ t.query WHERE ({job_filter}) AND ({term_filter}) "
        "GROUP BY 1, 2, 3) p JOIN jobs_facetcombo c ON c.id = p.combo_id "
        f"CROSS JOIN LATERAL {GROUP_VALUES} GROUP BY 1, 2, 3, 4 "
        "ON CONFLICT (edition_id, term, grp, value) DO UPDATE SET n = fc.n + EXCLUDED.n"
    )


# The prefix query of each word of at least %s published jobs, as a visitor's word becomes
# ('data':*); words of letters and digits only, no Chinese (searched by character pairs).
WANTED_TERMS = r"""
    SELECT '''' || word || ''':*' FROM ts_stat('SELECT terms FROM jobs_jobfacet')
     WHERE ndoc >= %s AND word ~ '^\w+$' AND word !~ '[\u3400-\u9fff\uf900-\ufaff]'
"""


def refresh_tally_terms(min_jobs=TALLY_MIN_JOBS):
    """Keep facet counts for exactly the words of at least `min_jobs` published jobs: count
    the new ones, drop the others (Celery beat, hourly: jobs.tasks.refresh_search_terms). Holds
    off job writes while it counts (a SHARE lock on jobs_jobfacet), so no job is counted twice
    or missed. Returns (terms added, terms dropped)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE jobs_jobfacet IN SHARE MODE")
        cursor.execute(WANTED_TERMS, [min_jobs])
        wanted = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "DELETE FROM jobs_tallyterm WHERE NOT term = ANY(%s) RETURNING term", [wanted]
        )
        dropped = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM jobs_facetcount WHERE term = ANY(%s)", [dropped])
        cursor.execute(
            "INSERT INTO jobs_tallyterm (term, query) SELECT term, term::tsquery "
            "FROM unnest(%s::text[]) AS term ON CONFLICT DO NOTHING RETURNING term",
            [wanted],
        )
        added = [row[0] for row in cursor.fetchall()]
        if added:
            cursor.execute(count_terms_sql(term_filter="t.term = ANY(%s)"), [added])
    if added or dropped:
        # The kept counts changed a lot: fresh planner statistics now rather than when
        # autovacuum comes round (right after the first choice, the landing page's facet query
        # ran on plans for the old table: 60 ms of PostgreSQL CPU instead of 3).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE jobs_facetcount")
    return len(added), len(dropped)


def _kept_sql(edition_id, terms, now):
    """(CTEs, params) defining `kept` (the kept counts of this text, no rows when they are not
    kept) and `kept_rows` (grp, value, n): those less the jobs past their deadline."""
    text = tsquery_text(terms)
    columns = ", ".join(f"c.{column}" for column in COMBO_COLUMNS)
    as_text = ", ".join(f"c.{column}::text" for column in COMBO_COLUMNS)
    sets = ", ".join(f"(c.{column})" for column in COMBO_COLUMNS)
    # GROUPING() has bit (8 - i) set when column i is not grouped.
    everything = (1 << len(COMBO_COLUMNS)) - 1
    groups = " ".join(
        f"WHEN {everything ^ (1 << (len(COMBO_COLUMNS) - 1 - i))} THEN {i}"
        for i in range(len(COMBO_COLUMNS))
    )
    sql = (
        "k AS (SELECT CASE WHEN %s = '' THEN '' "  # noqa: S608
        "ELSE nullif(to_tsquery('english', %s)::text, '') END AS term), "
        "kept AS (SELECT fc.grp, fc.value, fc.n FROM jobs_facetcount fc, k "
        "WHERE fc.edition_id = %s AND fc.term = k.term), "
        # The few jobs past their deadline, read by the deadline index (OFFSET 0: never
        # through the GIN index, costly for a common word), then matched, per combination;
        # then per value of each group in one pass (GROUPING SETS).
        "gone AS MATERIALIZED (SELECT g.combo_id, count(*) AS n FROM (SELECT f.combo_id, "
        "f.terms FROM jobs_jobfacet f WHERE EXISTS (SELECT FROM kept) AND f.edition_id = %s "
        "AND f.deadline <= %s OFFSET 0) g "
        "WHERE %s = '' OR g.terms @@ to_tsquery('english', %s) GROUP BY 1), "
        f"past AS (SELECT CASE GROUPING({columns}) {groups} ELSE {TOTAL_GROUP} END AS grp, "
        f"coalesce({as_text}, '') AS value, sum(p.n) AS n FROM gone p "
        "CROSS JOIN LATERAL (SELECT * FROM jobs_facetcombo c WHERE c.id = p.combo_id "
        f"OFFSET 0) c GROUP BY GROUPING SETS ({sets}, ())), "
        "kept_rows AS (SELECT kept.grp, kept.value, (kept.n - coalesce(past.n, 0))::int AS n "
        "FROM kept LEFT JOIN past USING (grp, value))"
    )
    return sql, [text, text, edition_id, edition_id, now, text, text]


def _kept_counts(rows):
    """(counts, total, nothing matched) from rows of kept_rows."""
    groups = [name for name, _c in FACETS]
    counts = {name: {} for name in groups}
    total = 0
    for grp, value, n in rows:
        if grp == TOTAL_GROUP:
            total = int(n)
        elif n > 0:
            counts[groups[grp]][_typed(groups[grp], value)] = int(n)
    return counts, total, not total


def pg_kept_facets(edition_id, terms=(), now=None):
    """(counts, total, nothing matched) of the open jobs matching `terms` (none, or one
    tallied word) from jobs_facetcount, less the jobs past their deadline; None when the
    counts are not kept for this text."""
    ctes, params = _kept_sql(edition_id, terms, now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT grp, value, n FROM kept_rows", params)  # noqa: S608
        rows = cursor.fetchall()
    return _kept_counts(rows) if rows else None


def _keeps_counts_for(terms) -> bool:
    """Whether jobs_facetcount may hold this text's counts: no text, or one word that is not
    Chinese (refresh_tally_terms tallies single prefix queries of words of letters and digits),
    so two words or a Chinese word cost no look-up."""
    return not terms or (len(terms) == 1 and not is_chinese(terms[0]))


def pg_facets(edition_id, terms=(), company=None, selected=None, now=None, page_sort=None):
    """({group: {value: jobs}}, total, nothing matched the text[, first page's ids]): kept ahead
    when there is no filter or company and the text is none or one tallied word
    (pg_kept_facets); otherwise in one statement: the open jobs matching `terms` (and
    `company`) counted per combination of facet values (GROUP BY one integer), or for no text
    the published jobs per combination (jobs_facettally) less those past their deadline; then,
    over those few thousand combinations, each group's values counted with the other groups'
    selections applied and its own left out.

    With `page_sort` ("relevance", "newest" or "deadline"), a text or company search also
    returns the ids of its first page, read from the same matches in the same statement (the
    matching rows are found once instead of twice); None where it does not (kept counts, no
    text: the caller reads the page with _pg_page_ids)."""
    selected = selected or {}
    now = now or timezone.now()
    kept_ctes, kept_params = "", []
    if not company and not any(selected.values()) and _keeps_counts_for(terms):
        if not terms:  # the landing page: kept for every edition
            kept = pg_kept_facets(edition_id, terms, now)
            if kept is not None:
                return (*kept, None) if page_sort else kept
        else:  # one word: its kept counts if any, else counted, in the same statement
            kept_ctes, kept_params = _kept_sql(edition_id, terms, now)
            kept_ctes += ", "
    where, params = _match_sql(edition_id, now, terms, company)
    if kept_ctes:
        where = f"NOT EXISTS (SELECT FROM kept) AND {where}"
        params = kept_params + params
    groups = [name for name, _c in FACETS]
    tests, test_params = [], []
    for i, (name, column) in enumerate(zip(groups, COMBO_COLUMNS, strict=True)):
        values = selected.get(name)
        if not values:
            continue
        if values == {True}:
            tests.append((i, f"c.{column}"))
        else:
            tests.append((i, f"c.{column} = ANY(%s)"))
            test_params.append(sorted(values))
    columns = ", ".join(f"c.{column}" for column in COMBO_COLUMNS)
    if tests:
        misses = " + ".join(f"(NOT ({test}))::int" for _i, test in tests)
        missed = " ".join(f"WHEN NOT ({test}) THEN {i}" for i, test in tests)
        keep = f"({misses}) AS misses, CASE {missed} ELSE -1 END AS missed"
    else:
        misses, missed = "", ""
        keep = "0 AS misses, -1 AS missed"
    page_sql, page_params, head = "", [], ""
    if terms or company:
        page_sort = page_sort if page_sort in SORTS else None
        if page_sort:
            # The matches once, for the counts and for the first page (those passing every
            # filter: their combination has no miss).
            head = (
                "mt AS MATERIALIZED (SELECT f.job_id, f.published_at, f.deadline, f.combo_id "  # noqa: S608
                f"FROM jobs_jobfacet f WHERE {where}), "
            )
            per_combo = "SELECT combo_id, count(*) AS n FROM mt GROUP BY combo_id"
            # Without filters every match is on the page's list: no join.
            source = "mt JOIN m ON m.combo_id = mt.combo_id AND m.misses = 0" if tests else "mt"
            page_sql, page_params = _page_sql(source, "mt", page_sort, terms, 0)
        else:
            per_combo = (
                f"SELECT f.combo_id, count(*) AS n FROM jobs_jobfacet f WHERE {where} "  # noqa: S608
                "GROUP BY f.combo_id"
            )
        # The matches' combinations, a few hundred to a few thousand: looked up one by one in
        # the key's index (OFFSET 0 keeps the planner from hashing all 15,000 instead, about
        # twice the time at scale 35).
        combos = "CROSS JOIN LATERAL (SELECT * FROM jobs_facetcombo c WHERE c.id = s.combo_id "
        combos += "OFFSET 0) c"
        rows = f"SELECT c.id AS combo_id, {columns}, s.n, {keep} FROM s {combos}"  # noqa: S608
        # `keep` repeats the tests: their parameters are passed twice.
        params = params + test_params * 2
        matched = "SELECT -1, NULL, count(*), NULL, NULL FROM s"
    else:
        # No text: the published jobs per combination with its values (jobs_facettally,
        # kept by a trigger, migration 0006) less the few past their deadline (hashed, ~800
        # combinations at scale 35), instead of counting every job; only the combinations
        # missing at most one filter are read on.
        per_combo = ""
        rows = (
            f"SELECT c.combo_id, {columns}, c.n - coalesce(p.n, 0) AS n, {keep} "  # noqa: S608
            "FROM jobs_facettally c LEFT JOIN (SELECT f.combo_id, count(*) AS n "
            "FROM jobs_jobfacet f WHERE f.edition_id = %s AND f.deadline <= %s "
            "GROUP BY f.combo_id) p ON p.combo_id = c.combo_id "
            "WHERE c.edition_id = %s AND c.n <> 0"
        )
        params = [*test_params * 2, edition_id, now, edition_id]
        # Whether any job is open at all (the newest first, so the first row answers).
        matched = (
            "SELECT -1, NULL, count(*), NULL, NULL FROM (SELECT FROM jobs_jobfacet f "  # noqa: S608
            "WHERE f.edition_id = %s AND (f.deadline IS NULL OR f.deadline > %s) LIMIT 1) e"
        )
        page_params = [edition_id, now]
    grouped = ", ".join(COMBO_COLUMNS)
    as_text = ", ".join(f"{column}::text" for column in COMBO_COLUMNS)
    sets = ", ".join(f"({column})" for column in COMBO_COLUMNS)
    # Per value of each group: the jobs passing every filter, and those missing exactly one
    # group's filter (they count in that group only), in one pass.
    missed_at = ", ".join(f"sum(n) FILTER (WHERE missed = {i})" for i, _test in tests)
    missed_at = f"ARRAY[{missed_at}]" if tests else "NULL::numeric[]"
    sql = (
        f"WITH {kept_ctes}{head}"  # noqa: S608
        + (f"s AS MATERIALIZED ({per_combo}), " if per_combo else "")
        + f"m AS (SELECT * FROM ({rows}) x WHERE misses <= 1) "  # noqa: S608
        f"SELECT GROUPING({grouped}) AS g, coalesce({as_text}) AS v, "
        f"sum(n) FILTER (WHERE misses = 0), {missed_at}, NULL::bigint[] "
        f"FROM m GROUP BY GROUPING SETS ({sets}, ()) "
        f"UNION ALL {matched}"
        + (f" UNION ALL SELECT -2, NULL, NULL, NULL, ARRAY({page_sql})" if page_sql else "")
        + (" UNION ALL SELECT -100 - grp, value, n, NULL, NULL FROM kept_rows" if kept_ctes else "")
    )
    # GROUPING() has bit (8 - i) set when column i is not grouped: all set is the total.
    everything = (1 << len(groups)) - 1
    by_mask = {everything ^ (1 << (len(groups) - 1 - i)): i for i in range(len(groups))}
    tested = {i: k for k, (i, _test) in enumerate(tests)}
    counts = {name: {} for name in groups}
    total, matched, ids = 0, 0, None
    with connection.cursor() as cursor:
        cursor.execute(sql, params + page_params)
        rows = cursor.fetchall()
    kept = [(-100 - g, value, n) for g, value, n, _missed, _page in rows if g <= -100]
    if kept:  # nothing was counted: the word's counts are kept
        return (*_kept_counts(kept), None) if page_sort else _kept_counts(kept)
    for g, value, n, missed, page in rows:
        if g == -2:
            ids = list(page)
        elif g == -1:
            matched = int(n or 0)
        elif g == everything:
            total = int(n or 0)
        else:
            i = by_mask[g]
            n = int(n or 0) + (int(missed[tested[i]] or 0) if i in tested else 0)
            if n:  # not a combination whose jobs are all past their deadline
                counts[groups[i]][_typed(groups[i], value)] = n
    if page_sort:
        return counts, total, not matched, ids
    return counts, total, not matched


BOOLEAN_GROUPS = {"tech", "overseas", "gba"}


def _typed(group, text):
    """A facet value as the filters hold it (the SQL returns every value as text)."""
    if group in BOOLEAN_GROUPS:
        return text == "true"
    if group == "sector":
        return int(text)
    return text


def _page_sql(source, alias, sort, terms, start):
    """(SQL, params) of one page's job ids from `source` (rows of jobs_jobfacet, or of a set
    of them, named `alias`), in order: relevance ranks the newest CANDIDATES of them on the
    weighted vector of jobs_job; newest and deadline walk their order."""
    if sort == "relevance" and terms:
        sql = (
            f"SELECT j.id FROM (SELECT {alias}.job_id FROM {source} "  # noqa: S608
            f"ORDER BY {alias}.published_at DESC, {alias}.job_id DESC LIMIT %s) c "
            "JOIN jobs_job j ON j.id = c.job_id "
            "ORDER BY ts_rank(j.search_vector, to_tsquery('english', %s), 1) DESC, "
            "j.published_at DESC, j.id DESC LIMIT %s OFFSET %s"
        )
        return sql, [CANDIDATES, tsquery_text(terms), PER_PAGE, start]
    order = (
        f"{alias}.deadline ASC NULLS LAST, {alias}.published_at DESC, {alias}.job_id DESC"
        if sort == "deadline"
        else f"{alias}.published_at DESC, {alias}.job_id DESC"
    )
    sql = f"SELECT {alias}.job_id FROM {source} ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
    return sql, [PER_PAGE, start]


def _pg_page_ids(edition_id, now, terms, company, selected, sort, start, total):
    """The ids of one page, in order. `total` (known exactly from the facets) decides how the
    matches are read: few of them (a rare word, narrow filters) are all fetched through the
    GIN index and sorted, many are found by walking the date index newest first, which soon
    meets enough of them. PostgreSQL's own estimate of a word's matches varies with its
    sample, and a walk that meets 1 match in 40 rows costs more than the whole bitmap."""
    where, params = _match_sql(edition_id, now, terms, company)
    extra, extra_params = _filter_sql(selected)
    where += extra
    params += extra_params
    if terms and total <= FETCH_ALL_BELOW:
        matches = f"SELECT f.job_id, f.published_at, f.deadline FROM jobs_jobfacet f WHERE {where}"  # noqa: S608
        sql, page_params = _page_sql("m", "m", sort, terms, start)
        sql = f"WITH m AS MATERIALIZED ({matches}) {sql}"
    else:
        sql, page_params = _page_sql(f"jobs_jobfacet f WHERE {where}", "f", sort, terms, start)
    with connection.cursor() as cursor:
        cursor.execute(sql, params + page_params)
        return [row[0] for row in cursor.fetchall()]


def _corrected(terms):
    """Each word that starts no known title or skill word, replaced by the most similar one."""
    sql = """
        SELECT coalesce(
          (SELECT t.term FROM jobs_searchword w WHERE starts_with(w.word, t.term) LIMIT 1),
          (SELECT w.word FROM jobs_searchword w
            WHERE abs(length(w.word) - length(t.term)) <= 3
              AND similarity(w.word, t.term) >= %s
            ORDER BY similarity(w.word, t.term) DESC, w.word LIMIT 1),
          t.term)
        FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, i) ORDER BY t.i
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [TYPO_SIMILARITY, list(terms)])
        return [row[0] for row in cursor.fetchall()]


# --- Both ----------------------------------------------------------------------------------
def _cache_key(edition, terms, company, selected):
    chosen = sorted((name, sorted(map(str, values))) for name, values in selected.items() if values)
    text = "\x1f".join([company or "", *terms, repr(chosen)])
    return f"jobs:facets:v2:{edition.pk}:{sha256(text.encode()).hexdigest()[:40]}"


def _portable_facets(edition, terms, company, selected):
    base = Job.objects.open().filter(edition=edition).filter(text_filter(terms))
    if company:
        base = base.filter(company__slug=company)
    rows = base.order_by().values_list(*[c for _n, c in FACETS]).annotate(n=Count("pk"))
    combos = [tuple(row) for row in rows]
    counts, total = facet_counts(combos, selected)
    return counts, total, not combos


def _facets(edition, terms, company, selected, refresh=False, page_sort=None, pending=None):
    """(counts, total, nothing matched the text at all, first page) for this text, company and
    selection of filters: from the cache, else counted and cached for FACET_CACHE_SECONDS
    (into `pending`, {key: value}, when given: the caller stores them all in one round trip).
    With `page_sort` (PostgreSQL), "first page" is the ids of the first page in that order,
    read from the cache with the counts, or by the same statement that counts (pg_facets);
    None when neither had them."""
    key = _cache_key(edition, terms, company, selected)
    page_key = f"{key}:{page_sort}:0"
    first_page = None
    if refresh:
        summed = None
    elif page_sort:
        found = cache.get_many([key, page_key])
        summed, first_page = found.get(key), found.get(page_key)
    else:
        summed = cache.get(key)
    if summed is None:
        if use_postgres():
            summed = pg_facets(edition.pk, terms, company, selected, page_sort=page_sort)
            if page_sort and summed[3] is not None:
                first_page = summed[3]
                if pending is not None:
                    pending[page_key] = first_page
        else:
            summed = _portable_facets(edition, terms, company, selected)
        summed = ({name: dict(c) for name, c in summed[0].items()}, summed[1], summed[2])
        if pending is not None:
            pending[key] = summed
        else:
            cache.set(key, summed, FACET_CACHE_SECONDS + (30 if refresh else 0))
    counts, total, empty = summed
    return {name: Counter(c) for name, c in counts.items()}, total, empty, first_page


def refresh_facets(edition):
    """Recount the facets of `edition`'s job search without text or filters into the cache
    (kept a little longer than the beat's minute): what Celery beat runs every minute."""
    return _facets(edition, [], None, {}, refresh=True)[1]


def _portable_words(edition) -> dict[str, int]:
    """{word: jobs using it} over the titles and skills of `edition`'s open jobs: SQLite's
    counterpart of jobs_searchword, cached for WORD_LIST_SECONDS."""
    key = f"jobs:words:v1:{edition.pk}"
    words = cache.get(key)
    if words is None:
        counter = Counter()
        rows = Job.objects.open().filter(edition=edition).values_list("title", "skills")
        for title, skills in rows.iterator(chunk_size=2000):
            text = f"{title} {skills}".lower()
            counter.update({w for w in WORD.findall(text) if len(w) >= 3 and not CJK.search(w)})
        words = dict(counter)
        cache.set(key, words, WORD_LIST_SECONDS)
    return words


def _portable_corrected(edition, terms):
    """Each word that starts no known title or skill word, replaced by the closest one
    (difflib's ratio, at least TYPO_CUTOFF; the more common word wins a tie)."""
    words = _portable_words(edition)
    corrected = []
    for term in terms:
        if is_chinese(term) or any(word.startswith(term) for word in words):
            corrected.append(term)
            continue
        close = difflib.get_close_matches(term, words, n=5, cutoff=TYPO_CUTOFF)
        scored = [
            (round(difflib.SequenceMatcher(None, term, word).ratio(), 2), words[word], word)
            for word in close
        ]
        corrected.append(max(scored)[2] if scored else term)
    return corrected


def text_filter(terms) -> Q:
    """The portable (SQLite) text condition: every word somewhere in the job."""
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(skills__icontains=term)
            | Q(description__icontains=term)
            | Q(company__name__icontains=term)
        )
    return condition


def search(edition, filterset, text="", sort="relevance", page=1) -> SearchResult:
    """One page of open jobs of `edition` matching `text` and the filters of `filterset`
    (a bound jobs.filters.JobSearchFilter), with facet counts."""
    terms = query_terms(clean_query(text))
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and not terms:
        sort = "newest"
    selected = filterset.selected()  # validates the form
    company = filterset.form.cleaned_data.get("company") or None

    typed, fuzzy = [], False
    # A first page is read with the facets: from the cache in the same round trip, or when they
    # are counted, in the same statement (one pass over the matches).
    page_sort = sort if use_postgres() and page <= 1 else None
    pending = {}  # what this request adds to the cache, stored at the end in one round trip
    counts, total, empty, first_page = _facets(
        edition, terms, company, selected, page_sort=page_sort, pending=pending
    )
    if terms and empty:
        text_key = "\x1f".join([str(edition.pk), *terms])
        typo_key = "jobs:typo:v2:" + sha256(text_key.encode()).hexdigest()[:40]
        corrected = cache.get(typo_key)
        if corrected is None:
            if use_postgres():
                corrected = _corrected(terms)
            else:
                corrected = _portable_corrected(edition, terms)
            # Chinese words are kept as typed: similarity of spelling means nothing there.
            corrected = [t if is_chinese(t) else c for t, c in zip(terms, corrected, strict=True)]
            pending[typo_key] = corrected
        if corrected != terms:
            typed, terms, fuzzy = terms, corrected, True
            counts, total, empty, first_page = _facets(
                edition, terms, company, selected, page_sort=page_sort, pending=pending
            )

    pages = max(1, -(-total // PER_PAGE))
    bounded = sort == "relevance" and total > CANDIDATES
    if bounded:
        pages = max(1, min(pages, CANDIDATES // PER_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * PER_PAGE

    if use_postgres():
        # The same page of the same search is the same for everyone: kept as long as its facets.
        ids_key = f"{_cache_key(edition, terms, company, selected)}:{sort}:{start}"
        ids = first_page if start == 0 else None
        if ids is None and not (page_sort and start == 0):  # else the cache was asked already
            ids = cache.get(ids_key)
        if ids is None:
            now = timezone.now()
            ids = _pg_page_ids(edition.pk, now, terms, company, selected, sort, start, total)
            pending[ids_key] = ids

        def rows(ids=ids):
            by_id = {
                job.pk: job
                for job in Job.objects.filter(pk__in=ids)
                .select_related("company", "sector")
                .defer("search_vector", "description")
            }
            return [by_id[pk] for pk in ids if pk in by_id]

        # Read only if a card is not in the cache (jobs.presenters.job_cards).
        jobs = SimpleLazyObject(rows)
    else:
        matches = Job.objects.open().filter(edition=edition).filter(text_filter(terms))
        matches = filterset.filter_queryset(matches)
        if sort == "deadline":
            matches = matches.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
        else:
            matches = matches.order_by("-published_at", "-id")
        jobs = list(
            matches.select_related("company", "sector").defer("search_vector", "description")[
                start : start + PER_PAGE
            ]
        )
    if pending:
        cache.set_many(pending, FACET_CACHE_SECONDS)
    return SearchResult(
        ids=ids if use_postgres() else [job.pk for job in jobs],
        jobs=jobs,
        total=total,
        page=page,
        pages=pages,
        facets={name: Facet(name, counts[name], selected.get(name, set())) for name, _c in FACETS},
        fuzzy=fuzzy,
        terms=terms,
        typed=typed,
        bounded=bounded,
    )


def sort_choices():
    from django.utils.translation import gettext_lazy as _

    return [("relevance", _("Best match")), ("newest", _("Newest")), ("deadline", _("Deadline"))]
