"""Facet counts kept ahead for the searches that would count the most jobs (PostgreSQL only).

Why (measured at 110,000 jobs on the shared 2-core machine, jobs/search.py): with the cache
cleared, a search for a word in a third of the jobs spent 70-130 ms counting its facets, 20-35
ms of it reading the matching rows and the rest summing some 10,000 facet combinations per
group; the landing page (no text) spent 45-80 ms summing all 15,000 combinations.

- jobs_facetcount: published jobs per (edition, term, facet group, value), where term '' is
  every job and any other term is a prefix query of jobs_tallyterm. Group 9 (value '') holds
  the total. Kept by a trigger on jobs_jobfacet: a job entering, leaving or changing its
  combination or its words moves its counts under '' and under every tallied term it matches.
- jobs_tallyterm: the prefix queries tallied ('data':*), chosen by
  jobs.search.refresh_tally_terms() among the words of many jobs (Celery beat, hourly).

A search with no filter and no company reads its counts here (less the few jobs past their
deadline); any other search counts as before.
"""

from django.db import migrations

# (group number, value as text) of a combination c, in jobs.search.FACETS order; 9 = the total.
GROUP_VALUES = """(VALUES (0, c.sector_id::text), (1, c.is_tech_rd::text), (2, c.level),
    (3, c.min_education), (4, c.employment_type), (5, c.location), (6, c.programme),
    (7, c.open_to_overseas::text), (8, c.open_to_gba::text), (9, '')) AS g(grp, value)"""

FORWARD_SQL = [
    """
    CREATE TABLE jobs_tallyterm (
      term text PRIMARY KEY,
      query tsquery NOT NULL
    )
    """,
    """
    CREATE TABLE jobs_facetcount (
      edition_id bigint NOT NULL,
      term text NOT NULL,
      grp smallint NOT NULL,
      value text NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (edition_id, term, grp, value)
    )
    """,
    f"""
    CREATE FUNCTION jobs_facet_count_move(p_edition bigint, p_combo integer, p_terms tsvector,
        p_delta integer) RETURNS void AS $$
      INSERT INTO jobs_facetcount AS fc (edition_id, term, grp, value, n)
      SELECT p_edition, t.term, g.grp, g.value, p_delta
        FROM (SELECT '' AS term
              UNION ALL SELECT term FROM jobs_tallyterm WHERE p_terms @@ query) t,
             jobs_facetcombo c CROSS JOIN LATERAL {GROUP_VALUES}
       WHERE c.id = p_combo
      ON CONFLICT (edition_id, term, grp, value) DO UPDATE SET n = fc.n + EXCLUDED.n
    $$ LANGUAGE sql
    """,
    """
    CREATE FUNCTION jobs_facet_count() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM jobs_facet_count_move(OLD.edition_id, OLD.combo_id, OLD.terms, -1);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM jobs_facet_count_move(NEW.edition_id, NEW.combo_id, NEW.terms, 1);
      END IF;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jobs_jobfacet_count_insert_delete
    AFTER INSERT OR DELETE ON jobs_jobfacet
    FOR EACH ROW EXECUTE FUNCTION jobs_facet_count()
    """,
    """
    CREATE TRIGGER jobs_jobfacet_count_update
    AFTER UPDATE ON jobs_jobfacet
    FOR EACH ROW WHEN (OLD.edition_id <> NEW.edition_id OR OLD.combo_id <> NEW.combo_id
                       OR OLD.terms <> NEW.terms)
    EXECUTE FUNCTION jobs_facet_count()
    """,
    """
    CREATE FUNCTION jobs_jobfacet_truncate_counts() RETURNS trigger AS $$
    BEGIN
      TRUNCATE jobs_facetcount;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jobs_jobfacet_truncate_counts
    AFTER TRUNCATE ON jobs_jobfacet
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_jobfacet_truncate_counts()
    """,
    # Backfill an existing database: every job under '' (no term is tallied yet).
    f"""
    INSERT INTO jobs_facetcount (edition_id, term, grp, value, n)
    SELECT t.edition_id, '', g.grp, g.value, sum(t.n)
      FROM jobs_facettally t JOIN jobs_facetcombo c ON c.id = t.combo_id
     CROSS JOIN LATERAL {GROUP_VALUES}
     WHERE t.n <> 0
     GROUP BY 1, 2, 3, 4
    """,
]
BACKWARD_SQL = [
    "DROP TRIGGER IF EXISTS jobs_jobfacet_truncate_counts ON jobs_jobfacet",
    "DROP FUNCTION IF EXISTS jobs_jobfacet_truncate_counts()",
    "DROP TRIGGER IF EXISTS jobs_jobfacet_count_update ON jobs_jobfacet",
    "DROP TRIGGER IF EXISTS jobs_jobfacet_count_insert_delete ON jobs_jobfacet",
    "DROP FUNCTION IF EXISTS jobs_facet_count()",
    "DROP FUNCTION IF EXISTS jobs_facet_count_move(bigint, integer, tsvector, integer)",
    "DROP TABLE IF EXISTS jobs_facetcount",
    "DROP TABLE IF EXISTS jobs_tallyterm",
]


def _run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0004_chinese_search")]

    operations = [
        migrations.RunPython(_run_on_postgres(FORWARD_SQL), _run_on_postgres(BACKWARD_SQL)),
    ]
