"""The publications' fixtures (a series, an issue with two articles) for the library tests."""

from tests.publications.conftest import editor, initiatives, issue, series  # noqa: F401
