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
    """CREATE TABLE search_lexicon_variant (
        variant TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (variant, word)
    ) WITHOUT ROWID""",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_lexicon_variant",
    "DROP TABLE IF EXISTS search_initiative_fts",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # No foreign key: Django's flush truncates the initiatives without knowing this table;
    # a row of a deleted initiative matches nothing (searches join on the initiative).
    """CREATE TABLE search_document (
        initiative_id bigint PRIMARY KEY,
        document tsvector NOT NULL,
        names tsvector NOT NULL
    )""",
    "CREATE INDEX search_document_document ON search_document USING gin (document)",
    "CREATE INDEX search_document_names ON search_document USING gin (names)",
    "CREATE TABLE search_lexicon (word text PRIMARY KEY)",
    "CREATE INDEX search_lexicon_trigram ON search_lexicon USING gin (word gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS search_lexicon",
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
