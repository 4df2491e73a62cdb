"""The one settings module of Pépites: every deployment-specific value comes from the
environment (see `.env.example`), with safe defaults for the embedded SQLite instance."""

import contextlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pepites.core.logging import init_error_reporting, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PEPITES_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from exc


DEBUG = env_bool("DEBUG", False)
# The key signs sessions and links: every app server of a deployment needs the same one.
# SECRET_KEY, or SECRET_KEY_FILE (a file holding it, e.g. var/secret_key, which `make run`
# creates). Without either, the WSGI application refuses to start outside DEBUG
# (config/wsgi.py); management commands run on one machine use var/secret_key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", "")
SECRET_KEY_EXPLICIT = bool(SECRET_KEY or SECRET_KEY_FILE)
if not SECRET_KEY and SECRET_KEY_FILE:
    try:
        SECRET_KEY = Path(SECRET_KEY_FILE).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SECRET_KEY_FILE : lecture impossible de {SECRET_KEY_FILE} ({exc.strerror})."
        ) from exc
    if not SECRET_KEY:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE : le fichier {SECRET_KEY_FILE} est vide.")
if not SECRET_KEY:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Start-up refusal: SITE_URL (issue 19) --------------------------------------------------
# The public address of the site (pepites/core/siteurl.py). Unset: each link is built from
# the request it answers (development, the embedded instance, tests); a production server,
# one that answers a public host name outside DEBUG, must say it.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


def check_site_url(*, site_url: str, debug: bool, allowed_hosts: list[str]) -> str:
    """SITE_URL without its trailing slash, or a French refusal to start."""
    site_url = site_url.strip().rstrip("/")
    public_hosts = [host for host in allowed_hosts if host not in LOCAL_HOSTS]
    if not site_url and public_hosts and not debug:
        raise ImproperlyConfigured(
            "SITE_URL n'est pas défini : en production (DEBUG=false, ALLOWED_HOSTS="
            f"{','.join(public_hosts)}), indiquez l'adresse publique du site, ex. "
            "SITE_URL=https://pepites.example ; les liens des courriels, flux, exports et PDF "
            "en dépendent."
        )
    if site_url and not (
        site_url.startswith(("http://", "https://")) and "/" not in site_url.split("://", 1)[1]
    ):
        raise ImproperlyConfigured(
            f"SITE_URL doit être une adresse comme https://pepites.example, sans chemin "
            f"(reçu : {site_url!r})."
        )
    return site_url


