"""Narrow side tables for job search on PostgreSQL (nothing on SQLite), kept by triggers.

Why (measured at 100,000 jobs, see jobs/search.py): jobs_job rows are ~2 KB (description and a
compressed weighted vector), so counting facets over a third of the jobs read ~10,000 heap pages,
and walking the date index re-checked each row against its compressed vector. The search now
reads only these tables:

- jobs_facetcombo: a dictionary of the distinct combinations of facet values (sector, tech,
  level, education, type, location, programme, overseas, GBA); ~15,000 at 100,000 jobs.
- jobs_jobfacet: one row per *published* job: edition, company, its combination, published_at,
  deadline and `terms`: the job's search vector stripped of positions and weights (matching
  only; ranking reads the weighted vector of the few candidates from jobs_job), stored
  uncompressed inline so that checking a row never decompresses anything. GIN index on it.
- jobs_facettally: published jobs per (edition, combination), for the facets without text.
- jobs_searchword: the words of job titles and skills, with a trigram index, for correcting
  typos ("enginere" -> "engineer") before searching again.

Every write path (ORM, bulk_create, raw SQL, a company's programme or name changing) keeps them
in step through triggers; TRUNCATE of jobs_job (Django's flush) empties jobs_jobfacet. The
tables are not Django models: only jobs/search.py reads them, with SQL.
"""

from django.db import migrations

