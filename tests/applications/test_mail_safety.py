"""Issue 9 §4 reproduced over HTTP: a line break in a reason broke the notification mail after commit (a 500
after the change was saved); a mail server failure must not fail the request; links in mail are absolute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from tests.applications.conftest import PDF, apply, latest
from waibao.accounts.models import User
from waibao.applications.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def submitted(enterprise_user: User, reviewer: User, client_for: Callable[[User | None], Client]) -> Any:
    enterprise_user.email = "ent@example.com"
    enterprise_user.save()
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    client_for(reviewer).post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    return application


@override_settings(WAIBAO_SITE_URL="https://waibao.example.gov.cn")
def test_line_break_in_a_reason_does_not_break_the_mail(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = submitted(enterprise_user, reviewer, client_for)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            f"/applications/{application.pk}/action/",
            {"action": "return", "reason": "Attach the contract\nBcc: everyone@example.com"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    sent = [m for m in mail.outbox if "ent@example.com" in m.to]
    assert sent and "\n" not in sent[0].subject and "\r" not in sent[0].subject
    assert f"https://waibao.example.gov.cn/applications/{application.pk}/" in sent[0].body
    assert not sent[0].bcc


@override_settings(EMAIL_BACKEND="tests.common.test_text_and_mail.BrokenBackend")
def test_a_mail_server_failure_does_not_fail_the_request(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = submitted(enterprise_user, reviewer, client_for)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            f"/applications/{application.pk}/action/", {"action": "return", "reason": "Attach the contract"}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED


def test_a_name_with_a_line_break_is_refused(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(office).post(
        "/accounts/users/",
        {
            "username": "fin3",
            "full_name": "Chen\r\nBcc: x@example.com",
            "role": "finance_officer",
            "password": "Long-enough-pass-42",
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="fin3").exists()