SITE_URL = check_site_url(
    site_url=os.environ.get("SITE_URL", ""), debug=DEBUG, allowed_hosts=ALLOWED_HOSTS
)
# --- End of the SITE_URL refusal ------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "corsheaders",
    # django-ninja's own static files serve the API's documentation (no CDN).
    "ninja",
    "rules",
    "simple_history",
    # The job queue (pepites/core/jobs): Django's task API and its database backend.
    "django_tasks",
    "django_tasks_db",
    "pepites.core",
    "pepites.accounts",
    "pepites.territories",
    "pepites.network",
    "pepites.organisations",
    "pepites.initiatives",
    "pepites.publications",
    "pepites.events",
    "pepites.resources",
    "pepites.essaimage",
    "pepites.alerts",
    "pepites.insights",
    "pepites.search",
    "pepites.api",
    "pepites.web",
    "pepites.audit",
    "pepites.privacy",
    # Two-factor authentication (pepites/core/twofactor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "pepites.core.middleware.RequestIdMiddleware",
    # Before CommonMiddleware's redirects, so that every answer of /api/ carries the headers.
    "corsheaders.middleware.CorsMiddleware",
    "pepites.api.middleware.ApiMethodNotAllowedMiddleware",
    # A token sent with a read (open to all) still has its last use recorded.
    "pepites.api.middleware.ApiTokenUseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (nonce per request) and Permissions-Policy on every answer.
    "pepites.web.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session, locale and messages: the last word on the headers of the pages
    # shared caches keep (ETag, 304, Cache-Control, Vary).
    "pepites.web.caching.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then the second factor is asked (or its set-up, for the
    # accounts that must have one) before anything else.
    "django_otp.middleware.OTPMiddleware",
    # The client's address for the audit trail (pepites/audit/).
    "pepites.audit.services.AuditAddressMiddleware",
    "pepites.web.accounts.twofactor.TwoFactorMiddleware",
    # Records who made each change of an initiative's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Reads the body within the limits before any view: a 413 in French, never a 500.
    "pepites.core.limits.RequestSizeMiddleware",
    # Links built outside a view (e-mails, exports, PDF) point to the address of the request.
    "pepites.core.siteurl.RequestSiteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pepites.web.context_processors.site",
                "pepites.web.maps.map_settings",
            ],
            # Undefined variables become visible in tests instead of silently empty.
            "string_if_invalid": os.environ.get("PEPITES_TEMPLATE_INVALID", ""),
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'pepites.sqlite3'}"
# Pooled connections are checked before reuse, so that a database restart or failover
# (pg_terminate_backend) costs no request an error.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request after this many seconds, not the system's minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A web server writes from several threads and processes: WAL lets readers go on
    # during a write, IMMEDIATE takes the write lock at BEGIN (no deadlock on upgrade),
    # and the busy timeout makes writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too, so that threads and the live server share the test database.
    # One file per test process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-pepites-{os.getpid()}.sqlite3")}
    # SQLITE_TRANSACTION_MODE exists for the benchmark that shows why IMMEDIATE is needed.
    sqlite_transaction_mode = os.environ.get("SQLITE_TRANSACTION_MODE", "IMMEDIATE").upper()
    if sqlite_transaction_mode not in {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}:
        raise ImproperlyConfigured(
            "SQLITE_TRANSACTION_MODE must be DEFERRED, IMMEDIATE or EXCLUSIVE, "
            f"got {sqlite_transaction_mode!r}"
        )
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": sqlite_transaction_mode,
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-20000;"
            "PRAGMA mmap_size=134217728;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis is an optimisation: down or silent, pages are computed without it (pepites/core/
# cache.py). Each call waits at most these timeouts; after a failure the cache is skipped
# for CACHE_RETRY_SECONDS, so a Redis that drops packets costs a request one timeout at most.
CACHE_RETRY_SECONDS = env_float("CACHE_RETRY_SECONDS", 10)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pepites.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pepites"),
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("CACHE_TIMEOUT", 0.5),
            },
        }
    }
