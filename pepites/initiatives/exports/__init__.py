"""Open data: the published initiatives as CSV, XLSX and GeoJSON, under Licence Ouverte 2.0.

One list of columns (`COLUMNS`) gives the files' columns, the Table Schema published with
them (data/schema.json) and the French data dictionary (docs/dictionnaire-des-donnees.md);
their names are those the importer recognises, so an export re-imports to the same data.
Rows are read in chunks and written as they come: 100,000 initiatives never sit in memory.

- `columns`: the columns of every file (name, title, description, how to read the value).
- `rows`: the initiatives to export (the map's filters) and their related data, by chunks.
- `formats`: the files themselves (CSV, GeoJSON, XLSX) and what each says about itself.
- `schema`: the licence, the Table Schema (schema.json) and the data dictionary.
"""

from pepites.initiatives.exports.columns import COLUMN_NAMES, COLUMNS, Column
from pepites.initiatives.exports.formats import (
    ExportInfo,
    about_lines,
    export_info,
    iter_csv,
    iter_geojson,
    write_csv,
    write_xlsx,
)
from pepites.initiatives.exports.rows import export_queryset, iter_initiatives, row_values
from pepites.initiatives.exports.schema import (
    DICTIONARY_FILE,
    LICENCE,
    SCHEMA_FILE,
    dictionary_markdown,
    schema_text,
    table_schema,
)

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DICTIONARY_FILE",
    "LICENCE",
    "SCHEMA_FILE",
    "Column",
    "ExportInfo",
    "about_lines",
    "dictionary_markdown",
    "export_info",
    "export_queryset",
    "iter_csv",
    "iter_geojson",
    "iter_initiatives",
    "row_values",
    "schema_text",
    "table_schema",
    "write_csv",
    "write_xlsx",
]
