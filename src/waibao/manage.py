"""The `waibao` console command: Django's manage.py, installed into the virtualenv.

`--language en` (or `zh-hans`), anywhere on the line, makes any command answer in that language; without it
commands answer in settings.WAIBAO_CLI_LANGUAGE (the platform's default language unless set)."""

from __future__ import annotations

import os
import sys


def pop_language(argv: list[str]) -> tuple[list[str], str | None]:
    """`argv` without `--language X` / `--language=X`, and X."""
    out: list[str] = []
    language = None
    args = iter(argv)
    for arg in args:
        if arg == "--language":
            language = next(args, None)
        elif arg.startswith("--language="):
            language = arg.split("=", 1)[1]
        else:
            out.append(arg)
    return out, language


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.utils import translation

    argv, language = pop_language(sys.argv)
    django.setup()
    chosen = language or getattr(settings, "WAIBAO_CLI_LANGUAGE", settings.LANGUAGE_CODE)
    if chosen not in dict(settings.LANGUAGES):
        sys.stderr.write(f"--language: one of {', '.join(dict(settings.LANGUAGES))}\n")
        sys.exit(2)
    translation.activate(chosen)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
