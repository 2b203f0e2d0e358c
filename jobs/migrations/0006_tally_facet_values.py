"""The facet values of each combination copied onto jobs_facettally (PostgreSQL only).

Why (measured at 110,000 jobs, scale 35, on the shared 2-core machine): a search with filters
and no text counts its facets from the published jobs per combination (jobs_facettally, ~15,000
rows), less the few past their deadline. Joining those rows to jobs_facetcombo for their values
took half of that statement's 12-13 ms; with the values on the tally row the statement reads
one table (7 ms, jobs/search.py).

A combination's values never change (jobs_facet_combo_id() only ever adds combinations), so
the copy is taken once, when the tally row is created: by the tally trigger, by
jobs.bulk.CATCH_UP, and here for the rows that exist.
"""

from django.db import migrations

COLUMNS = (
    "sector_id, is_tech_rd, level, min_education, employment_type, location, programme, "
    "open_to_overseas, open_to_gba"
)

FORWARD_SQL = [
    """
    ALTER TABLE jobs_facettally
      ADD COLUMN sector_id bigint, ADD COLUMN is_tech_rd boolean,
      ADD COLUMN level varchar(20), ADD COLUMN min_education varchar(20),
      ADD COLUMN employment_type varchar(20), ADD COLUMN location varchar(200),
      ADD COLUMN programme varchar(20), ADD COLUMN open_to_overseas boolean,
      ADD COLUMN open_to_gba boolean
    """,
    f"""
    UPDATE jobs_facettally t SET ({COLUMNS}) = (SELECT {COLUMNS} FROM jobs_facetcombo c
                                                 WHERE c.id = t.combo_id)
    """,
    """
    ALTER TABLE jobs_facettally
      ALTER COLUMN sector_id SET NOT NULL, ALTER COLUMN is_tech_rd SET NOT NULL,
      ALTER COLUMN level SET NOT NULL, ALTER COLUMN min_education SET NOT NULL,
      ALTER COLUMN employment_type SET NOT NULL, ALTER COLUMN location SET NOT NULL,
      ALTER COLUMN programme SET NOT NULL, ALTER COLUMN open_to_overseas SET NOT NULL,
      ALTER COLUMN open_to_gba SET NOT NULL
    """,
    f"""
    CREATE OR REPLACE FUNCTION jobs_facet_tally() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE jobs_facettally SET n = n - 1
         WHERE edition_id = OLD.edition_id AND combo_id = OLD.combo_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO jobs_facettally AS t (edition_id, combo_id, n, {COLUMNS})
        SELECT NEW.edition_id, NEW.combo_id, 1, {COLUMNS} FROM jobs_facetcombo
         WHERE id = NEW.combo_id
        ON CONFLICT (edition_id, combo_id) DO UPDATE SET n = t.n + 1;
      END IF;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "ANALYZE jobs_facettally",
]
BACKWARD_SQL = [
    """
    CREATE OR REPLACE FUNCTION jobs_facet_tally() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE jobs_facettally SET n = n - 1
         WHERE edition_id = OLD.edition_id AND combo_id = OLD.combo_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO jobs_facettally AS t (edition_id, combo_id, n)
        VALUES (NEW.edition_id, NEW.combo_id, 1)
        ON CONFLICT (edition_id, combo_id) DO UPDATE SET n = t.n + 1;
      END IF;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    ALTER TABLE jobs_facettally
      DROP COLUMN sector_id, DROP COLUMN is_tech_rd, DROP COLUMN level,
      DROP COLUMN min_education, DROP COLUMN employment_type, DROP COLUMN location,
      DROP COLUMN programme, DROP COLUMN open_to_overseas, DROP COLUMN open_to_gba
    """,
]


def _run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0005_facet_counts")]

    operations = [
        migrations.RunPython(_run_on_postgres(FORWARD_SQL), _run_on_postgres(BACKWARD_SQL)),
    ]
