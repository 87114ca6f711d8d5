"""Settings shared by every environment."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, cache_config, database_config, env_bool, env_int, env_str

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused by production settings
SECRET_KEY = env_str("WAIBAO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "[::1]"]

# The audit chain's HMAC keys are held outside the database (src/waibao/audit/keys.py says how to write them).
WAIBAO_AUDIT_KEY = env_str("WAIBAO_AUDIT_KEY")
WAIBAO_AUDIT_KEY_FILE = env_str("WAIBAO_AUDIT_KEY_FILE")
WAIBAO_AUDIT_DEV_KEY_ALLOWED = True  # the public development key; production refuses it

DATA_DIR = BASE_DIR / env_str("WAIBAO_DATA_DIR", "var")
MEDIA_ROOT = DATA_DIR / "private-files"  # evidence and uploads: never served directly

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "waibao.common",
    "waibao.accounts",
    "waibao.audit",
    "waibao.jobs",
    "waibao.workdays",
    "waibao.registry",
    "waibao.governance",
    "waibao.talent",
    "waibao.recruitment",
    "waibao.policy",
    "waibao.statistics",
    "waibao.applications",
    "waibao.ledger",
    "waibao.promotion",
    "waibao.casework",
    "waibao.topten",
    "waibao.portal",
    "waibao.opendata",
    "waibao.api",
    # The outsourcing website (issue 15): Wagtail edits and serves /site/, its admin is /cms/.
    "waibao.website",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "django_filters",
    "modelcluster",
    "taggit",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "waibao.common.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "waibao.common.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "waibao.accounts.middleware.VerifiedDeviceMiddleware",  # django-otp's, with a cheaper device check
    "waibao.api.middleware.ApiTokenMiddleware",
    "waibao.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "waibao.common.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's renderer with a select that writes its options in place (no two includes per option).
FORM_RENDERER = "waibao.common.forms.FormRenderer"
TEMPLATES = [
    {
        # Django's backend, whose tag-library check knows the `i18n` mapping below is deliberate
        "BACKEND": "waibao.common.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waibao.accounts.context_processors.role",
                "waibao.common.public_cache.csrf_context",  # last: a cached public page's forms get a placeholder
            ],
            # Django's i18n library with constant translations rendered once per language (common/templatetags)
            "libraries": {"i18n": "waibao.common.templatetags.fast_i18n"},
        },
    },
]

DATABASES = {"default": database_config(DATA_DIR / "waibao.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "waibao.accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "waibao.accounts.passwords.LocalBreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Sessions end after two hours without activity, and when the browser closes.
SESSION_ENGINE = "waibao.accounts.backends"  # Django's database sessions, read by one plain query
SESSION_COOKIE_AGE = env_int("WAIBAO_SESSION_SECONDS", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Brute-force lockout: five failures lock the account for 30 minutes whatever addresses they came from,
# and five failures from one address lock that address (password spraying across accounts).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"

EMAIL_BACKEND = env_str("WAIBAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("WAIBAO_FROM_EMAIL", "waibao@localhost")
# The mail server (with WAIBAO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env_str("WAIBAO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("WAIBAO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("WAIBAO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("WAIBAO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("WAIBAO_EMAIL_STARTTLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("WAIBAO_EMAIL_SSL")  # TLS from the start, usually port 465
# Seconds the worker waits on the mail server before the attempt counts as failed and is tried again later
# (Django's default waits for ever, and the worker that sends mail also runs the imports).
EMAIL_TIMEOUT = env_int("WAIBAO_EMAIL_TIMEOUT", 30)
# The language the command line answers in (`waibao --language en …` chooses another for one command).
WAIBAO_CLI_LANGUAGE = env_str("WAIBAO_CLI_LANGUAGE", LANGUAGE_CODE)
# The platform's public address: links in e-mails are absolute on it.
WAIBAO_SITE_URL = env_str("WAIBAO_SITE_URL", "http://127.0.0.1:8000")

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Imports and background jobs (issue 9 §1) -----------------------------------------------------------
# Every import and large export runs as a job on django-tasks' database backend; `waibao db_worker` runs
# them (`make run` starts one beside the web server). The limits below are checked before any parsing
# (see `waibao.common.tabular`): they fit the job (a year of a city's contracts is under 100,000 rows)
# and keep a worker's memory bounded whatever the file.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMPORT_MAX_BYTES = env_int("WAIBAO_IMPORT_MAX_BYTES", 24 * 1024 * 1024)  # the upload itself
IMPORT_MAX_ROWS = env_int("WAIBAO_IMPORT_MAX_ROWS", 150_000)
IMPORT_MAX_ERRORS = 500  # listed per file; checking stops there and the page says how many rows were left
IMPORT_MAX_COLUMNS = 64
IMPORT_XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024  # the sum of the declared sizes of every part
IMPORT_XLSX_MAX_RATIO = 100  # declared / compressed size of a part above 1 MB
IMPORT_XLSX_MAX_PART = 4 * 1024 * 1024  # styles and every other XML part openpyxl loads whole (not the sheets)
IMPORT_XLSX_MAX_SHARED_STRINGS = 400_000  # entries; openpyxl's read-only mode still loads them all
IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
JOBS_DIR = DATA_DIR / "jobs"  # uploads waiting for their job, exports and error reports; never served directly
# --- end of imports and background jobs --------------------------------------------------------------------

# Personal data (common/personal_id.py): the key of the identity-number hash and the keys that encrypt whole
# numbers come from the environment, never the database. These defaults serve development and tests only;
# production refuses to start with them.
DEV_PERSONAL_ID_HASH_KEY = "waibao-development-only-personal-id-hash-key"
DEV_PERSONAL_DATA_KEY = "d2FpYmFvLWRldmVsb3BtZW50LW9ubHkta2V5LTAwMDE="
WAIBAO_PERSONAL_ID_HASH_KEY = env_str("WAIBAO_PERSONAL_ID_HASH_KEY", DEV_PERSONAL_ID_HASH_KEY)
# Comma-separated Fernet keys, newest first (rotation: add the new key in front, re-encrypt, drop the old).
WAIBAO_PERSONAL_DATA_KEYS = [
    k.strip() for k in env_str("WAIBAO_PERSONAL_DATA_KEYS", DEV_PERSONAL_DATA_KEY).split(",") if k.strip()
]

# The default policy/city data set: another city points this at its own folder.
WAIBAO_DEFAULT_DATASET = BASE_DIR / env_str("WAIBAO_DATASET", "data/default")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Security (issue 9 §3–§5): client address, two-factor, CSP, request size, site URL -------------------
# The number of reverse proxies in front of the platform that append to X-Forwarded-For. 0: REMOTE_ADDR is
# the client. Every per-client limit (sign-in lockout, objections, registration) reads the address through
# `waibao.common.clientip.client_ip`, so a proxy never makes the whole city one client.
WAIBAO_TRUSTED_PROXY_COUNT = env_int("WAIBAO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "waibao.common.clientip.client_ip"
# Absolute links in mail (no trailing slash), e.g. https://waibao.example.gov.cn
WAIBAO_SITE_URL = env_str("WAIBAO_SITE_URL", "http://127.0.0.1:8000")
# Staff roles that must sign in with a one-time code (TOTP) as well as the password.
OTP_TOTP_ISSUER = "waibao"
# Any request whose declared body is larger is refused with 413 before it is read (uploads included).
WAIBAO_MAX_REQUEST_BYTES = env_int("WAIBAO_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Self-registration: at most this many per client address an hour.
WAIBAO_REGISTRATIONS_PER_HOUR = env_int("WAIBAO_REGISTRATIONS_PER_HOUR", 3)
# Public objections: the code sent to the contact, the office's triage time limit, the caps.
WAIBAO_OBJECTION_CHANNEL = "waibao.applications.objection_channel.EmailChannel"
WAIBAO_OBJECTION_CODE_MINUTES = 30
WAIBAO_OBJECTION_TRIAGE_HOURS = env_int("WAIBAO_OBJECTION_TRIAGE_HOURS", 48)
WAIBAO_OBJECTIONS_PER_APPLICATION = 20
WAIBAO_OBJECTIONS_PER_CONTACT_PER_DAY = 3
WAIBAO_OBJECTIONS_PER_CLIENT_PER_HOUR = 5
# Content-Security-Policy on every page: scripts and styles from our own static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# --- Performance (issue 17) ---------------------------------------------------------------------------------
# The cache serves public pages and API answers (waibao.common.public_cache). CACHE_URL picks the backend:
# unset, files under var/cache shared by every worker process; production, redis://host:6379/0.
CACHES = {"default": cache_config(DATA_DIR / "cache")}
# A session is written when it changes, and its expiry refreshed at most once a minute
# (waibao.common.middleware.SessionRefreshMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60

# --- The outsourcing website (issue 15 §1) ---------------------------------------------------------------------
# Wagtail keeps the page tree, revisions, the moderation workflow and scheduled publishing; editors sign in with
# the platform's own accounts (and second factor), so Wagtail's own sign-in and password pages are not used.
WAGTAIL_SITE_NAME = "Service Outsourcing Programme"
WAGTAILADMIN_BASE_URL = WAIBAO_SITE_URL
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin calls nothing outside the platform
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILEMBEDS_FINDERS: list[dict[str, object]] = []  # no oEmbed calls to other sites
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Images: checked by type (Willow), size and pixel count; shown only as renditions (resized for the web),
# written under var/site-media/ and served from /site/media/ (uploads elsewhere in MEDIA_ROOT stay private).
# Every upload also passes the evidence checks (type from the content, matching extension, size cap):
# waibao.website.uploads.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "waibao.website.uploads.CheckedImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_RENDITION_STORAGE = "waibao.website.storage.RenditionStorage"
# Documents attached to pages (PDF and office files without macros' formats), served through Wagtail's view.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "png", "jpg", "jpeg"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "waibao.website.uploads.CheckedDocumentForm"
WEBSITE_MEDIA_ROOT = DATA_DIR / "site-media"
WEBSITE_MEDIA_URL = "/site/media/"
# --- end of the outsourcing website ----------------------------------------------------------------------------
