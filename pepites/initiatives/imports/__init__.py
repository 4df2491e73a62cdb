"""Importing initiatives from the files the centres keep, in three steps:

- `readers`: bytes → rows with their line numbers (CSV, XLSX, ODS, GeoJSON, uMap, GoGoCarto);
- `mapping`: the file's headers → our fields, and the parsers of French values;
- `importer`: resolve (communes, themes, centres), validate, then write every row in one
  transaction through `pepites.initiatives.services`, with a report of what was done.
"""
