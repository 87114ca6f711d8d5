"""Every page, as every demo role and the public, in Chinese and in English, after a full award cycle (applied,
reviewed, noticed, finally approved, paid): no internal code, no Python repr, no untranslated text.

Data (enterprise, person, client and institution names, addresses, quotations of the policy text) may be in
either language; it is taken from the database and set aside before the language checks."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.crawl import Crawl, Finding, check_text
from tests.shared_data import flush_database
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import application_record_payment, application_transition
from waibao.audit.models import AuditEvent

# Findings in other areas' new pages, left to their owners and reported (each is matched by its exact text):
# - the verified facts on an application and on the notice are stored as text in the default language when the
#   reviewer checks them (applications, issue 8): they should be stored as codes and shown through the labels;
# - the working-day calendar's help shows a line in the import format, which holds both languages by design.
# - governance (issue 11): a duty page shows a Python None; the leadership group's positions have no English;
#   the calendar's help texts show lines of the import format, which hold Chinese day names by design.
KNOWN_ELSEWHERE: tuple[str, ...] = ()
KNOWN_REPR_PAGES: tuple[str, ...] = ()
# Links in other areas to a page that refuses the reader (from, to), left to their owners and reported: the
# website's policy library offers "what am I entitled to" to every reader (the city leader is refused it); the
# casework board links the workbench for the city leader, whom the workbench refuses.
KNOWN_REFUSED_ELSEWHERE: set[tuple[str, str]] = set()

ROLES = [
    None,
    "office",
    "reviewer",
    "reviewer-sti",
    "reviewer-hitech",
    "zone-staff",
    "finance",
    "enterprise",
    "training",
    "leader",
    "jobseeker",
]


@pytest.fixture(scope="module")
def city(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """A small demo city with one award carried to payment; built once for the module, removed after it."""
    with django_db_blocker.unblock():
        call_command("load_defaults", verbosity=0)
        call_command("demo", enterprises=25, seed=2007, verbosity=0)
        call_command("stats", "demo", seed=2007, verbosity=0)
        call_command("demo_accounts", quiet=True, verbosity=0)
        call_command("applications", "demo", verbosity=0)
        call_command("topten", "demo", verbosity=0)
        call_command("talent", "demo", verbosity=0)
        call_command("recruitment", "demo", verbosity=0)
        call_command("promotion", "demo", verbosity=0)
        call_command("website", "demo", verbosity=0)
        call_command("casework", "demo", verbosity=0)
        office = User.objects.get(username="office")
        finance = User.objects.get(username="finance")
        award = Application.objects.get(rule_id="HZ-12a", status=ApplicationStatus.IN_NOTICE)
        award = application_transition(acting_user=office, application=award, action="final_approve")
        application_record_payment(
            acting_user=finance, application=award, amount=award.approved_amount_cny, idempotency_key="crawl-pay"
        )
        call_command("opendata", "release", verbosity=0, stdout=io.StringIO())  # the open-data pages with releases
        yield
        flush_database()


def _data_names() -> list[str]:
    """Names that are data, in whatever language they were entered."""
    from waibao.registry.models import Enterprise
    from waibao.statistics.models import Contract, Execution
    from waibao.talent.models import TrainingInstitution

    names: set[str] = set()
    for e in Enterprise.objects.all():
        names.update({e.name_zh, e.name_en, e.address, e.contact_name})
    names.update(str(u) for u in User.objects.all())
    names.update(Contract.objects.values_list("client_name", flat=True))
    names.update(Contract.objects.values_list("client_industry", flat=True))
    names.update(str(t) for t in TrainingInstitution.objects.all())
    names.update(User.objects.values_list("username", flat=True))
    # What people wrote or signed, in the language they wrote it: reasons, signed commitments, objections.
    names.update(Application.objects.values_list("commitment_text", flat=True))
    names.update(Enterprise.objects.values_list("status_reason", flat=True))
    names.update(Execution.objects.values_list("over_reason", flat=True))
    from waibao.workdays.models import CalendarYear

    names.update(CalendarYear.objects.values_list("source", flat=True))
    from waibao.talent.models import Trainee

    names.update(Trainee.objects.values_list("name", flat=True))
    from waibao.talent.models import ClaimLine, DuplicateRefusal, InstitutionApproval, Programme, TrainingBase

    for p in Programme.objects.all():
        names.update({p.name_zh, p.name_en, p.recognition_reason})
    for b in TrainingBase.objects.all():
        names.update({b.name_zh, b.name_en, b.focus})
    names.update(TrainingInstitution.objects.values_list("suspension_reason", flat=True))
    names.update(InstitutionApproval.objects.values_list("reason", flat=True))
    names.update(InstitutionApproval.objects.values_list("document_name", flat=True))
    names.update(ClaimLine.objects.values_list("reason", flat=True))
    names.update(DuplicateRefusal.objects.values_list("reason", flat=True))
    names.update(AuditEvent.objects.exclude(summary="").values_list("summary", flat=True))
    from waibao.topten.models import RunDecision, Violation

    names.update(RunDecision.objects.values_list("reason", flat=True))
    names.update(Violation.objects.values_list("description", flat=True))
    names.update(Violation.objects.values_list("closed_reason", flat=True))
    # The recruitment site: what enterprises and job seekers wrote, in the language they wrote it.
    from waibao.recruitment.models import Candidacy, JobSeeker, Posting

    for posting in Posting.objects.all():
        names.update({posting.title, posting.description, posting.status_reason})
    for seeker in JobSeeker.objects.all():
        names.update({seeker.education, seeker.summary, seeker.cv_name})
    names.update(Candidacy.objects.values_list("letter", flat=True))
    from waibao.promotion.models import Project, PromotionEvent

    for fields in Project.objects.values_list("title", "investor_name", "parent_group", "next_action", "lost_reason"):
        names.update(fields)
    for fields in PromotionEvent.objects.values_list("name", "place", "note"):
        names.update(fields)
    from waibao.casework.models import Case

    for fields in Case.objects.values_list("title", "contact_name", "right_holder", "infringer_name"):
        names.update(fields)
    return sorted((n for n in names if n), key=len, reverse=True)


def _crawl(username: str | None, language: str) -> Crawl:
    client = Client()
    client.cookies["django_language"] = language
    if username:
        client.force_login(User.objects.get(username=username), backend="waibao.accounts.backends.ModelBackend")
    crawl = Crawl(client, language, per_route=2, data_names=_data_names())
    starts = ["/", "/accounts/home/", "/policy/", "/notice/", "/talent/programmes/", "/careers/", "/site/", "/cases/"]
    return crawl.run([*starts, "/promotion/", "/promotion/figures/", "/topten/"], limit=340)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_every_page_speaks_the_readers_language(city: None, username: str | None, language: str) -> None:
    crawl = _crawl(username, language)
    assert crawl.pages > 5, "the crawl reached almost nothing"
    assert not crawl.errors, crawl.errors
    refused = [link for link in crawl.refused if link not in KNOWN_REFUSED_ELSEWHERE]
    assert not refused, f"links to pages that refuse the reader (from, to): {refused}"
    crawl.findings = [
        f
        for f in crawl.findings
        if not any(known in f.text for known in KNOWN_ELSEWHERE)
        and not (f.kind == "Python repr" and f.url.startswith(KNOWN_REPR_PAGES))
    ]
    findings = "\n".join(sorted({str(f) for f in crawl.findings}))
    assert not crawl.findings, f"{len(crawl.findings)} findings:\n{findings[:6000]}"


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("状态：in_review", "zh-hans", "snake_case code"),
        ("领导小组办公室 · ledger.commitment", "zh-hans", "dotted name"),
        ("{'CMMI': 3, 'PCMM': None}", "zh-hans", "Python repr"),
        ("金额性质：fixed amount", "zh-hans", "English on a Chinese page"),
        ("Status: 待处理", "en", "Chinese on an English page"),
    ],
)
def test_the_checks_catch_what_the_issue_found(text: str, language: str, kind: str) -> None:
    assert kind in {f.kind for f in check_text("/x/", text, language=language, data=False)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("证书 demo-contract.pdf", "zh-hans"),
        ("CMMI 3 级 · HZ-12a · 2007-01-01", "zh-hans"),
        ("Paid 1,000.00", "en"),
        ("会议通知（iCalendar）", "zh-hans"),  # a file format's name, as Excel
    ],
)
def test_the_checks_pass_words_and_data(text: str, language: str) -> None:
    findings: list[Finding] = check_text("/x/", text, language=language, data=False)
    assert not findings, findings


def test_the_crawl_reports_a_link_to_a_page_that_refuses_the_reader() -> None:
    """A page links somewhere the reader may not go: the crawl names both pages (a start page refused is not)."""
    from django.http import HttpResponse, HttpResponseForbidden

    class Canned:
        def get(self, url: str, **headers: Any) -> HttpResponse:
            if url == "/policy/":
                return HttpResponse('<p>Policy</p><a href="/ledger/">Fund</a>', content_type="text/html")
            return HttpResponseForbidden("no")

    crawl = Crawl(Canned(), "en").run(["/policy/", "/governance/cockpit/"])  # type: ignore[arg-type]
    assert crawl.refused == [("/policy/", "/ledger/")]
