"""Test settings: fast hashing, in-memory mail, a throwaway data folder."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="waibao-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="waibao-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One process's memory (nothing left behind); tests/conftest.py empties it before each test. The public-cache
# tests run their mechanism against the default backend (files) and Redis explicitly.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Jobs run inside the request in tests; tests/jobs also runs the database worker on a queued job.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
JOBS_DIR = Path(tempfile.mkdtemp(prefix="waibao-test-jobs-"))
