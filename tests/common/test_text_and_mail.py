"""Issue 9 §4: control characters refused in names and reasons; mail never fails a request; absolute links."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings

from waibao.accounts.forms import RegistrationForm
from waibao.common.errors import DomainError
from waibao.common.mail import absolute_url, send_now, send_on_commit
from waibao.common.text import clean_text, control_characters, one_line


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.mark.parametrize("value", ["Zhang\nSan", "Zhang\rSan", "A\x00B", "A\x1b[31mB", "A\u202eB", "A\x85B"])
def test_control_characters_refused_in_one_line_values(value: str) -> None:
    with pytest.raises(DomainError) as refused:
        clean_text(value, field="name")
    assert refused.value.code == "control_characters" and refused.value.field == "name"


def test_multiline_text_keeps_line_breaks_but_refuses_other_controls() -> None:
    assert clean_text("first line\nsecond\tline", multiline=True) == "first line\nsecond\tline"
    with pytest.raises(DomainError):
        clean_text("bell\x07", multiline=True)
    assert control_characters("杭州软件有限公司 Ltd.") == []


def test_forms_use_the_same_check() -> None:
    form = RegistrationForm(
        data={
            "credit_code": "x",
            "name_zh": "杭州\n公司",
            "contact_name": "张三",
            "contact_email": "a@example.com",
            "username": "u",
            "password": "p\np",  # passwords are not text: left to the password rules
            "password_again": "p\np",
        }
    )
    assert not form.is_valid()
    assert "name_zh" in form.errors and "password" not in form.errors


def test_one_line_makes_a_safe_subject() -> None:
    assert one_line("Approved: A-1 — reason\r\nBcc: victim@example.com") == (
        "Approved: A-1 — reason Bcc: victim@example.com"
    )


@override_settings(EMAIL_BACKEND="tests.common.test_text_and_mail.BrokenBackend")
def test_a_mail_failure_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    assert send_now("Subject", "Body", ["a@example.com"]) is False
    assert "not sent" in caplog.text


@pytest.mark.django_db
def test_line_break_in_subject_does_not_break_mail_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit("Returned: A-1 — line one\nline two", "Body", ["a@example.com"])
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject


@override_settings(WAIBAO_SITE_URL="https://waibao.example.gov.cn/")
def test_links_in_mail_are_absolute() -> None:
    assert absolute_url("/applications/2/") == "https://waibao.example.gov.cn/applications/2/"


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.common.test_text_and_mail.BrokenBackend")
def test_registration_with_line_break_in_name_is_refused_and_mail_failure_is_harmless(dataset: Any) -> None:
    from tests.factories import valid_credit_code
    from waibao.registry.models import Enterprise

    client = Client()
    post = {
        "credit_code": valid_credit_code(),
        "name_zh": "杭州\r\nBcc: x@example.com",
        "contact_name": "张三",
        "contact_email": "a@example.com",
        "username": "newco",
        "password": "Long-enough-pass-42",
        "password_again": "Long-enough-pass-42",
    }
    response = client.post("/accounts/register/", post)
    assert response.status_code == 200 and not Enterprise.objects.exists()
