"""Chinese in job search on PostgreSQL (nothing on SQLite, where search matches substrings).

PostgreSQL's parser keeps a run of Chinese characters as one token ("資深嵌入式工程師"), so a
search for a word inside it (嵌入式) found nothing. Chinese is written without spaces, so the
search vector now also holds every overlapping pair of characters of each Chinese run (the
bigram indexing CJK search engines use): 嵌入 入式 式工 ...; a Chinese query becomes the AND of
its pairs (jobs/search.py), which matches wherever the word appears. Weights as before: title A,
company and skills B, description C. Every job's vector is recomputed once.
"""

from django.db import migrations

# Ideographs: CJK Unified (and Extension A) and the compatibility block.
CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"

FORWARD_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION jobs_cjk_bigrams(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(string_agg(
        CASE WHEN length(r.run) = 1 THEN r.run
        ELSE (SELECT string_agg(substr(r.run, i, 2), ' ')
              FROM generate_series(1, length(r.run) - 1) AS i) END, ' '), '')
      FROM (SELECT (regexp_matches(coalesce(t, ''), '{CJK}', 'g'))[1] AS run) r
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION jobs_job_search_vector() RETURNS trigger AS $$
    DECLARE
      company text := coalesce((SELECT name FROM booths_company WHERE id = NEW.company_id), '');
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('simple', jobs_cjk_bigrams(NEW.title)), 'A') ||
        setweight(to_tsvector('english', company), 'B') ||
        setweight(to_tsvector('simple', jobs_cjk_bigrams(company)), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.skills, '')), 'B') ||
        setweight(to_tsvector('simple', jobs_cjk_bigrams(NEW.skills)), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
        setweight(to_tsvector('simple', jobs_cjk_bigrams(NEW.description)), 'C');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    # Only jobs with Chinese text change; the facet trigger follows the new vectors.
    f"""
    UPDATE jobs_job j SET title = j.title FROM booths_company c
    WHERE c.id = j.company_id AND (j.title || j.skills || j.description || c.name) ~ '{CJK}'
    """,
]

BACKWARD_SQL = [
    """
    CREATE OR REPLACE FUNCTION jobs_job_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(
          (SELECT name FROM booths_company WHERE id = NEW.company_id), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.skills, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP FUNCTION IF EXISTS jobs_cjk_bigrams(text)",
]


def _run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_search_side_tables")]

    operations = [
        migrations.RunPython(_run_on_postgres(FORWARD_SQL), _run_on_postgres(BACKWARD_SQL)),
    ]
