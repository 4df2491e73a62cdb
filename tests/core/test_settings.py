"""Parsing of the environment variables that configure a deployment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_int, env_list

VARIABLE = "PEPITES_TEST_SETTING"


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "On"])
def test_env_bool_true(monkeypatch, value):
    monkeypatch.setenv(VARIABLE, value)
    assert env_bool(VARIABLE, False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "OFF"])
def test_env_bool_false(monkeypatch, value):
    monkeypatch.setenv(VARIABLE, value)
    assert env_bool(VARIABLE, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_default_when_unset_or_empty(monkeypatch, default):
    monkeypatch.delenv(VARIABLE, raising=False)
    assert env_bool(VARIABLE, default) is default
    monkeypatch.setenv(VARIABLE, "")
    assert env_bool(VARIABLE, default) is default


@pytest.mark.parametrize("value", ["maybe", "2", "vrai", "oui"])
def test_env_bool_rejects_anything_else(monkeypatch, value):
    monkeypatch.setenv(VARIABLE, value)
    with pytest.raises(ImproperlyConfigured, match=rf"{VARIABLE} must be a boolean.*'{value}'"):
        env_bool(VARIABLE, False)


def test_env_int(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    assert env_int(VARIABLE, 30) == 30
    monkeypatch.setenv(VARIABLE, "45")
    assert env_int(VARIABLE, 30) == 45
    monkeypatch.setenv(VARIABLE, "trente")
    with pytest.raises(ImproperlyConfigured, match=rf"{VARIABLE} must be an integer"):
        env_int(VARIABLE, 30)


def test_env_list(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    assert env_list(VARIABLE, "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]
    monkeypatch.setenv(VARIABLE, " pepites.example.org , ,www.pepites.example.org ")
    assert env_list(VARIABLE, "") == ["pepites.example.org", "www.pepites.example.org"]
    monkeypatch.setenv(VARIABLE, "")
    assert env_list(VARIABLE, "") == []
