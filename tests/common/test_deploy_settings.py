"""Issue 9 §5: production settings pass `check --deploy`, refuse the development key; every page has a CSP and
loads nothing from elsewhere; oversized requests are refused; private files are 0600/0700."""

from __future__ import annotations

import base64
import io
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
WAIBAO = [str(Path(sys.executable).parent / "waibao")]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAIBAO_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        WAIBAO_SECRET_KEY=secrets.token_urlsafe(64),
        WAIBAO_ALLOWED_HOSTS="waibao.example.gov.cn",
        WAIBAO_DATA_DIR=str(tmp_path / "data"),
        WAIBAO_PERSONAL_ID_HASH_KEY=secrets.token_urlsafe(32),
        WAIBAO_PERSONAL_DATA_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        WAIBAO_AUDIT_KEY=f"k1:{secrets.token_hex(32)}",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    done = subprocess.run(
        [*WAIBAO, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize("key", ["", "insecure-development-key-change-me", "short-key"])
def test_production_refuses_the_development_or_a_weak_key(tmp_path: Path, key: str) -> None:
    done = subprocess.run(
        [*WAIBAO, "check"],
        env=production_env(tmp_path, WAIBAO_SECRET_KEY=key),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0 and "WAIBAO_SECRET_KEY" in done.stderr


def test_production_settings_values(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, "
        "s.SESSION_COOKIE_SECURE, s.WAIBAO_SITE_URL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "31536000"
    assert "'HTTP_X_FORWARDED_PROTO'" in done.stdout and "['https://waibao.example.gov.cn']" in done.stdout
    # Files the production process creates are private (umask 077): the SQLite database among them.
    db = tmp_path / "data" / "waibao.sqlite3"
    assert db.exists() and stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_the_mail_server_is_chosen_by_the_environment_and_never_waited_on_for_ever(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, "
        "s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)"
    )
    env = production_env(
        tmp_path,
        WAIBAO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        WAIBAO_EMAIL_HOST="smtp.example.gov.cn",
        WAIBAO_EMAIL_PORT="587",
        WAIBAO_EMAIL_USER="waibao",
        WAIBAO_EMAIL_PASSWORD="s3cret",
        WAIBAO_EMAIL_STARTTLS="true",
    )
    run = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    done = subprocess.run(run, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.gov.cn", "587", "waibao", "s3cret", "True",
        "False", "30",
    ]  # fmt: skip
    done = subprocess.run(run, env=production_env(tmp_path), capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "30"  # a mail server that does not answer fails the attempt after 30 s


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy() -> None:
    for url in ("/", "/notice/", "/accounts/login/", "/api/v1/docs"):
        response = Client().get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


INLINE = [
    # JSON data blocks (application/json, schema.org's application/ld+json) are never executed: CSP allows them.
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"\sstyle=\"", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=\"", re.I), "event handler attribute"),
    (re.compile(r"(src|href)=\"(https?:)?//", re.I), "load from elsewhere"),
]


def test_templates_have_no_inline_script_or_style_and_load_nothing_from_elsewhere() -> None:
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("src/waibao/*/templates/**/*.html")]
    assert len(templates) > 20
    found = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_api_docs_are_served_from_vendored_assets() -> None:
    body = Client().get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body and "/static/api/swagger-init.js" in body
    assert "cdn" not in body.lower() and "https://" not in body
    assert (ROOT / "static/vendor/swagger-ui/LICENSE").exists()
    assert "swagger-ui-dist 5.35.0" in (ROOT / "static/vendor/README.md").read_text()


@pytest.mark.django_db
@override_settings(WAIBAO_MAX_REQUEST_BYTES=1024)
def test_oversized_requests_are_refused_before_reading() -> None:
    response = Client().post("/notice/", data=b"x" * 2048, content_type="application/octet-stream")
    assert response.status_code == 413
    assert (
        Client().post("/api/v1/registry/enterprises", data=b"x" * 2048, content_type="application/json").status_code
        == 413
    )
    assert Client().get("/").status_code == 200


def test_evidence_files_are_private(tmp_path: Path, settings: Any) -> None:
    from waibao.applications.evidence import check_upload, evidence_dir, store

    settings.MEDIA_ROOT = tmp_path / "media"
    old = os.umask(0o022)
    try:
        name = store(check_upload(io.BytesIO(b"%PDF-1.4 x"), name="a.pdf"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((evidence_dir() / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(evidence_dir().stat().st_mode) == 0o700
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600 and settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
