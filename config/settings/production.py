"""Production settings: secrets and hosts from the environment, HTTPS only, private files.

`waibao check --deploy` is clean under these settings (tests/common/test_deploy_settings.py runs it).
"""

import os

from config.env import env_bool, env_int, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import DEVELOPMENT_SECRET_KEY

DEBUG = False
SECRET_KEY = env_str("WAIBAO_SECRET_KEY")
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise RuntimeError(
        "WAIBAO_SECRET_KEY must be set in production to a random value of at least 50 characters "
        "(not the development key); e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
WAIBAO_AUDIT_DEV_KEY_ALLOWED = False
if not (env_str("WAIBAO_AUDIT_KEY_FILE") or env_str("WAIBAO_AUDIT_KEY")):
    raise RuntimeError("WAIBAO_AUDIT_KEY_FILE (or WAIBAO_AUDIT_KEY) must be set in production: the audit chain's key")
if WAIBAO_PERSONAL_ID_HASH_KEY == DEV_PERSONAL_ID_HASH_KEY or DEV_PERSONAL_DATA_KEY in WAIBAO_PERSONAL_DATA_KEYS:  # noqa: F405
    raise RuntimeError("WAIBAO_PERSONAL_ID_HASH_KEY and WAIBAO_PERSONAL_DATA_KEYS must be set in production")
ALLOWED_HOSTS = [h.strip() for h in env_str("WAIBAO_ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
WAIBAO_SITE_URL = env_str("WAIBAO_SITE_URL", f"https://{ALLOWED_HOSTS[0]}")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("WAIBAO_CSRF_TRUSTED_ORIGINS", WAIBAO_SITE_URL).split(",") if o.strip()
]
SESSION_COOKIE_SECURE = env_bool("WAIBAO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("WAIBAO_SECURE_COOKIES", True)

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto (set it there, strip it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("WAIBAO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("WAIBAO_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("WAIBAO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("WAIBAO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Files the platform writes (SQLite database, evidence, uploads, mail, logs) are readable by its own user only.
os.umask(0o077)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
