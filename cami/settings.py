"""The one settings module. Deployment-specific values come from the environment (see README.md)."""
from datetime import timedelta
from pathlib import Path
import os

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The development key only ever signs sessions of a development server or a test run:
# cami/wsgi.py (what production serves) refuses to start with it while DEBUG is off.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires: plan texts per language (*/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework.authtoken",
    "axes",
    "csp",
    # Background exports: the django.tasks backport and its database backend (worker: manage.py db_worker).
    "django_tasks",
    "django_tasks_db",
    "conservation_units",
    "actionplans",
    "reporting",
    "cami",  # operations: manage.py backup / restore (cami/management/commands)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cami.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses every page and API answer (static files come precompressed from WhiteNoise above, which
    # answers them before this runs). Above every middleware that reads or writes the body, as Django's
    # middleware ordering asks; its Heal-the-Breach padding (up to 100 random bytes in the gzip header,
    # Django 4.2+) and the masked CSRF token are the BREACH mitigations Django documents.
    # (cami.streaming's: Django's, flushing a streamed page part by part.)
    "cami.streaming.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reporting.middleware.UserLanguageMiddleware",
    "cami.middleware.ApiLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

# Axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cami.urls"
WSGI_APPLICATION = "cami.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file in the project root unless DATABASE_URL names another database (postgres://...).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost passes jit_above_cost, and the
    # dashboards' pair query (three correlated subqueries per pair, reporting/selectors.pair_queryset)
    # passes it at a million reports, then spends ~0.9 s of ~0.9 s compiling what runs in ~20 ms.
    # The app's queries are short OLTP reads, where JIT never pays back (README "Measured, not assumed").
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A filter's empty choice on the pages says what it means: every value (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FORMAT_MODULE_PATH = ["cami.formats"]  # English dates without m/d/Y (cami/formats/en/formats.py)
# Plan texts (titles, outline, unit names, activity text, actor, indicator, footnotes) have a column per
# language of LANGUAGES (text_en, text_ru); the English one is the printed original, shown wherever
# the interface language has none (cami/languages.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence and export files: the local disk (MEDIA_ROOT) unless CAMI_S3_BUCKET names a bucket of an
# S3-compatible object store, which several app servers then share (README "Files on object storage").
CAMI_S3_BUCKET = os.environ.get("CAMI_S3_BUCKET", "")


def file_storage() -> dict:
    if not CAMI_S3_BUCKET:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": CAMI_S3_BUCKET,
        "endpoint_url": os.environ.get("CAMI_S3_ENDPOINT_URL") or None,  # None: Amazon S3 itself
        "region_name": os.environ.get("CAMI_S3_REGION") or None,
        "access_key": os.environ.get("CAMI_S3_ACCESS_KEY_ID") or None,  # None: boto3's own chain (role, profile)
        "secret_key": os.environ.get("CAMI_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("CAMI_S3_PREFIX", ""),
        # Files are private: the app streams them after its permission check, never a public URL.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Evidence files are served through a view that checks who may see them, never from MEDIA_URL.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Background tasks (README "Background exports") -----------------------------------------------
# The database backend by default: tasks wait in a table and `manage.py db_worker` runs them. For several
# machines, TASKS_BACKEND names a distributed django-tasks backend (Celery or RQ), configured as it documents.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    },
}
# Exports of more than one plan or country run as tasks; their files are kept this many days
# (then `manage.py exports_cleanup`, run daily, removes them and their jobs).
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
# A job running longer than this is taken for one whose worker died: it is retried (EXPORT_JOB_ATTEMPTS
# runs in all), then marked failed. Longer than the slowest export, which takes well under a minute.
EXPORT_JOB_TIMEOUT_MINUTES = int(os.environ.get("EXPORT_JOB_TIMEOUT_MINUTES", "30"))
EXPORT_JOB_ATTEMPTS = int(os.environ.get("EXPORT_JOB_ATTEMPTS", "2"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "actionplans:actionplan_list"

# Mail (reminders, password reset): printed to the console in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CAMI tracker <noreply@localhost>")
# Absolute address of the site, for links in mails sent outside a request (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Security (README, "Security settings") ---------------------------------------------------------
# Secure unless DEBUG: HTTPS only (redirect, HSTS, secure cookies); each can be turned off from the
# environment. Over plain http (scripts/run, tests) DEBUG is on or the tests turn the redirect off.

# Reverse proxies in front of the app that append the client's address to X-Forwarded-For and set
# X-Forwarded-Proto (nginx, a load balancer): 1 by default in production, 0 when clients reach the app
# directly. Lockouts and throttles count by the address this gives (cami.security.client_ip).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0" if DEBUG else "1"))
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django's defaults, written out because they are part of the policy: no framing, no MIME sniffing,
# the referrer only to this site, a window of its own.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The pages need no JavaScript and load nothing from elsewhere; Swagger UI (/api/docs/) and the admin
# load their scripts from /static/. No inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Failed sign-ins (pages, admin, API token) are counted per address and per account from that address;
# AXES_FAILURE_LIMIT failures within AXES_COOLOFF_MINUTES lock out until the cool-off has passed or the
# Secretariat unlocks (admin "Access attempts", manage.py axes_reset_username / axes_reset_ip).
# With one limit for both, the address's count (which includes each account's from it) locks first:
# an address is locked for every account. Never by user name alone, which would let anyone lock a
# focal point out from anywhere. A success clears that account's failures only (AccountAddressHandler).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "cami.security.AccountAddressHandler"
AXES_LOCKOUT_CALLABLE = "cami.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cami.security.client_ip"

# Throttle counts and anything else cached: shared by every worker. db://<table> (the default: run
# `manage.py createcachetable` once), locmem:// (one process only), redis://host:6379/0 (needs redis-py).
CACHE_URL = os.environ.get("CACHE_URL", "db://cami_cache")


def cache_from_url(url: str) -> dict:
    scheme, _, rest = url.partition("://")
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest or "cami_cache"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"CACHE_URL must start with db://, locmem:// or redis://, not {url!r}")


CACHES = {"default": cache_from_url(CACHE_URL)}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "cami.exceptions.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cami.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "cami.schema.AutoSchema",
    "PAGE_SIZE": 50,
    # Anonymous API use by address; the token endpoint and the exports add their own scopes.
    "DEFAULT_THROTTLE_CLASSES": ["cami.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/minute"),
        "login": os.environ.get("THROTTLE_LOGIN", "10/minute"),
        "exports": os.environ.get("THROTTLE_EXPORTS", "20/hour"),
    },
    "NUM_PROXIES": PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CAMI action-plan tracker API",
    "DESCRIPTION": (
        "Read the action plans of the CMS Central Asian Mammals Initiative: plans, conservation units, "
        "countries and every measure, annex action and activity with its fields as printed."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Three models have a field named status: give each vocabulary its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ProgressStatusEnum": "reporting.models.ProgressReport.Status",
        "RoundStatusEnum": "reporting.models.ReportingRound.Status",
        "ExportJobStatusEnum": "reporting.models.ExportJob.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "cami.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own configuration gives "django" a console handler of its own (with DEBUG on): one record
    # would print twice, once there and once at the root.
    "loggers": {"django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False}},
}