FORWARD_SQL = [
    """
    CREATE TABLE jobs_facetcombo (
      id serial PRIMARY KEY,
      sector_id bigint NOT NULL,
      is_tech_rd boolean NOT NULL,
      level varchar(20) NOT NULL,
      min_education varchar(20) NOT NULL,
      employment_type varchar(20) NOT NULL,
      location varchar(200) NOT NULL,
      programme varchar(20) NOT NULL,
      open_to_overseas boolean NOT NULL,
      open_to_gba boolean NOT NULL,
      CONSTRAINT jobs_facetcombo_unique UNIQUE (sector_id, is_tech_rd, level, min_education,
        employment_type, location, programme, open_to_overseas, open_to_gba)
    )
    """,
    """
    CREATE TABLE jobs_jobfacet (
      job_id bigint PRIMARY KEY,
      edition_id bigint NOT NULL,
      company_id bigint NOT NULL,
      combo_id integer NOT NULL,
      published_at timestamptz,
      deadline timestamptz,
      terms tsvector NOT NULL
    )
    """,
    # Inline and uncompressed while the row fits (a stripped vector is ~650 bytes): checking a
    # row against a query never decompresses anything. Very long ones are still compressed.
    "ALTER TABLE jobs_jobfacet ALTER COLUMN terms SET STORAGE MAIN",
    "CREATE INDEX jobs_jobfacet_terms_gin ON jobs_jobfacet USING gin (terms)",
    """CREATE INDEX jobs_jobfacet_newest ON jobs_jobfacet
       (edition_id, published_at DESC, job_id DESC)""",
    """CREATE INDEX jobs_jobfacet_deadline ON jobs_jobfacet
       (edition_id, deadline, published_at DESC, job_id DESC)""",
    "CREATE INDEX jobs_jobfacet_company ON jobs_jobfacet (company_id)",
    # Facet counts without text: an index-only scan of this covering index.
    "CREATE INDEX jobs_jobfacet_combos ON jobs_jobfacet (edition_id, combo_id, deadline)",
    # Published jobs per (edition, combination), kept by a trigger on jobs_jobfacet: the facet
    # counts without text read these ~15,000 rows (minus the few jobs past their deadline)
    # instead of counting 100,000.
    """
    CREATE TABLE jobs_facettally (
      edition_id bigint NOT NULL,
      combo_id integer NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (edition_id, combo_id)
    )
    """,
    """
    CREATE FUNCTION jobs_facet_tally() RETURNS trigger AS $$
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
    CREATE TRIGGER jobs_jobfacet_tally_insert_delete
    AFTER INSERT OR DELETE ON jobs_jobfacet
    FOR EACH ROW EXECUTE FUNCTION jobs_facet_tally()
    """,
    """
    CREATE TRIGGER jobs_jobfacet_tally_update
    AFTER UPDATE ON jobs_jobfacet
    FOR EACH ROW WHEN (OLD.edition_id <> NEW.edition_id OR OLD.combo_id <> NEW.combo_id)
    EXECUTE FUNCTION jobs_facet_tally()
    """,
    """
    CREATE FUNCTION jobs_jobfacet_truncate() RETURNS trigger AS $$
    BEGIN
      TRUNCATE jobs_facettally;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jobs_jobfacet_truncate
    AFTER TRUNCATE ON jobs_jobfacet
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_jobfacet_truncate()
    """,
    """
    CREATE TABLE jobs_searchword (word varchar(40) PRIMARY KEY)
    """,
    "CREATE INDEX jobs_searchword_trgm ON jobs_searchword USING gin (word gin_trgm_ops)",
    """
    CREATE FUNCTION jobs_facet_combo_id(
      p_sector bigint, p_tech boolean, p_level varchar, p_education varchar, p_type varchar,
      p_location varchar, p_programme varchar, p_overseas boolean, p_gba boolean
    ) RETURNS integer AS $$
    DECLARE
      cid integer;
    BEGIN
      SELECT id INTO cid FROM jobs_facetcombo
       WHERE sector_id = p_sector AND is_tech_rd = p_tech AND level = p_level
         AND min_education = p_education AND employment_type = p_type
         AND location = p_location AND programme = p_programme
         AND open_to_overseas = p_overseas AND open_to_gba = p_gba;
      IF cid IS NULL THEN
        INSERT INTO jobs_facetcombo (sector_id, is_tech_rd, level, min_education,
            employment_type, location, programme, open_to_overseas, open_to_gba)
        VALUES (p_sector, p_tech, p_level, p_education, p_type, p_location, p_programme,
            p_overseas, p_gba)
        ON CONFLICT DO NOTHING
        RETURNING id INTO cid;
        IF cid IS NULL THEN  -- inserted meanwhile by another transaction
          SELECT id INTO cid FROM jobs_facetcombo
           WHERE sector_id = p_sector AND is_tech_rd = p_tech AND level = p_level
             AND min_education = p_education AND employment_type = p_type
             AND location = p_location AND programme = p_programme
             AND open_to_overseas = p_overseas AND open_to_gba = p_gba;
        END IF;
      END IF;
      RETURN cid;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION jobs_job_facet_sync() RETURNS trigger AS $$
    DECLARE
      company record;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM jobs_jobfacet WHERE job_id = OLD.id;
        RETURN NULL;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
        DELETE FROM jobs_jobfacet WHERE job_id = OLD.id;
      END IF;
      IF NEW.status <> 'published' THEN
        DELETE FROM jobs_jobfacet WHERE job_id = NEW.id;
        RETURN NULL;
      END IF;
      SELECT name, programme INTO company FROM booths_company WHERE id = NEW.company_id;
      INSERT INTO jobs_jobfacet AS f (job_id, edition_id, company_id, combo_id, published_at,
          deadline, terms)
      VALUES (
        NEW.id, NEW.edition_id, NEW.company_id,
        jobs_facet_combo_id(NEW.sector_id, NEW.is_tech_rd, NEW.level, NEW.min_education,
          NEW.employment_type, NEW.location, coalesce(company.programme, ''),
          NEW.open_to_overseas, NEW.open_to_gba),
        NEW.published_at, NEW.deadline,
        strip(coalesce(NEW.search_vector, ''::tsvector))
      )
      ON CONFLICT (job_id) DO UPDATE SET
        edition_id = EXCLUDED.edition_id, company_id = EXCLUDED.company_id,
        combo_id = EXCLUDED.combo_id, published_at = EXCLUDED.published_at,
        deadline = EXCLUDED.deadline, terms = EXCLUDED.terms;
      IF TG_OP = 'INSERT' OR OLD.title IS DISTINCT FROM NEW.title
         OR OLD.skills IS DISTINCT FROM NEW.skills THEN
        INSERT INTO jobs_searchword (word)
        SELECT DISTINCT w FROM regexp_split_to_table(
            lower(coalesce(NEW.title, '') || ' ' || coalesce(NEW.skills, '')),
            '[^[:alnum:]]+') AS w
         WHERE length(w) BETWEEN 3 AND 40
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    # Runs after jobs_job_search_vector_trigger (BEFORE) has set NEW.search_vector.
    """
    CREATE TRIGGER jobs_job_facet_insert_delete
    AFTER INSERT OR DELETE ON jobs_job
    FOR EACH ROW EXECUTE FUNCTION jobs_job_facet_sync()
    """,
    """
    CREATE TRIGGER jobs_job_facet_update
    AFTER UPDATE ON jobs_job
    FOR EACH ROW WHEN (
      OLD.id IS DISTINCT FROM NEW.id
      OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.edition_id IS DISTINCT FROM NEW.edition_id
      OR OLD.company_id IS DISTINCT FROM NEW.company_id
      OR OLD.sector_id IS DISTINCT FROM NEW.sector_id
      OR OLD.is_tech_rd IS DISTINCT FROM NEW.is_tech_rd
      OR OLD.level IS DISTINCT FROM NEW.level
      OR OLD.min_education IS DISTINCT FROM NEW.min_education
      OR OLD.employment_type IS DISTINCT FROM NEW.employment_type
      OR OLD.location IS DISTINCT FROM NEW.location
      OR OLD.open_to_overseas IS DISTINCT FROM NEW.open_to_overseas
      OR OLD.open_to_gba IS DISTINCT FROM NEW.open_to_gba
      OR OLD.published_at IS DISTINCT FROM NEW.published_at
      OR OLD.deadline IS DISTINCT FROM NEW.deadline
      OR OLD.title IS DISTINCT FROM NEW.title
      OR OLD.skills IS DISTINCT FROM NEW.skills
      OR OLD.search_vector IS DISTINCT FROM NEW.search_vector
    )
    EXECUTE FUNCTION jobs_job_facet_sync()
    """,
    """
    CREATE FUNCTION jobs_job_facet_truncate() RETURNS trigger AS $$
    BEGIN
      TRUNCATE jobs_jobfacet;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jobs_job_facet_truncate
    AFTER TRUNCATE ON jobs_job
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_job_facet_truncate()
    """,
    # A company's programme is a facet of its jobs. (A rename already re-runs its jobs through
    # jobs_company_renamed(): new search vectors, hence new terms, via the trigger above.)
    """
    CREATE FUNCTION jobs_company_programme_changed() RETURNS trigger AS $$
    BEGIN
      UPDATE jobs_jobfacet f
         SET combo_id = jobs_facet_combo_id(j.sector_id, j.is_tech_rd, j.level,
               j.min_education, j.employment_type, j.location, NEW.programme,
               j.open_to_overseas, j.open_to_gba)
        FROM jobs_job j
       WHERE j.id = f.job_id AND j.company_id = NEW.id;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jobs_company_programme_trigger
    AFTER UPDATE OF programme ON booths_company
    FOR EACH ROW WHEN (OLD.programme IS DISTINCT FROM NEW.programme)
    EXECUTE FUNCTION jobs_company_programme_changed()
    """,
    # Backfill an existing database (the tally follows through its trigger).
    """
    INSERT INTO jobs_facetcombo (sector_id, is_tech_rd, level, min_education, employment_type,
        location, programme, open_to_overseas, open_to_gba)
    SELECT DISTINCT j.sector_id, j.is_tech_rd, j.level, j.min_education, j.employment_type,
        j.location, c.programme, j.open_to_overseas, j.open_to_gba
      FROM jobs_job j JOIN booths_company c ON c.id = j.company_id
     WHERE j.status = 'published'
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
          c.programme, j.open_to_overseas, j.open_to_gba)
     WHERE j.status = 'published'
    """,
    """
    INSERT INTO jobs_searchword (word)
    SELECT DISTINCT w FROM jobs_job j,
        regexp_split_to_table(lower(j.title || ' ' || j.skills), '[^[:alnum:]]+') AS w
     WHERE j.status = 'published' AND length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING
    """,
    "ANALYZE jobs_facetcombo",
    "ANALYZE jobs_facettally",
    "ANALYZE jobs_jobfacet",
    "ANALYZE jobs_searchword",
]
BACKWARD_SQL = [
    "DROP TRIGGER IF EXISTS jobs_company_programme_trigger ON booths_company",
    "DROP FUNCTION IF EXISTS jobs_company_programme_changed()",
    "DROP TRIGGER IF EXISTS jobs_job_facet_truncate ON jobs_job",
    "DROP FUNCTION IF EXISTS jobs_job_facet_truncate()",
    "DROP TRIGGER IF EXISTS jobs_job_facet_update ON jobs_job",
    "DROP TRIGGER IF EXISTS jobs_job_facet_insert_delete ON jobs_job",
    "DROP FUNCTION IF EXISTS jobs_job_facet_sync()",
    "DROP FUNCTION IF EXISTS jobs_facet_combo_id(bigint, boolean, varchar, varchar, varchar, "
    "varchar, varchar, boolean, boolean)",
    "DROP TABLE IF EXISTS jobs_searchword",
    "DROP TRIGGER IF EXISTS jobs_jobfacet_truncate ON jobs_jobfacet",
    "DROP FUNCTION IF EXISTS jobs_jobfacet_truncate()",
    "DROP TRIGGER IF EXISTS jobs_jobfacet_tally_update ON jobs_jobfacet",
    "DROP TRIGGER IF EXISTS jobs_jobfacet_tally_insert_delete ON jobs_jobfacet",
    "DROP FUNCTION IF EXISTS jobs_facet_tally()",
    "DROP TABLE IF EXISTS jobs_facettally",
    "DROP TABLE IF EXISTS jobs_jobfacet",
    "DROP TABLE IF EXISTS jobs_facetcombo",
]


def _run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_search_history_notes_saved"),
        ("booths", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgres(FORWARD_SQL), _run_on_postgres(BACKWARD_SQL)),
    ]
