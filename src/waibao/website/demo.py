"""Demo content of the website: news, a notice, an interpretation, events (one open for registration) and the
service guides, published by the demo office account. Idempotent (pages are found by slug)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from waibao.accounts.models import Role, User
from waibao.website.models import (
    EventKind,
    EventPage,
    GuidePage,
    GuideService,
    InterpretationPage,
    NewsPage,
    NoticePage,
    SectionKind,
    SectionPage,
    SitePage,
)
from waibao.website.services import ensure_site, rebuild_index, sync_editor

P = "<p>{}</p>"

NEWS = [
    (
        "2026-forum-review",
        "服务外包交流论坛在滨江区成功举办",
        "Service-outsourcing forum held in Binjiang",
        "来自八十余家服务外包企业的代表参加了论坛，围绕离岸外包、人才培养和市场开拓展开交流。",
        "Representatives of eighty enterprises discussed offshore outsourcing, training and markets.",
    ),
    (
        "new-recognised-enterprises",
        "新一批服务外包企业通过认定",
        "A new group of service-outsourcing enterprises recognised",
        "市服务外包办公室公布新一批认定企业名单，认定企业可按政策申请相关奖励。",
        "The office published the newly recognised enterprises; they may apply for the rewards.",
    ),
    (
        "statistics-reporting-opens",
        "服务外包业务统计季度报送开始",
        "Quarterly statistics reporting opens",
        "各服务外包企业请于季度结束后十五日内在平台报送合同和执行数据。",
        "Enterprises report their contracts and executions on the platform within fifteen days after the quarter.",
    ),
]
NOTICE = (
    "2026-reward-applications",
    "关于开展2026年度服务外包专项资金申报工作的通知",
    "Notice on applications to the 2026 service-outsourcing special fund",
    "符合条件的企业请在规定期限内通过平台提交申请材料，逾期不予受理。",
    "Eligible enterprises apply through the platform within the period; late ones are not accepted.",
)
INTERPRETATION = (
    "hz-17-training-subsidy",
    "政策解读：服务外包人才培训补贴",
    "Interpretation: training subsidies for service outsourcing",
    "本解读说明培训补贴的对象、标准和申请方式。",
    "Who receives the training subsidy, how much, and how to apply.",
    "HZ-17",
)
GUIDES = [
    (
        "apply-for-a-reward",
        "如何申请服务外包奖励",
        "How to apply for a reward",
        GuideService.REWARD,
        "HZ-9a",
        "/applications/new/",
        "登录平台后，在“我的申请”中选择奖励项目，填写事实并上传证明材料，提交后可随时查看办理进度。",
        "Sign in, choose the reward under Applications, enter the facts and upload the evidence.",
    ),
    (
        "report-statistics",
        "如何报送业务统计数据",
        "How to report statistics",
        GuideService.STATISTICS,
        "",
        "/statistics/records/",
        "企业用户在“统计”中登记合同并按月报送执行情况，园区审核后计入全市统计。",
        "Enterprises record their contracts under Statistics and report monthly; the zone reviews them.",
    ),
    (
        "file-a-case",
        "如何提交咨询或投诉",
        "How to file a consultation or complaint",
        GuideService.CASE,
        "",
        "",
        "企业和个人可通过平台提交咨询或投诉，办公室在规定时限内答复。",
        "Enterprises and people file consultations or complaints; the office replies in time.",
    ),
]


def _office() -> User | None:
    return User.objects.filter(role=Role.PROGRAMME_OFFICE, is_active=True).order_by("pk").first()


def _add(section_kind: str, page: SitePage, user: User | None) -> bool:
    section = SectionPage.objects.get(kind=section_kind)
    if type(page).objects.filter(slug=page.slug).exists():
        return False
    section.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    return True


def ensure_demo_website() -> int:
    ensure_site()
    user = _office()
    if user is not None:
        sync_editor(user)
    made = 0
    for slug, zh, en, intro, intro_en in NEWS:
        made += _add(
            SectionKind.NEWS,
            NewsPage(
                slug=slug,
                title=zh,
                title_en=en,
                intro=intro,
                intro_en=intro_en,
                body=P.format(intro),
                body_en=P.format(intro_en),
            ),
            user,
        )
    slug, zh, en, intro, intro_en = NOTICE
    made += _add(
        SectionKind.NOTICES,
        NoticePage(
            slug=slug,
            title=zh,
            title_en=en,
            intro=intro,
            intro_en=intro_en,
            body=P.format(intro),
            body_en=P.format(intro_en),
            valid_until=timezone.localdate() + timedelta(days=60),
        ),
        user,
    )
    slug, zh, en, intro, intro_en, article = INTERPRETATION
    made += _add(
        SectionKind.INTERPRETATIONS,
        InterpretationPage(
            slug=slug,
            title=zh,
            title_en=en,
            intro=intro,
            intro_en=intro_en,
            body=P.format(intro),
            body_en=P.format(intro_en),
            policy_article=article,
        ),
        user,
    )
    start = (timezone.localtime() + timedelta(days=21)).replace(hour=9, minute=0, second=0, microsecond=0)
    events: list[dict[str, Any]] = [
        {
            "slug": "outsourcing-forum",
            "title": "2026服务外包发展论坛",
            "title_en": "Service Outsourcing Forum 2026",
            "kind": EventKind.FORUM,
            "starts_at": start,
            "ends_at": start + timedelta(hours=8),
            "location": "杭州国际博览中心",
            "location_en": "Hangzhou International Expo Center",
            "capacity": 200,
            "intro": "政策宣讲、企业对接和人才交流。",
            "intro_en": "Policy briefings, business matchmaking and talent exchange.",
        },
        {
            "slug": "statistics-training",
            "title": "服务外包统计报送培训",
            "title_en": "Training: reporting statistics",
            "kind": EventKind.TRAINING,
            "starts_at": start + timedelta(days=7),
            "ends_at": start + timedelta(days=7, hours=3),
            "location": "市商务局三楼会议室",
            "location_en": "Commerce Bureau, 3rd floor meeting room",
            "capacity": 40,
            "intro": "面向企业统计人员的报送操作培训。",
            "intro_en": "For the people who report an enterprise's statistics.",
        },
    ]
    for e in events:
        made += _add(
            SectionKind.EVENTS, EventPage(body=P.format(e["intro"]), body_en=P.format(e["intro_en"]), **e), user
        )
    for slug, zh, en, service, rule, start_path, text, text_en in GUIDES:
        made += _add(
            SectionKind.GUIDES,
            GuidePage(
                slug=slug,
                title=zh,
                title_en=en,
                service=service,
                policy_rule=rule,
                start_path=start_path,
                intro=text,
                intro_en=text_en,
                body=P.format(text),
                body_en=P.format(text_en),
            ),
            user,
        )
    rebuild_index()
    return made
