"""Importing initiatives from the files the centres keep.

Reading and mapping:
- `readers/`: bytes → rows with their line numbers (CSV, XLSX, ODS, GeoJSON, uMap, GoGoCarto);
- `fields`: our fields and the names files give them; `mapping`: the file's headers → our
  fields; `values`: the parsers of French values.

Checking, row by row (`importer.run_import` runs the steps):
- `rows`: a row's values and problems, parsed from its cells, checked against the model;
- `references`: the communes, themes and centres, read once per import;
- `resolve`: a row's values → the fields of an initiative; `places`: its point and commune
  (geocoding included);
- `matching`: the existing initiative a row updates, and the duplicates.

Writing and reporting:
- `writer`: every creation and update in one transaction;
- `report`: what was done or would be, per row, with every problem and its place.
"""
