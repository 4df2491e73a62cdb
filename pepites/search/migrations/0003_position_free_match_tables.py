"""SQLite: the matches are found and counted in FTS5 tables without positions nor text
(`detail=none`, contentless), a fraction of the size to read for a common word; the first
table keeps the text, for ranking and for telling the others what to forget. Run
`manage.py rebuild_search_index` after migrating. (Nothing changes on PostgreSQL.)"""

from django.db import migrations

SQLITE = [
    "DELETE FROM search_fts",
    "DELETE FROM search_lexicon_variant",
    "DROP TABLE IF EXISTS search_names",
    # Every stem of a document, without positions nor text: finds and counts the matches.
    """CREATE VIRTUAL TABLE search_match USING fts5(
        terms, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    # Title and names again, alone: the matches that come first past the ranking window.
    """CREATE VIRTUAL TABLE search_names USING fts5(
        names, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 0'
    )""",
]
SQLITE_REVERSE = [
    "DELETE FROM search_fts",
    "DELETE FROM search_lexicon_variant",
    "DROP TABLE IF EXISTS search_match",
    "DROP TABLE IF EXISTS search_names",
    """CREATE VIRTUAL TABLE search_names USING fts5(
        names, tokenize = 'unicode61 remove_diacritics 0'
    )""",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0002_generic_documents")]

    operations = [migrations.RunPython(run(SQLITE), run(SQLITE_REVERSE))]
