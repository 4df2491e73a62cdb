"""The one settings module of Pépites: every deployment-specific value comes from the
environment (see `.env.example`), with safe defaults for the embedded SQLite instance."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The embedded instance keeps a random key of its own in var/, never in the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

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
    "pepites.core",
    "pepites.territories",
    "pepites.network",
    "pepites.initiatives",
    "pepites.publications",
    "pepites.search",
    "pepites.api",
    "pepites.web",
]

MIDDLEWARE = [
    # Before CommonMiddleware's redirects, so that every answer of /api/ carries the headers.
    "corsheaders.middleware.CorsMiddleware",
    "pepites.api.middleware.ApiMethodNotAllowedMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change of an initiative's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
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
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pepites"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
# WhiteNoise warns about a missing folder before the first `collectstatic`.
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
STORAGES = {
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

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pépites <pepites@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://data.geopf.fr/geocodage").rstrip("/")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 5)
GEOCODER_RETRIES = env_int("GEOCODER_RETRIES", 3)
try:
    GEOCODER_MIN_SCORE = float(os.environ.get("GEOCODER_MIN_SCORE") or 0.5)
except ValueError as exc:
    raise ImproperlyConfigured("GEOCODER_MIN_SCORE must be a number between 0 and 1") from exc
GEOCODER_CACHE_SECONDS = env_int("GEOCODER_CACHE_SECONDS", 60 * 60 * 24 * 30)
# The map's data file (every published initiative, compact and precompressed) is built
# here once per data version; the version is re-read from the database at most every
# MAPDATA_VERSION_SECONDS per process (writes through the services are seen at once).
MAPDATA_DIR = Path(os.environ.get("MAPDATA_DIR", VAR_DIR / "mapdata"))
MAPDATA_VERSION_SECONDS = env_int("MAPDATA_VERSION_SECONDS", 2)
# When this process's last build took longer than MAPDATA_BACKGROUND_BUILD_MS, a change is
# built in a background thread while the previous version keeps being served (a visitor
# never waits for a rebuild of a large map); quicker builds are done in the request.
MAPDATA_BACKGROUND_BUILD_MS = env_int("MAPDATA_BACKGROUND_BUILD_MS", 500)
# Map background: "ign" (Plan IGN, Géoplateforme) or "osmfr" (OpenStreetMap France).
MAP_TILES = os.environ.get("MAP_TILES", "ign")
# Public proposals: at most PROPOSALS_PER_HOUR per address (IP) and per e-mail address,
# counted in the database; a form sent back sooner than PROPOSAL_MIN_FILL_SECONDS after it
# was displayed is refused (no person fills it that fast).
PROPOSALS_PER_HOUR = env_int("PROPOSALS_PER_HOUR", 10)
PROPOSAL_MIN_FILL_SECONDS = env_int("PROPOSAL_MIN_FILL_SECONDS", 4)
# Behind a reverse proxy: the request header holding the client's address (e.g.
# X-Forwarded-For; its last entry is used, the one the proxy added). Empty: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Uploaded images: largest file (bytes) and largest picture (pixels) accepted.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 8 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Serve uploaded media from Django itself (the embedded instance); a national deployment
# serves them from its object storage or its web server instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Open data: any site may read the API and the open data files (CORS), never write: the
# writes need a personal token, sent in a header that only a GET-free preflight would allow.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/|donnees/|flux/)"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
# Files uploaded to the workspace's import, kept two days with the state of their job.
IMPORT_DIR = Path(os.environ.get("IMPORT_DIR", VAR_DIR / "imports"))
if MAP_TILES not in {"ign", "osmfr"}:
    raise ImproperlyConfigured(f"MAP_TILES must be ign or osmfr, got {MAP_TILES!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