else:
    # Per process. Room for the cards, search answers and counts kept per data version
    # (the default 300 entries would drop them a page of cards at a time).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 10_000)},
        }
    }

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Object permissions (pepites/initiatives/permissions.py) through `rules`; login by e-mail
# address with a database-backed counter of failed attempts (holds across processes).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "pepites.core.authentication.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:index"
# The national team, staff and administrators must use a second factor (TOTP).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Pépites"
# Audit trail of sensitive actions (pepites/audit/): kept this many days, then purged by
# run_retention (docs/donnees-personnelles.md).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
# Retention of personal data (pepites/privacy/retention.py, docs/donnees-personnelles.md):
# subscribers who left or never confirmed and expired invitations, accounts without a login
# (deactivated). Proposers' contact data: PROPOSAL_RETENTION_DAYS, above.
SUBSCRIBER_RETENTION_DAYS = env_int("SUBSCRIBER_RETENTION_DAYS", 30)
INACTIVE_ACCOUNT_DAYS = env_int("INACTIVE_ACCOUNT_DAYS", 730)
LOGOUT_REDIRECT_URL = "home"
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "pepites" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise warns about a missing folder before the first `collectstatic` (a read-only
# var/ must not stop the server: it serves what was collected).
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end libraries come from the npm registry at install time (package-lock.json).
NODE_MODULES_DIR = Path(os.environ.get("NODE_MODULES_DIR", BASE_DIR / "node_modules"))
VENDOR_STATIC = {  # static prefix -> folder inside node_modules
    "vendor/leaflet": "leaflet/dist",
    # The UMD build bundles its dependency kdbush; it is loaded by the map's Web Worker.
    "vendor/supercluster": "supercluster/dist",
    # Fonts of the printed publication (PDF), also usable by the web pages.
    "vendor/fonts/source-sans-3": "@fontsource/source-sans-3/files",
    "vendor/fonts/source-serif-4": "@fontsource/source-serif-4/files",
}
STATICFILES_DIRS = [
    (prefix, NODE_MODULES_DIR / folder)
    for prefix, folder in VENDOR_STATIC.items()
    if (NODE_MODULES_DIR / folder).is_dir()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600
# Without `collectstatic` (tests, development) fall back to the unhashed names.
WHITENOISE_MANIFEST_STRICT = False

# --- Deployment: media on S3-compatible object storage, backups ---------------------------
# MEDIA_STORAGE=storages.backends.s3.S3Storage (django-storages, boto3) keeps the uploaded
# media in a bucket shared by every application server (docs/deploiement.md).
S3_STORAGE = "storages.backends.s3.S3Storage"
if STORAGES["default"]["BACKEND"] in {S3_STORAGE, "s3"}:
    from botocore.config import Config as S3Config

    if not os.environ.get("S3_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE désigne un stockage objet S3 : indiquez son compartiment (S3_BUCKET_NAME)."
        )
    STORAGES["default"] = {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET_NAME"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "location": os.environ.get("S3_LOCATION", ""),
            # Public address of the files (a CDN, or the reverse proxy's /media/): unsigned URLs.
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            "url_protocol": os.environ.get("S3_URL_PROTOCOL", "https:"),
            # Private bucket: signed URLs valid S3_QUERYSTRING_EXPIRE seconds.
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", True),
            "querystring_expire": env_int("S3_QUERYSTRING_EXPIRE", 3600),
            # Like the file system: an upload never replaces another file of the same name.
            "file_overwrite": False,
            "client_config": S3Config(
                s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or "auto"},
                signature_version="s3v4",
                connect_timeout=env_int("S3_TIMEOUT", 5),
                read_timeout=env_int("S3_TIMEOUT", 5),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
# Backups (pepites backup, docs/exploitation.md): where archives go, and how many are kept:
# the newest of each of the last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY weeks.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 5)
# The job queue's nightly backup (run_scheduled_backup); false where a systemd timer on one
# machine runs `pepites backup` instead (deploy/systemd/pepites-backup.timer).
BACKUP_PERIODIC = env_bool("BACKUP_PERIODIC", True)
# --- End of the deployment block -----------------------------------------------------------

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds an SMTP connection or answer is awaited: a silent server never holds a request.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pépites <pepites@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# E-mails are sent by the job queue's workers: a failed sending is retried EMAIL_RETRIES
# times, after EMAIL_RETRY_BACKOFF seconds then twice as long each time (1, 2, 4… min).
EMAIL_RETRIES = env_int("EMAIL_RETRIES", 6)
EMAIL_RETRY_BACKOFF = env_int("EMAIL_RETRY_BACKOFF", 60)

# --- Job queue (pepites/core/jobs, README « File de tâches ») -------------------------------
# Two queues: "default" for what someone waits for within seconds (the map's data, e-mails),
# "bulk" for builds that take minutes at scale (the open-data files), so that one never
# waits behind the other when a worker serves only "default" (config/server.py starts one).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "bulk"],
    }
}
# Seconds between two passes of each worker's scheduler (heartbeat, periodic jobs).
JOBS_SCHEDULER_INTERVAL = env_int("JOBS_SCHEDULER_INTERVAL", 5)
# A worker silent this long is taken for dead: its task is given back to the queue.
JOBS_WORKER_LOST_AFTER = env_int("JOBS_WORKER_LOST_AFTER", 60)
# Proposers' name, e-mail and IP hash are erased this many days after the decision.
PROPOSAL_RETENTION_DAYS = env_int("PROPOSAL_RETENTION_DAYS", 90)
# The nightly check of the initiatives' public links: addresses per night, days between two
# checks of one address, seconds allowed per address.
LINK_CHECK_BATCH = env_int("LINK_CHECK_BATCH", 500)
LINK_CHECK_EVERY_DAYS = env_int("LINK_CHECK_EVERY_DAYS", 7)
LINK_CHECK_TIMEOUT = env_int("LINK_CHECK_TIMEOUT", 10)
# Harvested sources (the centres' own maps): seconds before a fetch is abandoned, largest
# content accepted (bytes), and consecutive failures after which a source is disabled.
HARVEST_TIMEOUT = env_int("HARVEST_TIMEOUT", 20)
HARVEST_MAX_BYTES = env_int("HARVEST_MAX_BYTES", 10 * 1024 * 1024)
HARVEST_MAX_FAILURES = env_int("HARVEST_MAX_FAILURES", 5)
# Finished tasks are kept this many days (failed ones 90 days), then pruned every night.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS transport, for a deployment served over HTTPS (values documented in
# .env.production.example, checked by `make quality` with `check --deploy`).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The liveness and readiness probes are polled over plain HTTP by the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# --- Pépites --------------------------------------------------------------------------
# Reference data of the COG, from the npm package @etalab/decoupage-administratif.
COG_DATA_DIR = Path(
    os.environ.get(
        "COG_DATA_DIR", NODE_MODULES_DIR / "@etalab" / "decoupage-administratif" / "data"
    )
)

# QPV: an initiative outside every QPV but within this distance (metres) is "à proximité".
QPV_NEAR_DISTANCE_M = env_int("QPV_NEAR_DISTANCE_M", 300)
# Address geocoding: the BAN served by the IGN Géoplateforme (pepites/territories/geocoding.py).
# Reference geodata fetched by `pepites fetch_reference_geodata` (docs/qpv.md).
QPV_DATASET_API_URL = os.environ.get(
    "QPV_DATASET_API_URL",
    "https://www.data.gouv.fr/api/1/datasets/"
    "quartiers-prioritaires-de-la-politique-de-la-ville-qpv/",
)
QPV_RESOURCE_URL = os.environ.get("QPV_RESOURCE_URL", "")
QPV_RESOURCE_SHA256 = os.environ.get("QPV_RESOURCE_SHA256", "").lower()
COMMUNE_OUTLINES_DATASET_API_URL = os.environ.get(
    "COMMUNE_OUTLINES_DATASET_API_URL",
    "https://www.data.gouv.fr/api/1/datasets/contours-administratifs/",
)
COMMUNE_OUTLINES_EDITION = os.environ.get("COMMUNE_OUTLINES_EDITION", "100m")
COMMUNE_OUTLINES_RESOURCE_URL = os.environ.get("COMMUNE_OUTLINES_RESOURCE_URL", "")
COMMUNE_OUTLINES_RESOURCE_SHA256 = os.environ.get("COMMUNE_OUTLINES_RESOURCE_SHA256", "").lower()
GEODATA_DIR = Path(os.environ.get("GEODATA_DIR", VAR_DIR / "geodata"))
GEODATA_TIMEOUT = env_int("GEODATA_TIMEOUT", 30)
GEODATA_RETRIES = env_int("GEODATA_RETRIES", 2)
GEODATA_OFFLINE = env_bool("GEODATA_OFFLINE", False)

GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://data.geopf.fr/geocodage").rstrip("/")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 5)
GEOCODER_RETRIES = env_int("GEOCODER_RETRIES", 3)
# Seconds one geocoding (all its attempts and waits) may take at most.
GEOCODER_BUDGET = env_float("GEOCODER_BUDGET", 12)
try:
    GEOCODER_MIN_SCORE = float(os.environ.get("GEOCODER_MIN_SCORE") or 0.5)
except ValueError as exc:
    raise ImproperlyConfigured("GEOCODER_MIN_SCORE must be a number between 0 and 1") from exc
GEOCODER_CACHE_SECONDS = env_int("GEOCODER_CACHE_SECONDS", 60 * 60 * 24 * 30)
# The State's directory of companies (recherche d'entreprises, Sirene data; no key,
# about 7 requests/s per IP): looked up to fill an organisation's legal data.
SIRENE_URL = os.environ.get("SIRENE_URL", "https://recherche-entreprises.api.gouv.fr").rstrip("/")
SIRENE_TIMEOUT = env_int("SIRENE_TIMEOUT", 5)
SIRENE_RETRIES = env_int("SIRENE_RETRIES", 2)
SIRENE_BUDGET = env_float("SIRENE_BUDGET", 12)
SIRENE_CACHE_SECONDS = env_int("SIRENE_CACHE_SECONDS", 60 * 60 * 24)
# Organisations whose SIRET is looked up again by the nightly closure check, at most.
SIRENE_CHECK_BATCH = env_int("SIRENE_CHECK_BATCH", 200)
SIRENE_CHECK_EVERY_DAYS = env_int("SIRENE_CHECK_EVERY_DAYS", 30)
# The public data version (pepites/core/dataversion.py) is re-read from the database at
# most every DATA_VERSION_SECONDS per process: a write on another server is seen by this
# one's ETags within that delay. Anonymous public pages may then be kept by a shared cache
# (nginx, a CDN) SHARED_CACHE_SECONDS (s-maxage) and served stale while it revalidates
# them for SHARED_CACHE_STALE_SECONDS more (stale-while-revalidate); see docs/deploiement.md.
DATA_VERSION_SECONDS = env_float("DATA_VERSION_SECONDS", 1)
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 10)
SHARED_CACHE_STALE_SECONDS = env_int("SHARED_CACHE_STALE_SECONDS", 60)
# The map's data file (every published initiative, compact and precompressed) is built by
# a queued job once per change for the whole deployment and stored in the database; each
# app server re-reads which version is current at most every MAPDATA_VERSION_SECONDS, and
# a replaced version is deleted MAPDATA_GRACE_SECONDS after it stopped being current.
MAPDATA_VERSION_SECONDS = env_int("MAPDATA_VERSION_SECONDS", 1)
MAPDATA_GRACE_SECONDS = env_int("MAPDATA_GRACE_SECONDS", 600)
# The open-data files of every published initiative are built by a queued job at most
# OPENDATA_BUILD_DELAY_SECONDS after a change and kept OPENDATA_GRACE_SECONDS once replaced.
OPENDATA_BUILD_DELAY_SECONDS = env_int("OPENDATA_BUILD_DELAY_SECONDS", 120)
OPENDATA_GRACE_SECONDS = env_int("OPENDATA_GRACE_SECONDS", 3600)
# Map background: "ign" (Plan IGN, Géoplateforme) or "osmfr" (OpenStreetMap France).
MAP_TILES = os.environ.get("MAP_TILES", "ign")
# Public proposals: at most PROPOSALS_PER_HOUR per address (IP) and per e-mail address,
# counted in the database; a form sent back sooner than PROPOSAL_MIN_FILL_SECONDS after it
# was displayed is refused (no person fills it that fast).
PROPOSALS_PER_HOUR = env_int("PROPOSALS_PER_HOUR", 10)
PROPOSAL_MIN_FILL_SECONDS = env_int("PROPOSAL_MIN_FILL_SECONDS", 4)
# Requests "M'en inspirer" (pepites/essaimage): at most ESSAIMAGE_REQUESTS_PER_HOUR per address
# (IP) and per e-mail; the centres are reminded of a request still "nouvelle" after
# ESSAIMAGE_REMINDER_DAYS days (then every ESSAIMAGE_REMINDER_DAYS days).
ESSAIMAGE_REQUESTS_PER_HOUR = env_int("ESSAIMAGE_REQUESTS_PER_HOUR", 5)
ESSAIMAGE_REMINDER_DAYS = env_int("ESSAIMAGE_REMINDER_DAYS", 7)
# The requester's personal data is erased this many days after the request is closed.
ESSAIMAGE_RETENTION_DAYS = env_int("ESSAIMAGE_RETENTION_DAYS", 365)
# The porteurs' check-in (pepites/initiatives/checkins/): a private link sent every
# CHECKIN_EVERY_DAYS to the consenting contact of each published initiative not checked
# since, valid CHECKIN_LINK_DAYS; at most CHECKIN_BATCH e-mails per daily run.
CHECKIN_EVERY_DAYS = env_int("CHECKIN_EVERY_DAYS", 365)
CHECKIN_LINK_DAYS = env_int("CHECKIN_LINK_DAYS", 60)
CHECKIN_BATCH = env_int("CHECKIN_BATCH", 200)
# Agenda (pepites/events): registrations per hour from one address (IP) or e-mail address;
# the reminder is sent once, EVENT_REMINDER_HOURS before the event; the registrations'
# personal data are deleted EVENT_REGISTRATION_RETENTION_DAYS after the event.
EVENT_REGISTRATIONS_PER_HOUR = env_int("EVENT_REGISTRATIONS_PER_HOUR", 10)
EVENT_REMINDER_HOURS = env_int("EVENT_REMINDER_HOURS", 24)
EVENT_REGISTRATION_RETENTION_DAYS = env_int("EVENT_REGISTRATION_RETENTION_DAYS", 180)
# Behind a reverse proxy: the request header holding the client's address (e.g.
# X-Forwarded-For; its last entry is used, the one the proxy added). Empty: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Uploaded images: largest file (bytes) and largest picture (pixels) accepted.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 8 * 1024 * 1024)
# Request size limits (pepites.core.limits): form fields and JSON bodies, then the whole
# request, files included (an import file is 20 MB at most).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 24 * 1024 * 1024)
# Content-Security-Policy: more image origins (space separated), e.g. the object storage
# serving the media; the map tiles' origin is added from MAP_TILES.
CSP_EXTRA_IMG_SOURCES = os.environ.get("CSP_EXTRA_IMG_SOURCES", "").strip()
# Sent by Django's SecurityMiddleware (its default, said here on purpose).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Files of the resource library (PDF, ODT, DOCX); within REQUEST_MAX_BYTES to be uploadable.
RESOURCE_FILE_MAX_BYTES = env_int("RESOURCE_FILE_MAX_BYTES", 20 * 1024 * 1024)
# Serve uploaded media from Django itself (the embedded instance); a national deployment
# serves them from its object storage or its web server instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Open data: any site may read the API and the open data files (CORS), never write: the
# writes need a personal token, sent in a header that only a GET-free preflight would allow.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/|donnees/|flux/)"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
if MAP_TILES not in {"ign", "osmfr"}:
    raise ImproperlyConfigured(f"MAP_TILES must be ign or osmfr, got {MAP_TILES!r}")

