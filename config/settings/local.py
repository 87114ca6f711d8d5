"""Development settings, used by `make run`."""

from config.env import env_str
from config.settings.base import *  # noqa: F403

DEBUG = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Mail is written to files under var/mail/ (one per message) instead of being sent or flooding the console.
EMAIL_BACKEND = env_str("WAIBAO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"  # noqa: F405
