"""Issue 9 §4: control characters refused in names and reasons; mail never fails a request; absolute links."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
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


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _run_worker() -> None:
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a batch, as in production
@override_settings(TASKS=DATABASE_QUEUE)
def test_mail_is_queued_at_commit_and_sent_by_the_worker_not_the_request() -> None:
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        send_on_commit("Approved: A-1", "Body", ["a@example.com"])
        assert not DBTaskResult.objects.exists()  # nothing before the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        send_on_commit("Rolled back", "Body", ["b@example.com"])
        raise RuntimeError("the change failed")
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "waibao.common.mail.send_queued" and not mail.outbox  # the request sent nothing
    _run_worker()
    assert [(m.subject, m.to) for m in mail.outbox] == [("Approved: A-1", ["a@example.com"])]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, EMAIL_BACKEND="tests.common.test_text_and_mail.BrokenBackend")
def test_a_refused_message_is_tried_again_later_then_given_up(caplog: pytest.LogCaptureFixture) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from waibao.common.mail import RETRY_MINUTES, send_queued

    with transaction.atomic():  # outside the test case's transaction: it commits
        send_on_commit("Paid: A-2", "Body", ["a@example.com"])
    _run_worker()  # the first attempt fails: the second is queued a minute later
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][-1] == 1 and not mail.outbox
    assert 50 <= (retry.run_after - timezone.now()).total_seconds() <= 61
    _run_worker()  # not yet due: the worker leaves it
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert send_queued.call("Paid: A-2", "Body", ["a@example.com"], len(RETRY_MINUTES)) is False  # the last attempt
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # nothing more queued
    assert "given up after 5 attempts" in caplog.text


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_message_that_cannot_be_queued_is_sent_at_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from waibao.common.mail import send_queued

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(type(send_queued), "enqueue", refuse)
    with transaction.atomic():  # outside the test case's transaction: it commits
        send_on_commit("Returned: A-3", "Body", ["a@example.com"])
    assert [m.subject for m in mail.outbox] == ["Returned: A-3"] and "sent at once" in caplog.text


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