# --- Logs and error reporting ---------------------------------------------------------
# One line per event on the standard output: json (production: timestamp, level, logger,
# message, request id) or text (a person reading a terminal). See pepites/core/logging.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "WARNING"))
# Errors also reported to a Sentry-compatible service (Sentry, GlitchTip…) when set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    init_error_reporting(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# --- Readiness (/healthz/ready, pepites/core/health.py) --------------------------------
# Each entry returns a Check ("ok", "degraded" or "failed": failed answers 503).
HEALTH_CHECKS = [
    "pepites.core.health.database",
    "pepites.core.health.cache_check",
    "pepites.core.health.media_storage",
    "pepites.core.health.disk",
    "pepites.core.jobs.health.job_queue",
]
HEALTH_DATABASE_TIMEOUT = env_float("HEALTH_DATABASE_TIMEOUT", 2.0)
# Under this much free space (MB) in var/ or the media folder, the instance is not ready.
HEALTH_MIN_FREE_MB = env_int("HEALTH_MIN_FREE_MB", 200)
# A due job waiting longer than this (seconds) means too few workers, or none: "degraded"
# (pages are still served; e-mails and imports wait).
HEALTH_JOBS_MAX_WAIT = env_int("HEALTH_JOBS_MAX_WAIT", 300)

# --- Error pages ----------------------------------------------------------------------
CSRF_FAILURE_VIEW = "pepites.web.core.errors.csrf_failure"
