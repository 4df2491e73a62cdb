"""A map data folder that cannot be written (read-only or full disk): the last version built
is served; with none built, the page is still served and the map data answers 503."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from pepites.initiatives import mapdata
from pepites.initiatives.models import Initiative


def unwritable(settings, tmp_path):
    """A folder below a plain file: every write under it fails, even for root."""
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    settings.MAPDATA_DIR = blocker / "mapdata"


@pytest.mark.django_db
def test_nothing_built_and_nothing_writable(client, settings, tmp_path, sample_initiatives):
    unwritable(settings, tmp_path)
    mapdata.forget_current()
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "donnees.bin?v=indisponible" in home.content.decode()
    data = client.get(reverse("map_data"))
    assert data.status_code == 503
    assert data["Retry-After"] == "60"
    assert "indisponibles" in data.content.decode()


@pytest.mark.django_db
def test_the_last_version_built_is_served_and_the_failure_logged_once(
    client, settings, tmp_path, sample_initiatives, caplog
):
    first = client.get(reverse("map_data"))
    body = b"".join(first.streaming_content)
    folder = settings.MAPDATA_DIR
    # The folder becomes unwritable: its files stay, new ones cannot be created.
    (folder / ".lock").unlink(missing_ok=True)
    (folder / ".lock").mkdir()  # opening the lock for writing fails (IsADirectoryError)
    Initiative.objects.filter(pk=Initiative.objects.first().pk).update(updated_at=timezone.now())
    mapdata.data_changed()
    caplog.set_level(logging.ERROR, logger="pepites.initiatives.mapdata")
    for _ in range(3):
        mapdata.data_changed()
        again = client.get(reverse("map_data"))
        assert again.status_code == 200
        assert mapdata.current_version() != first["ETag"].strip('"').rsplit("-", 1)[0]
        assert again["ETag"] == first["ETag"]
        assert b"".join(again.streaming_content) == body
    assert client.get(reverse("home")).status_code == 200
    assert len(caplog.records) == 1
    assert "écriture impossible" in caplog.records[0].getMessage()
