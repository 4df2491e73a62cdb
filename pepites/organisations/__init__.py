"""Organisations: the porteurs of initiatives, with their SIRET and Sirene data."""
