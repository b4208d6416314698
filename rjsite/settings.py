"""All configuration of RJ Archive, read from the environment in one place.

Every variable is documented in the README. Runtime data (database, search index, the
generated development secret key) lives in one ignored folder, ``var/`` by default.
"""

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Production mode: a real SECRET_KEY is required, static files get hashed, compressed
# names, and (unless ARCHIVE_HTTPS=false, e.g. on loopback) HTTPS is enforced.
PRODUCTION = env_bool("PRODUCTION", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (PRODUCTION=true).")
if PRODUCTION and len(os.environ.get("SECRET_KEY", "")) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) in production.")


def _secret_key() -> str:
    """SECRET_KEY from the environment; without it, a random key kept in the data folder.

    The fallback keeps a fresh checkout working with no secret in the repository; a
    production deployment must set SECRET_KEY explicitly.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.sitemaps",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    # A second factor for staff (TOTP; the archive's own hashed recovery codes) and the
    # record of every change (archive/accounts/, archive/audit/).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Replays of captured pages only on their own origin, and nothing else there.
    "archive.web.replay.ReplayOrigin",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface's language from the address (/ru/, /ja/; English unprefixed), then a
    # first visit sent to the visitor's language (archive/web/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    "archive.web.languages.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A staff session: verified with a second factor before any admin page, ended after
    # inactivity, recorded; each request's changes recorded with who, where and whence.
    "django_otp.middleware.OTPMiddleware",
    "archive.accounts.middleware.StaffSessions",
    "archive.accounts.middleware.SecondFactorRequired",
    "archive.audit.middleware.AuditContext",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "rjsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "archive.web.languages.alternates",
                "archive.web.lists.list_in_header",
            ],
            # The archive's template tags live in its web layer, not the app's top level.
            "libraries": {"citation_tags": "archive.web.templatetags.citation_tags"},
        },
    },
]

WSGI_APPLICATION = "rjsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets searches read while an editor writes; the busy timeout makes concurrent
    # writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages (the documents' own languages are any ISO 639-1 code).
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Topic and source names in each language (archive/translation.py); English where missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Original files of entries (saved pages, PDFs, scans), kept by their SHA-256: a local
# folder by default; ARCHIVE_ORIGINALS_STORAGE=s3 keeps them in an S3-compatible store
# (django-storages; credentials from the usual AWS_* variables).
if os.environ.get("ARCHIVE_ORIGINALS_STORAGE", "").lower() == "s3":
    ORIGINALS_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ARCHIVE_S3_BUCKET"],
            "endpoint_url": os.environ.get("ARCHIVE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ARCHIVE_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    ORIGINALS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(os.environ.get("ARCHIVE_ORIGINALS_DIR", DATA_DIR)))},
    }
# The largest file an editor may capture or attach; larger uploads are refused as they
# arrive, before they are read whole.
ARCHIVE_CAPTURE_MAX_BYTES = int(os.environ.get("ARCHIVE_CAPTURE_MAX_MB", "50")) * 1024 * 1024
# OCR of scans (docs/capture.md, "Scans"): OCRmyPDF and Tesseract from Debian's packages.
# Readings run "background" (a thread of the saving process: the development server),
# "now" (in the request, after its commit: tests) or "off" (by `manage.py ocr`, and in
# production by `manage.py ocr --follow` beside the web workers, which never run OCR).
ARCHIVE_OCR_ON_CAPTURE = os.environ.get(
    "ARCHIVE_OCR_ON_CAPTURE", "off" if PRODUCTION else "background"
)
ARCHIVE_OCRMYPDF = os.environ.get("ARCHIVE_OCRMYPDF", "ocrmypdf")
ARCHIVE_OCR_LANGUAGES = os.environ.get("ARCHIVE_OCR_LANGUAGES", "eng+rus+jpn+jpn_vert")
ARCHIVE_OCR_JOBS = int(os.environ.get("ARCHIVE_OCR_JOBS", "1"))  # pages read at once
ARCHIVE_OCR_MAX_PAGES = int(os.environ.get("ARCHIVE_OCR_MAX_PAGES", "1000"))
ARCHIVE_OCR_MAX_MEGAPIXELS = int(os.environ.get("ARCHIVE_OCR_MAX_MEGAPIXELS", "100"))
ARCHIVE_OCR_MEMORY_MB = int(os.environ.get("ARCHIVE_OCR_MEMORY_MB", "3072"))  # each process
ARCHIVE_OCR_SECONDS_PER_PAGE = int(os.environ.get("ARCHIVE_OCR_SECONDS_PER_PAGE", "120"))
# Pages whose mean word confidence is below this are listed for proofreading.
ARCHIVE_OCR_CONFIDENCE_THRESHOLD = float(os.environ.get("ARCHIVE_OCR_CONFIDENCE_THRESHOLD", "80"))
# A scan with at most this many pages to read is read in the capturing request (a failure is
# then a refusal); longer ones make their draft at once and are read in the background.
ARCHIVE_OCR_INLINE_PAGES = int(os.environ.get("ARCHIVE_OCR_INLINE_PAGES", "2"))
ARCHIVE_OCR_POLL_SECONDS = float(os.environ.get("ARCHIVE_OCR_POLL_SECONDS", "3"))
# Capture by address (archive/capture/web/): networks the server may fetch from although
# they are not public (comma-separated CIDR; the tests' local server: 127.0.0.0/8), the
# resources a page may bring, and the time a whole capture may take.
ARCHIVE_CAPTURE_ALLOWED_NETWORKS = env_list("ARCHIVE_CAPTURE_ALLOWED_NETWORKS", "")
ARCHIVE_CAPTURE_MAX_RESOURCES = int(os.environ.get("ARCHIVE_CAPTURE_MAX_RESOURCES", "100"))
ARCHIVE_CAPTURE_SECONDS = float(os.environ.get("ARCHIVE_CAPTURE_SECONDS", "60"))
# Every upload is a document to extract from a file: written once to a temporary file,
# which capture hashes and reads where it is (never held in memory, never copied again).
FILE_UPLOAD_HANDLERS = [
    "archive.capture.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": ORIGINALS_STORAGE,
    "staticfiles": {
        # In production, `collectstatic` writes hashed, compressed files served for years.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production, whitenoise serves straight from the app and static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Security headers and cookies.
HTTPS = env_bool("ARCHIVE_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("ARCHIVE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],  # htmx runs from static/ with eval disabled
        "style-src": [SELF, "'unsafe-inline'"],  # the admin's widgets set inline styles
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# The admin's address (keep it unguessable in production) and its guard against
# password guessing: five failures for one username from one address lock it for 15 min.
ADMIN_URL = os.environ.get("ARCHIVE_ADMIN_URL", "admin/").strip("/") + "/"
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "archive/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("ARCHIVE_BEHIND_PROXY", False) else 0
ARCHIVE_BEHIND_PROXY = env_bool("ARCHIVE_BEHIND_PROXY", False)

# Requests one client may make (archive/web/ratelimits.py): "N/s", "N/m" or "N/h"; empty for
# no limit. The search page counts full pages and htmx updates (typing makes a few).
ARCHIVE_RATE_LIMITS = {
    "search": os.environ.get("ARCHIVE_RATE_LIMIT_SEARCH", "120/m"),
    "api": os.environ.get("ARCHIVE_RATE_LIMIT_API", "60/m"),
    "export": os.environ.get("ARCHIVE_RATE_LIMIT_EXPORT", "10/m"),
    # OpenSearch suggestions: a request per keystroke in a browser's address bar.
    "suggest": os.environ.get("ARCHIVE_RATE_LIMIT_SUGGEST", "300/m"),
    # Researchers' lists shared (each makes a permanent list) per client.
    "share": os.environ.get("ARCHIVE_RATE_LIMIT_SHARE", "20/h"),
    # Searches with * or ? (page, API or export), on top of the limit above.
    "wildcard": os.environ.get("ARCHIVE_RATE_LIMIT_WILDCARD", "10/m"),
}
# Counters live in the shared cache: the database's, so that every worker counts together.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "archive_cache",
    }
}

# Where the Whoosh search index lives.
ARCHIVE_INDEX_DIR = Path(os.environ.get("ARCHIVE_INDEX_DIR", DATA_DIR / "index"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "archive": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # A request that fails with a 500 leaves its traceback in the server's log (by
        # default Django sends it only to ADMINS by mail, which is not configured).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Staff accounts need a second factor ("required"); "optional" is allowed on the
# development server only (DEBUG), and production refuses to start with it.
ARCHIVE_SECOND_FACTOR = os.environ.get("ARCHIVE_SECOND_FACTOR", "required")
if ARCHIVE_SECOND_FACTOR not in ("required", "optional") or (
    ARCHIVE_SECOND_FACTOR == "optional" and (PRODUCTION or not DEBUG)
):
    raise ImproperlyConfigured(
        "ARCHIVE_SECOND_FACTOR=optional is for the development server only (DEBUG=true, "
        "not PRODUCTION); production needs a second factor for every staff account."
    )
OTP_TOTP_ISSUER = "RJ Archive"
# The admin never shows a device's key or QR code again: whoever reads it could make codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code (django-otp)
# A staff session ends after this long without a request.
ARCHIVE_STAFF_IDLE_MINUTES = int(os.environ.get("ARCHIVE_STAFF_IDLE_MINUTES", "60"))
# The record of changes: field by field, as JSON (django-auditlog).
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True  # the address comes from archive.audit, not a header

# The curated seed collection loaded by `manage.py load_seed`.
ARCHIVE_SEED_DIR = BASE_DIR / "archive" / "seed"
# People, places and organizations read from an entry after it is saved: "background"
# (one thread of the saving process: the development server), "now" (in the request,
# after its commit) or "off" (by `manage.py extract_entities`, and in production by
# `extract_entities --follow` beside the web workers, which then never load the models).
ARCHIVE_ENTITIES_ON_SAVE = os.environ.get(
    "ARCHIVE_ENTITIES_ON_SAVE", "off" if PRODUCTION else "background"
)
ARCHIVE_ENTITIES_POLL_SECONDS = float(os.environ.get("ARCHIVE_ENTITIES_POLL_SECONDS", "5"))
# The archive's public address: the base of the URIs it gives things outside a request
# (the thesaurus's concepts in SKOS files).
ARCHIVE_BASE_URL = os.environ.get("ARCHIVE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


# Replay of captured web pages (ReplayWeb.page, archive/web/replay.py) on an origin of its
# own, which must not share the archive's cookies: another host (best another registrable
# domain, e.g. https://rjarchive-replay.org beside https://rjarchive.org), never the
# archive's own. Unset in development: the other spelling of the local host
# (127.0.0.1 ↔ localhost, same port). Empty in production: no replay, downloads only.
def _local_replay_origin(base: str) -> str:
    for ours, other in (("//127.0.0.1", "//localhost"), ("//localhost", "//127.0.0.1")):
        if ours in base:
            return base.replace(ours, other, 1)
    return ""


ARCHIVE_REPLAY_ORIGIN = os.environ.get(
    "ARCHIVE_REPLAY_ORIGIN", "" if PRODUCTION else _local_replay_origin(ARCHIVE_BASE_URL)
).rstrip("/")
if ARCHIVE_REPLAY_ORIGIN:
    _replay_host = urlsplit(ARCHIVE_REPLAY_ORIGIN).hostname or ""
    if _replay_host not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_replay_host)
# A researcher's list (archive/lists/): the most entries it may hold.
ARCHIVE_LIST_MAX_ENTRIES = int(os.environ.get("ARCHIVE_LIST_MAX_ENTRIES", "1000"))
# How long a replay address given to an editor (a capture readers may not see) opens it.
ARCHIVE_REPLAY_KEY_HOURS = float(os.environ.get("ARCHIVE_REPLAY_KEY_HOURS", "12"))
# OAI-PMH: who harvesters write to (Identify), and how many records a response carries.
ARCHIVE_ADMIN_EMAIL = os.environ.get("ARCHIVE_ADMIN_EMAIL", "editors@rjarchive.example.org")
ARCHIVE_OAI_PAGE_SIZE = int(os.environ.get("ARCHIVE_OAI_PAGE_SIZE", "50"))

# Seconds an index writer waits for Whoosh's lock before leaving its change in the log
# for the next writer (nothing is lost: see archive.models.IndexChange).
ARCHIVE_INDEX_LOCK_TIMEOUT = float(os.environ.get("ARCHIVE_INDEX_LOCK_TIMEOUT", "5"))
# Several app servers (docs/scaling.md): each follows the change log into its own index,
# woken by PostgreSQL's NOTIFY and polling every ARCHIVE_INDEX_POLL_SECONDS besides (the
# only way on SQLite); ARCHIVE_FOLLOW_CHANGES=false turns the follower off (commands,
# tests). /healthz answers 503 once the oldest change not applied here has waited longer
# than ARCHIVE_INDEX_MAX_LAG_SECONDS. The log keeps changes this many days and at most
# this many (a node further behind rebuilds its index from the database).
ARCHIVE_FOLLOW_CHANGES = os.environ.get("ARCHIVE_FOLLOW_CHANGES", "true").lower() == "true"
ARCHIVE_INDEX_POLL_SECONDS = float(os.environ.get("ARCHIVE_INDEX_POLL_SECONDS", "2"))
ARCHIVE_INDEX_MAX_LAG_SECONDS = float(os.environ.get("ARCHIVE_INDEX_MAX_LAG_SECONDS", "60"))
# Changes applied per index commit when catching up (a smaller batch commits more often).
ARCHIVE_INDEX_APPLY_BATCH = int(os.environ.get("ARCHIVE_INDEX_APPLY_BATCH", "500"))
ARCHIVE_CHANGE_LOG_KEEP_DAYS = float(os.environ.get("ARCHIVE_CHANGE_LOG_KEEP_DAYS", "30"))
ARCHIVE_CHANGE_LOG_KEEP_CHANGES = int(os.environ.get("ARCHIVE_CHANGE_LOG_KEEP_CHANGES", "1000000"))
# /healthz reports the index's write lock (or the rebuild lock) once held this long: a
# rebuild holds it throughout (about 4 minutes at 100,000 entries).
ARCHIVE_INDEX_LOCK_ALERT_SECONDS = float(os.environ.get("ARCHIVE_INDEX_LOCK_ALERT_SECONDS", "1800"))
# What one search may cost (README, "Limits"): words a wildcard stands for (the most
# frequent first), wildcard words per query, words and phrases per query, words per phrase,
# words of the archive looked at to expand one wildcard, and seconds of processor time
# before a search is stopped (answered with 503 and Retry-After).
ARCHIVE_SEARCH_MAX_EXPANSIONS = int(os.environ.get("ARCHIVE_SEARCH_MAX_EXPANSIONS", "20"))
ARCHIVE_SEARCH_MAX_WILDCARDS = int(os.environ.get("ARCHIVE_SEARCH_MAX_WILDCARDS", "3"))
ARCHIVE_SEARCH_MAX_CLAUSES = int(os.environ.get("ARCHIVE_SEARCH_MAX_CLAUSES", "64"))
ARCHIVE_SEARCH_MAX_PHRASE_WORDS = int(os.environ.get("ARCHIVE_SEARCH_MAX_PHRASE_WORDS", "12"))
ARCHIVE_SEARCH_MAX_SCANNED_WORDS = int(os.environ.get("ARCHIVE_SEARCH_MAX_SCANNED_WORDS", "100000"))
ARCHIVE_SEARCH_TIME_BUDGET = float(os.environ.get("ARCHIVE_SEARCH_TIME_BUDGET", "2"))
# Megabytes a rebuild's worker process stays under: it writes its segment before its
# resident memory, with what writing adds, would pass this (batch_writer.py). More is
# faster (fewer, larger segments); the process itself takes 200-450 MiB of it.
ARCHIVE_REBUILD_MEMORY_MB = int(os.environ.get("ARCHIVE_REBUILD_MEMORY_MB", "1280"))
# Megabytes per process for decoded posting lists of frequent words (0: no cache).
ARCHIVE_POSTINGS_CACHE_MB = float(os.environ.get("ARCHIVE_POSTINGS_CACHE_MB", "64"))
# Bytes from which a serving process's allocations get mappings of their own, given back
# when freed (archive/processes.py): less memory, slower searches (docs/operations.md).
# 0, the default: the C library's own policy.
ARCHIVE_MALLOC_MMAP_THRESHOLD = int(os.environ.get("ARCHIVE_MALLOC_MMAP_THRESHOLD", "0"))
