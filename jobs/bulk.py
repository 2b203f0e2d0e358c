"""Loading many jobs at once (seed_demo, imports of thousands of rows) with the search upkeep
done set-based afterwards.

Every job row normally runs three triggers (migrations 0002 and 0003): its weighted search
vector, its row in jobs_jobfacet (with the combination of facet values and the words of its
title and skills for typo correction), and the tally of its combination. The last two, PL/pgSQL
row by row, are most of the cost of inserting 100,000 jobs. Inside `deferred_search_upkeep()`
they are disabled (ALTER TABLE is transactional in PostgreSQL: a failure restores them with the
rollback) and on the way out the same results are computed for the new rows in a few
statements, then the triggers are enabled again. On other databases it does nothing.

With `rebuild_indexes=True` (seed_demo: 100,000 jobs into a fresh table) the secondary indexes
of jobs_job and jobs_jobfacet are dropped first and built again at the end: building each GIN
index (search vectors, title trigrams, facet terms) from all rows at once takes 2-3 s, less
than growing it row by row (about 14 s of a 97 s load at scale 35 on the shared 2 cores). The
DROP takes an exclusive lock on both tables until the transaction ends, so this is for loads
that bring most of the rows, not for an import into a live expo.
"""

import contextlib

from django.db import connection, transaction

from .search import count_terms_sql

# The facet values of a combination, copied onto its tally rows (migration 0006).
COMBO_VALUES = (
    "sector_id, is_tech_rd, level, min_education, employment_type, location, programme, "
    "open_to_overseas, open_to_gba"
)

# The search vector's BEFORE trigger stays: it fills the row as it is written, where setting it
# afterwards would write every row (and all its indexes) twice.
JOB_TRIGGERS = ("jobs_job_facet_insert_delete", "jobs_job_facet_update")
FACET_TRIGGERS = ("jobs_jobfacet_tally_insert_delete", "jobs_jobfacet_count_insert_delete")

# The same results as the triggers of migrations 0003, 0005 and 0006, for the jobs with
# id > %(after)s.
CATCH_UP = [
    """
    INSERT INTO jobs_facetcombo (sector_id, is_tech_rd, level, min_education, employment_type,
        location, programme, open_to_overseas, open_to_gba)
    SELECT DISTINCT j.sector_id, j.is_tech_rd, j.level, j.min_education, j.employment_type,
        j.location, coalesce(c.programme, ''), j.open_to_overseas, j.open_to_gba
      FROM jobs_job j JOIN booths_company c ON c.id = j.company_id
     WHERE j.id > %(after)s AND j.status = 'published'
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO jobs_jobfacet (job_id, edition_id, company_id, combo_id, published_at, deadline,
        terms)
    SELECT j.id, j.edition_id, j.company_id, fc.id, j.published_at, j.deadline,
        strip(coalesce(j.search_vector, ''::tsvector))
      FROM jobs_job j
      JOIN booths_company c ON c.id = j.company_id
      JOIN jobs_facetcombo fc ON (fc.sector_id, fc.is_tech_rd, fc.level, fc.min_education,
          fc.employment_type, fc.location, fc.programme, fc.open_to_overseas, fc.open_to_gba)
        = (j.sector_id, j.is_tech_rd, j.level, j.min_education, j.employment_type, j.location,
          coalesce(c.programme, ''), j.open_to_overseas, j.open_to_gba)
     WHERE j.id > %(after)s AND j.status = 'published'
    """,
    f"""
    INSERT INTO jobs_facettally AS t (edition_id, combo_id, n, {COMBO_VALUES})
    SELECT p.edition_id, p.combo_id, p.n, {COMBO_VALUES}
      FROM (SELECT edition_id, combo_id, count(*) AS n FROM jobs_jobfacet
             WHERE job_id > %(after)s GROUP BY edition_id, combo_id) p
      JOIN jobs_facetcombo c ON c.id = p.combo_id
    ON CONFLICT (edition_id, combo_id) DO UPDATE SET n = t.n + EXCLUDED.n
    """,  # noqa: S608
    """
    INSERT INTO jobs_searchword (word)
    SELECT DISTINCT w FROM jobs_job j,
        regexp_split_to_table(lower(coalesce(j.title, '') || ' ' || coalesce(j.skills, '')),
            '[^[:alnum:]]+') AS w
     WHERE j.id > %(after)s AND j.status = 'published' AND length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING
    """,
    count_terms_sql(job_filter="f.job_id > %(after)s"),
]


def _alter(cursor, table, triggers, action):
    # ALTER TABLE refuses while deferred checks (Django's foreign keys) are pending: run them.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for trigger in triggers:
        cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# The indexes that only speed up reads (not primary keys, unique or exclusion constraints), with
# the statements that create them again.
SECONDARY_INDEXES = """
    SELECT c.relname, pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""
REBUILT_TABLES = ["jobs_job", "jobs_jobfacet"]


def _drop_secondary_indexes(cursor):
    cursor.execute(SECONDARY_INDEXES, [REBUILT_TABLES])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


@contextlib.contextmanager
def deferred_search_upkeep(rebuild_indexes=False):
    """Insert jobs inside; their search vectors, facet rows, tallies and typo words are
    computed set-based on the way out (in the caller's transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM jobs_job")
        after = cursor.fetchone()[0]
        _alter(cursor, "jobs_job", JOB_TRIGGERS, "DISABLE")
        _alter(cursor, "jobs_jobfacet", FACET_TRIGGERS, "DISABLE")
        rebuild = _drop_secondary_indexes(cursor) if rebuild_indexes else []
        yield
        for statement in CATCH_UP:
            cursor.execute(statement, {"after": after})
        if rebuild:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CREATE INDEX refuses pending checks
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in rebuild:
                cursor.execute(definition)
        _alter(cursor, "jobs_job", JOB_TRIGGERS, "ENABLE")
        _alter(cursor, "jobs_jobfacet", FACET_TRIGGERS, "ENABLE")
