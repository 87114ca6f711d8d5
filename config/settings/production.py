"""Production settings: secrets and hosts from the environment, secure cookies."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("WAIBAO_SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("WAIBAO_SECRET_KEY must be set in production")
if WAIBAO_PERSONAL_ID_HASH_KEY == DEV_PERSONAL_ID_HASH_KEY or DEV_PERSONAL_DATA_KEY in WAIBAO_PERSONAL_DATA_KEYS:  # noqa: F405
    raise RuntimeError("WAIBAO_PERSONAL_ID_HASH_KEY and WAIBAO_PERSONAL_DATA_KEYS must be set in production")
ALLOWED_HOSTS = [h.strip() for h in env_str("WAIBAO_ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
SESSION_COOKIE_SECURE = env_bool("WAIBAO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("WAIBAO_SECURE_COOKIES", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
