"""Demo postings and a demo job seeker for `make run`: postings in each state of the demo enterprise, the job
seeker `jobseeker` with a CV who applied and was shortlisted. Idempotent; demo databases only."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils import timezone

from waibao.accounts.models import User
from waibao.recruitment import services
from waibao.recruitment.models import Candidacy, Posting
from waibao.registry.models import ServiceCategory

# A minimal, valid one-page PDF (what a demo CV needs to be: the evidence checks read its first bytes).
DEMO_CV = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

POSTINGS = [
    # title, category, languages, salary from, salary up to, days open, final state
    ("Java 软件工程师（对日外包）", "ito-software-dev", ["zh", "ja"], 9000, 15000, 40, "published"),
    ("Software test engineer", "ito-testing-platform", ["zh", "en"], 7000, 11000, 30, "published"),
    ("呼叫中心客服代表（英语）", "bpo-business-operation", ["zh", "en"], 5000, 7000, 25, "published"),
    ("财务外包会计", "bpo-financial", ["zh"], None, None, 35, "submitted"),
    ("IC 设计工程师", "ito-ic-design", ["zh", "en"], 15000, 25000, 45, "draft"),
    ("数据标注专员", "ito-network-digital", ["zh"], 4500, 6000, 1, "expired"),
]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"demo account {username!r} is missing: run `waibao demo_accounts` first")
    return user


def ensure_demo_recruitment(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    enterprise_user, office = _user("enterprise"), _user("office")
    seeker_user = _user("jobseeker")
    seeker = services.job_seeker_profile_ensure(user=seeker_user)
    if not seeker.has_cv:
        seeker = services.cv_upload(
            acting_user=seeker_user, seeker=seeker, stream=io.BytesIO(DEMO_CV), name="简历-王小明.pdf"
        )
        seeker = services.job_seeker_update(
            acting_user=seeker_user,
            seeker=seeker,
            full_name=seeker_user.full_name or "王小明",
            phone="",
            education="浙江大学 计算机科学与技术",
            graduation_year=today.year,
            languages=["zh", "en", "ja"],
            summary="应届毕业生，熟悉 Java 与软件测试，日语 N2。",
        )
    if Posting.objects.filter(enterprise=enterprise_user.enterprise).exists():
        return 0
    made = 0
    first_published: Posting | None = None
    for title, category, languages, low, high, days, state in POSTINGS:
        fields = services.PostingFields(
            title=title,
            category=ServiceCategory.objects.get(code=category),
            zone=None,
            languages=languages,
            salary_min_cny=Decimal(low) if low else None,
            salary_max_cny=Decimal(high) if high else None,
            openings=2,
            description=(
                f"{title}：负责项目交付与客户沟通。要求本科及以上学历，有相关实习或项目经验者优先。"
                "提供五险一金、带薪年假与岗前培训。"
            ),
            closing_date=today + datetime.timedelta(days=days),
        )
        posting = services.posting_save(acting_user=enterprise_user, fields=fields, today=today)
        made += 1
        if state == "draft":
            continue
        services.posting_transition(acting_user=enterprise_user, posting=posting, action="submit", today=today)
        if state == "submitted":
            continue
        services.posting_transition(acting_user=office, posting=posting, action="publish", today=today)
        if first_published is None:
            first_published = posting
    # The posting of one day closes: the daily run of the day after tomorrow finds it past its closing date.
    services.postings_expire(today=today + datetime.timedelta(days=2))
    if first_published is not None and not Candidacy.objects.filter(seeker=seeker).exists():
        candidacy = services.candidacy_create(
            acting_user=seeker_user, posting=first_published, letter="您好，我对这个职位很感兴趣，期待面试机会。"
        )
        services.candidacy_decide(acting_user=enterprise_user, candidacy=candidacy, action="shortlist")
    return made
