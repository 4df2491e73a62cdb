"""The search index: an FTS5 table on SQLite, tsvectors and trigrams on PostgreSQL.

Plain SQL chosen by database vendor, so that no model stands for these tables. Rebuild the
index of initiatives that existed before with `manage.py rebuild_search_index`.
"""

from django.db import migrations

SQLITE = [
    # Stems computed in Python (pepites.search.text); rowid = initiative id.
    """CREATE VIRTUAL TABLE search_initiative_fts USING fts5(
        title, porteur, summary, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    # Title and porteur again, alone: the matches that come first past the ranking window.
    """CREATE VIRTUAL TABLE search_initiative_names USING fts5(
        names, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    """CREATE TABLE search_lexicon_variant (
        variant TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (variant, word)
    ) WITHOUT ROWID""",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_lexicon_variant",
    "DROP TABLE IF EXISTS search_initiative_names",
    "DROP TABLE IF EXISTS search_initiative_fts",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # No foreign keys: Django's flush truncates the initiatives without knowing these
    # tables; the row of a deleted initiative never shows (results are looked up).
    "CREATE TABLE search_document (initiative_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    # Title and porteur again, alone and narrow: the matches that come first past the
    # ranking window.
    "CREATE TABLE search_name (initiative_id bigint PRIMARY KEY, names tsvector NOT NULL)",
    "CREATE TABLE search_lexicon (word text PRIMARY KEY)",
    # fastupdate off: a search never has to read a long list of pending entries.
    "CREATE INDEX search_document_gin ON search_document USING gin (document)"
    " WITH (fastupdate = off)",
    "CREATE INDEX search_name_gin ON search_name USING gin (names) WITH (fastupdate = off)",
    "CREATE INDEX search_lexicon_trigram ON search_lexicon USING gin (word gin_trgm_ops)"
    " WITH (fastupdate = off)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS search_lexicon",
    "DROP TABLE IF EXISTS search_name",
    "DROP TABLE IF EXISTS search_document",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    initial = True

    dependencies = [("initiatives", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
