"""A plausible synthetic city for demos and benchmarks: deterministic for a given seed."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from waibao.audit.services import audit_record_many
from waibao.common import public_cache
from waibao.registry.credit_code import ALPHABET, make_credit_code, make_org_code
from waibao.registry.models import Enterprise, EnterpriseStatus, OwnershipType, ServiceCategory, Zone

WORDS = [
    ("华信", "Huaxin"),
    ("恒生", "Hengsheng"),
    ("信雅", "Xinya"),
    ("东忠", "Dongzhong"),
    ("中软", "Zhongruan"),
    ("浙大", "Zheda"),
    ("网新", "Wangxin"),
    ("天畅", "Tianchang"),
    ("海康", "Haikang"),
    ("新世纪", "Xinshiji"),
    ("博彦", "Boyan"),
    ("汇众", "Huizhong"),
    ("数联", "Shulian"),
    ("云杉", "Yunshan"),
    ("钱塘", "Qiantang"),
    ("西湖", "Xihu"),
    ("之江", "Zhijiang"),
    ("滨江", "Binjiang"),
    ("运河", "Yunhe"),
    ("良渚", "Liangzhu"),
    ("睿思", "Ruisi"),
    ("星辰", "Xingchen"),
    ("远景", "Yuanjing"),
    ("启明", "Qiming"),
    ("恒达", "Hengda"),
    ("瑞丰", "Ruifeng"),
    ("嘉和", "Jiahe"),
    ("锐捷", "Ruijie"),
    ("卓越", "Zhuoyue"),
    ("同创", "Tongchuang"),
    ("易达", "Yida"),
    ("凌云", "Lingyun"),
    ("宏图", "Hongtu"),
    ("德昌", "Dechang"),
    ("金桥", "Jinqiao"),
    ("天成", "Tiancheng"),
    ("美达", "Meida"),
    ("亿通", "Yitong"),
    ("智源", "Zhiyuan"),
    ("普华", "Puhua"),
]
TRADES = {
    "ito": [
        ("软件", "Software"),
        ("信息技术", "Information Technology"),
        ("网络科技", "Network Technology"),
        ("数码", "Digital"),
        ("系统集成", "Systems Integration"),
    ],
    "bpo": [
        ("商务服务", "Business Services"),
        ("人力资源", "Human Resources"),
        ("金融服务", "Financial Services"),
        ("呼叫中心", "Call Centre"),
        ("供应链管理", "Supply Chain Management"),
    ],
    "kpo": [
        ("数据服务", "Data Services"),
        ("设计", "Design"),
        ("动漫", "Animation"),
        ("医药研发", "Pharma R&D"),
        ("工程咨询", "Engineering Consulting"),
    ],
}
STREET_DISTRICTS = ["滨江区", "西湖区", "上城区", "拱墅区", "萧山区", "余杭区"]
DISTRICTS = ["02", "03", "04", "05", "06", "08", "09", "10", "83", "85"]
STATUS_WEIGHTS = [
    (EnterpriseStatus.RECOGNISED, 60),
    (EnterpriseStatus.VERIFIED, 20),
    (EnterpriseStatus.REGISTERED, 15),
    (EnterpriseStatus.REJECTED, 3),
    (EnterpriseStatus.SUSPENDED, 2),
]
OWNERSHIP_WEIGHTS = {
    "150": 30,
    "160": 8,
    "170": 25,
    "110": 3,
    "310": 8,
    "330": 12,
    "230": 6,
    "210": 3,
    "190": 5,
}


def _credit_code(rng: random.Random, *, bad_org_code: bool) -> str:
    org8 = "MA" + "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    org9 = make_org_code(org8)
    if bad_org_code:  # a real-registry anomaly: the embedded check fails, the GB 32100 check passes
        wrong = [c for c in "0123456789X" if c != org9[-1]]
        org9 = org9[:8] + rng.choice(wrong)
    return make_credit_code("91" + "3301" + rng.choice(DISTRICTS) + org9)


def generate(*, count: int, seed: int) -> list[tuple[Enterprise, list[str]]]:
    """Unsaved enterprises with their category codes; the same (count, seed) always gives the same city."""
    rng = random.Random(seed)
    zones = list(Zone.objects.filter(is_active=True).prefetch_related("focus_categories"))
    leaves = list(ServiceCategory.objects.filter(parent__isnull=False).order_by("code"))
    by_top: dict[str, list[ServiceCategory]] = {}
    for c in leaves:
        by_top.setdefault(c.top_level.lower(), []).append(c)
    ownership_codes = [c for c in OWNERSHIP_WEIGHTS if OwnershipType.objects.filter(code=c).exists()]
    ownership_weights = [OWNERSHIP_WEIGHTS[c] for c in ownership_codes]
    statuses = [s for s, _w in STATUS_WEIGHTS]
    status_weights = [w for _s, w in STATUS_WEIGHTS]
    names: set[str] = set()
    codes: set[str] = set()
    now = timezone.now()
    out: list[tuple[Enterprise, list[str]]] = []
    for i in range(count):
        zone = rng.choice(zones) if zones and rng.random() < 0.85 else None
        focus_tops = {c.top_level.lower() for c in zone.focus_categories.all()} if zone else set()
        top = rng.choice(sorted(focus_tops)) if focus_tops and rng.random() < 0.7 else rng.choice(sorted(by_top))
        trade_zh, trade_en = rng.choice(TRADES[top])
        w1 = rng.choice(WORDS)
        w2 = rng.choice(WORDS)
        base_zh = f"杭州{w1[0]}{w2[0] if rng.random() < 0.4 else ''}{trade_zh}有限公司"
        name_zh, n = base_zh, 2
        while name_zh in names:
            name_zh = f"杭州{w1[0]}{trade_zh}第{n}有限公司"
            n += 1
        names.add(name_zh)
        name_en = f"Hangzhou {w1[1]} {trade_en} Co., Ltd." + (f" No. {n - 1}" if n > 2 else "")
        code = _credit_code(rng, bad_org_code=rng.random() < 0.005)
        while code in codes:
            code = _credit_code(rng, bad_org_code=False)
        codes.add(code)
        capital = Decimal(int(rng.lognormvariate(15.5, 1.4)))
        if rng.random() < 0.02:
            capital = Decimal(rng.choice([100_000_000, 120_000_000, 150_000_000, 200_000_000]))
        status = rng.choices(statuses, status_weights)[0]
        picked = rng.sample(by_top[top], k=min(len(by_top[top]), rng.choice([1, 1, 2, 3])))
        enterprise = Enterprise(
            credit_code=code,
            name_zh=name_zh,
            name_en=name_en,
            registered_capital_cny=capital,
            established_on=date(1995, 1, 1) + timedelta(days=rng.randrange(0, 5200)),
            ownership_type_id=rng.choices(ownership_codes, ownership_weights)[0] if ownership_codes else None,
            zone=zone,
            offshore_focused=rng.random() < 0.35,
            is_headquarters=rng.random() < 0.08,
            employees=int(rng.lognormvariate(4.5, 1.1)) + 5,
            address=f"杭州市{rng.choice(STREET_DISTRICTS)}{rng.randrange(1, 999)}号",
            contact_name=rng.choice("王李张刘陈杨黄赵吴周")
            + rng.choice(["伟", "芳", "娜", "敏", "静", "强", "磊", "洋"]),
            contact_phone=f"0571-{rng.randrange(80000000, 89999999)}",
            contact_email=f"contact{i + 1}@example.com",
            status=status,
            status_reason="材料不全"
            if status == EnterpriseStatus.REJECTED
            else ("年检未通过" if status == EnterpriseStatus.SUSPENDED else ""),
            status_changed_at=now,
        )
        enterprise.org_code_warning = code[8:17] != make_org_code(code[8:16])
        out.append((enterprise, [c.code for c in picked]))
    return out


def fill_demo_checklists(*, seed: int) -> int:
    """The demo city's HZ-6 checklists: a demonstration zone has every item in place (it is one because it
    does), other zones most of them. Items already ticked stay ticked; returns how many were ticked."""
    from waibao.registry.models import InfrastructureItem, ZoneInfrastructure, ZoneKind

    rng = random.Random(seed)
    items = list(InfrastructureItem.objects.all())
    ticked = 0
    for zone in Zone.objects.order_by("sort_order", "code"):
        for item in items:
            row, _created = ZoneInfrastructure.objects.get_or_create(zone=zone, item=item)
            in_place = zone.kind == ZoneKind.DEMONSTRATION_ZONE or rng.random() < 0.7
            if in_place and not row.available:
                row.available = True
                row.save(update_fields=["available"])
                ticked += 1
    return ticked


@transaction.atomic
def create_demo_enterprises(*, count: int, seed: int) -> int:
    """Insert the demo city (and tick its zones' checklists); enterprises already present (same credit code)
    are left as they are."""
    fill_demo_checklists(seed=seed)
    generated = generate(count=count, seed=seed)
    existing = set(
        Enterprise.objects.filter(credit_code__in=[e.credit_code for e, _c in generated]).values_list(
            "credit_code", flat=True
        )
    )
    taken_names = set(Enterprise.objects.values_list("name_zh", flat=True))
    new = [(e, c) for e, c in generated if e.credit_code not in existing and e.name_zh not in taken_names]
    if not new:
        return 0
    Enterprise.objects.bulk_create([e for e, _c in new], batch_size=1000)
    ids = dict(
        Enterprise.objects.filter(credit_code__in=[e.credit_code for e, _c in new]).values_list("credit_code", "id")
    )
    through = Enterprise.categories.through
    links = [through(enterprise_id=ids[e.credit_code], servicecategory_id=code) for e, codes in new for code in codes]
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    saved = list(Enterprise.objects.filter(pk__in=ids.values()).order_by("pk"))
    audit_record_many(actor=None, action="enterprise.demo_created", objects=saved, summary="")
    public_cache.changed(public_cache.REGISTRY)
    return len(new)
