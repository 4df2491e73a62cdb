"""What a server checks before it accepts traffic."""

from __future__ import annotations

from collections.abc import Mapping

SECRET_KEY_MISSING = (
    "SECRET_KEY manquant : hors DEBUG, le serveur ne démarre pas sans clé secrète explicite. "
    "Définissez SECRET_KEY (la même valeur sur tous les serveurs d'application, sinon les "
    "visiteurs sont déconnectés quand la répartition de charge change de serveur) ou "
    "SECRET_KEY_FILE (un fichier qui la contient). `make run` en crée une dans "
    "var/secret_key ; pour en produire une : "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
)
_TRUE = {"1", "true", "yes", "on"}


def secret_key_problem(env: Mapping[str, str]) -> str | None:
    """The French message when `env` would start a server without an explicit key."""
    if (env.get("DEBUG") or "").lower() in _TRUE:
        return None
    if env.get("SECRET_KEY") or env.get("SECRET_KEY_FILE"):
        return None
    return SECRET_KEY_MISSING


def refuse_without_secret_key() -> None:
    """For config/wsgi.py and config/asgi.py, once the settings are loaded."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not settings.DEBUG and not settings.SECRET_KEY_EXPLICIT:
        raise ImproperlyConfigured(SECRET_KEY_MISSING)
