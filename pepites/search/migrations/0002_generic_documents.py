"""The index holds documents of any kind with their visibility (pepites.search.documents),
instead of initiatives alone. The new tables start empty: run
`manage.py rebuild_search_index` after migrating."""

from django.db import migrations

SQLITE = [
    "DROP TABLE IF EXISTS search_initiative_names",
    "DROP TABLE IF EXISTS search_initiative_fts",
    # Stems computed in Python (pepites.search.text); rowid = the document's key.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, names, summary, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    # Title and names again, alone: the matches that come first past the ranking window.
    """CREATE VIRTUAL TABLE search_names USING fts5(
        names, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    "DELETE FROM search_lexicon_variant",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_names",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_initiative_fts USING fts5(
        title, porteur, summary, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    """CREATE VIRTUAL TABLE search_initiative_names USING fts5(
        names, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    "DELETE FROM search_lexicon_variant",
]

POSTGRESQL = [
    "DROP TABLE IF EXISTS search_document",
    "DROP TABLE IF EXISTS search_name",
    "TRUNCATE search_lexicon",
    # No foreign keys: the owners delete their documents (remove_documents).
    """CREATE TABLE search_document (
        kind text NOT NULL, object_id bigint NOT NULL, public boolean NOT NULL,
        document tsvector NOT NULL, PRIMARY KEY (kind, object_id)
    )""",
    # Title and names again, alone and narrow: the matches that come first past the
    # ranking window.
    """CREATE TABLE search_name (
        kind text NOT NULL, object_id bigint NOT NULL, public boolean NOT NULL,
        names tsvector NOT NULL, PRIMARY KEY (kind, object_id)
    )""",
    # fastupdate off: a search never has to read a long list of pending entries.
    "CREATE INDEX search_document_gin ON search_document USING gin (document)"
    " WITH (fastupdate = off)",
    "CREATE INDEX search_name_gin ON search_name USING gin (names) WITH (fastupdate = off)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS search_document",
    "DROP TABLE IF EXISTS search_name",
    "TRUNCATE search_lexicon",
    "CREATE TABLE search_document (initiative_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE TABLE search_name (initiative_id bigint PRIMARY KEY, names tsvector NOT NULL)",
    "CREATE INDEX search_document_gin ON search_document USING gin (document)"
    " WITH (fastupdate = off)",
    "CREATE INDEX search_name_gin ON search_name USING gin (names) WITH (fastupdate = off)",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
