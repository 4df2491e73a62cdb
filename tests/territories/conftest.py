"""Fixtures of the territories tests."""

import pytest

from tests.territories.fake_datagouv import COMMUNES_SLUG, Server


@pytest.fixture
def datagouv(settings, tmp_path):
    with Server() as fake:
        settings.QPV_DATASET_API_URL = fake.api_url()
        settings.COMMUNE_OUTLINES_DATASET_API_URL = fake.api_url(COMMUNES_SLUG)
        settings.COMMUNE_OUTLINES_RESOURCE_URL = ""
        settings.QPV_RESOURCE_URL = ""
        settings.GEODATA_DIR = tmp_path / "geodata"
        settings.GEODATA_RETRIES = 1
        settings.GEODATA_TIMEOUT = 5
        settings.GEODATA_OFFLINE = False
        yield fake
