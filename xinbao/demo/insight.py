"""The demo city's archive analysis: a spate of electric-bike fire items this week (an early
sign), the same events reported twice (one pair merged, others left for the editor to decide),
typical cases for leaders, the 金桥商厦 fire opened a second time by the district in writing
(left for the editor to decide), and the afternoon's waterlogging opened again by 西江区 (merged
into the water bureau's incident).

Items are written through `submissions.actions` and merged and marked through
`archive.insight_actions`, as the personas who do it; then the items are dated. Loading twice
adds nothing."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from archive.insight_actions import do_mark_typical, do_merge_incidents, do_merge_items
from archive.insight_rules import week_monday
from emergencies.actions import (
    IncidentFacts,
    ReportContent,
    do_open_incident,
    do_sign_off_report,
)
from emergencies.models import Category, Incident, Level
from org.models import Unit, User
from submissions.actions import ItemContent, do_create_item, do_transition
from submissions.models import InfoItem, ItemEvent, ItemKind, ItemRevision, TypicalCase
from submissions.rules import Action

MARKER = "青山县白石镇组织群众开展防汛转移演练"


@dataclass(frozen=True)
class Extra:
    unit: str
    title: str
    body: tuple[str, ...]
    tags: tuple[str, ...] = ()
    kind: str = ItemKind.NEWS
    review: bool = True  # an editor has taken it


# This week's items on electric bikes: with the two the city already has, a rising term.
EBIKES: tuple[Extra, ...] = (
    Extra(
        "jc-dhq",
        "东湖区一居民楼电动自行车充电起火 未造成人员伤亡",
        (
            "本周二凌晨，东湖区幸福里小区一居民楼一层楼道内停放充电的电动自行车起火，"
            "火势蔓延至楼道内杂物，浓烟进入二至四层。",
            "消防救援人员到场后很快将明火扑灭，疏散居民40余人，未造成人员伤亡。经初步调查，起火原因为"
            "电动自行车在楼道内充电时电池故障。",
            "东湖区已组织街道和物业对辖区小区楼道开展清理，劝导居民不在楼道内停放、充电。",
        ),
        ("电动自行车", "火灾隐患排查"),
    ),
    Extra(
        "jc-xfzd",
        "东湖区幸福里小区楼道电动自行车充电引发火灾",
        (
            "本周二凌晨，东湖区幸福里小区一居民楼楼道内电动自行车充电时起火，浓烟蔓延至二至四层。",
            "市消防救援支队接警后出动4车20人赶赴现场，很快扑灭明火，疏散居民40余人，无人员伤亡。"
            "初步判断起火原因为电动自行车在楼道内充电时电池故障。",
            "支队提醒广大群众不要在楼道、门厅等公共区域停放电动自行车或充电。",
        ),
        ("电动自行车", "火灾隐患排查"),
        review=False,
    ),
    Extra(
        "jc-zjj",
        "我市加快老旧小区电动自行车集中充电设施建设",
        (
            "针对电动自行车“充电难”和“飞线充电”隐患，市住建局会同各区加快老旧小区电动自行车集中"
            "充电设施建设，今年计划新建充电口1.2万个。",
            "截至目前，已在126个老旧小区建成集中充电棚212处、充电口8600个，具备定时断电、"
            "过充保护和烟感报警功能。",
            "下一步，市住建局将把充电设施建设纳入老旧小区改造必改内容，年底前实现应建尽建。",
        ),
        ("电动自行车",),
        review=False,
    ),
    Extra(
        "jc-nlq",
        "南岭区开展电动自行车“进楼入户”专项清理",
        (
            "南岭区本周起在全区开展电动自行车“进楼入户”专项清理，组织街道、社区、物业对住宅"
            "小区楼道、地下室逐栋排查。",
            "专项清理开展三天来，共检查住宅楼1800余栋，清理楼道停放电动自行车620辆，拆除私拉乱接"
            "充电线路140处。",
            "南岭区将把专项清理与集中充电设施建设结合起来，防止问题反弹。",
        ),
        ("电动自行车", "火灾隐患排查"),
    ),
    Extra(
        "jc-scjgj",
        "我市查处一批不合格电动自行车充电器和电池",
        (
            "市市场监管局近期组织开展电动自行车及充电器、电池产品质量专项检查，检查销售门店"
            "和维修网点230家。",
            "检查中抽检充电器、锂电池等产品96批次，不合格18批次，主要问题是过充保护失效、"
            "标识不符合标准；已依法下架不合格产品并立案查处7家经营户。",
            "市市场监管局提醒消费者到正规渠道购买带有强制性认证标志的电动自行车和配件。",
        ),
        ("电动自行车",),
        kind=ItemKind.NEWS,
    ),
)

# The county reports its township's drill too: merged into the township's own item.
DRILL_AGAIN = Extra(
    "jc-qsx",
    MARKER,
    (
        "为提高应对突发险情能力，青山县白石镇近日在沿河的柳塘村组织开展防汛应急转移演练，模拟河道"
        "水位超警、村庄进水险情，镇村干部、民兵应急分队和村民共260余人参加。",
        "演练按照预警发布、人员转移、安置点安置、抢险处置等环节进行，检验了“村组干部包户、党员联户”"
        "转移机制，转移全过程用时38分钟。",
        "县防汛办对演练中发现的转移路线标识不清、安置点物资不足等问题进行了梳理，要求限期整改到位。",
    ),
    ("防汛",),
)

TYPICAL: tuple[tuple[str, str, str], ...] = (
    (
        "我市组建“强村公司”壮大村级集体经济",
        TypicalCase.GOOD,
        "壮大村级集体经济的好做法，可在全市推广",
    ),
    (
        "东湖区“社区嵌入式”养老服务中心让老人就近享服务",
        TypicalCase.GOOD,
        "就近养老服务的成功样本",
    ),
    (
        "校园周边流动食品摊贩监管存在盲区",
        TypicalCase.BAD,
        "部门职责交叉形成监管盲区，各地应引以为戒",
    ),
    ("临河县一建筑工地发生农民工集中讨薪", TypicalCase.BAD, "欠薪源头治理不到位引发聚集"),
)


def _date(item: InfoItem, at: datetime, started: datetime) -> None:
    """Move what was just written (stamped with the real clock) to `at`."""
    InfoItem.objects.filter(pk=item.pk).update(created_at=at, updated_at=at, submitted_at=at)
    ItemEvent.objects.filter(item=item, at__gte=started).update(at=at)
    ItemRevision.objects.filter(item=item, created_at__gte=started).update(created_at=at)


def _settle(item_id: int, started: datetime) -> None:
    """Date what the editor just did (stamped with the real clock) a little after the item's
    history so far, and keep `updated_at` on its newest event."""
    last = ItemEvent.objects.filter(item_id=item_id, at__lt=started).aggregate(at=Max("at"))["at"]
    if last is None:
        return
    at = min(last + timedelta(minutes=20), started - timedelta(minutes=1))
    ItemEvent.objects.filter(item_id=item_id, at__gte=started).update(at=at)
    InfoItem.objects.filter(pk=item_id).update(updated_at=at)


def _write(
    spec: Extra, units: dict[str, Unit], users: dict[str, User], at: datetime, started: datetime
) -> InfoItem:
    unit = units[spec.unit]
    officer = unit.officer
    head = next(u for u in users.values() if u.unit_id == unit.pk and u.role == "unit_head")
    if officer is None:
        raise ValueError(f"{spec.unit} has no officer to write “{spec.title}”")
    item = do_create_item(
        officer,
        ItemContent(title=spec.title, body="\n".join(spec.body), kind=spec.kind, tags=spec.tags),
        submit=True,
    )
    do_transition(head, item.pk, Action.SIGN_OFF)
    if spec.review:
        do_transition(users["bianji1"], item.pk, Action.START_REVIEW)
    _date(item, at, started)
    item.refresh_from_db()
    return item


def _this_week(started: datetime, fractions: Sequence[float]) -> list[datetime]:
    """Moments between the start of this ISO week and `started`, so this week's view shows
    them whatever weekday the demo is loaded on."""
    monday = timezone.make_aware(
        datetime.combine(week_monday(timezone.localdate(started)), time.min)
    )
    span = started - monday
    return [monday + span * f for f in fractions]


def load_insight(units: dict[str, Unit], users: dict[str, User], started: datetime) -> str:
    if InfoItem.objects.filter(title=MARKER).exists():
        return "already loaded"
    editor = users["bianji1"]
    moments = _this_week(started, (0.3, 0.35, 0.6, 0.75, 0.9))
    ebikes = [
        _write(spec, units, users, at, started) for spec, at in zip(EBIKES, moments, strict=True)
    ]

    drill = InfoItem.objects.get(title="白石镇组织开展防汛应急转移演练")
    assert drill.submitted_at is not None
    again = _write(DRILL_AGAIN, units, users, drill.submitted_at + timedelta(hours=3), started)
    do_merge_items(editor, again.pk, drill.pk)
    _settle(again.pk, started)
    _settle(drill.pk, started)

    marked = 0
    for title, kind, note in TYPICAL:
        item = InfoItem.objects.filter(title=title).first()
        if item is not None:
            do_mark_typical(editor, item.pk, kind, note)
            _settle(item.pk, started)
            marked += 1

    fire = Incident.objects.filter(title="东湖区金桥商厦发生火灾").first()
    opened = 0
    if fire is not None:
        district = units["jc-dhq"]
        assert district.officer is not None
        do_open_incident(
            district.officer,
            IncidentFacts(
                title="金桥商厦三层服装店起火",
                category=Category.ACCIDENT,
                place="东湖区中山路88号金桥商厦",
                occurred_at=fire.occurred_at,
                known_at=fire.known_at + timedelta(minutes=6),
                units=[district],
                subtype="火灾",
            ),
            ReportContent(
                summary="金桥商厦三层一服装店起火，明火蔓延至相邻商铺，商厦正在疏散顾客，暂无人员伤亡报告。",
                measures="区应急、公安、消防等部门已赶赴现场处置。",
                contact="东湖区值班室 83456789",
            ),
            now=started,
        )
        opened = 1
    merged = _merge_waterlogging(units, users)
    return (
        f"{len(ebikes)} items this week, 1 merged duplicate, {marked} typical cases, "
        f"{opened} incident reported twice, {merged} merged"
    )


def _merge_waterlogging(units: dict[str, Unit], users: dict[str, User]) -> int:
    """西江区 reported the afternoon's waterlogging on its own roads as an incident of its own;
    the editor merged it into the water bureau's report of the same rain."""
    rain = Incident.objects.filter(title="市区遭遇短时强降雨 多处道路积水").first()
    if rain is None:
        return 0
    district = units["jc-xjq"]
    assert district.officer is not None
    report = do_open_incident(
        district.officer,
        IncidentFacts(
            title="西江区解放路等路段严重积水",
            category=Category.NATURAL,
            place="西江区解放路、新华路下穿通道",
            occurred_at=rain.occurred_at + timedelta(minutes=20),
            known_at=rain.known_at + timedelta(minutes=15),
            units=[district],
            subtype="暴雨内涝",
            level=Level.IV,
        ),
        ReportContent(
            summary="强降雨致解放路、新华路下穿通道积水超过40厘米，3辆小汽车熄火被困，人员已撤离。",
            measures="区城管、交警部门已封闭下穿通道，调派排涝车辆抽排积水。",
            contact="西江区值班室 83320001",
        ),
        now=rain.known_at + timedelta(minutes=25),
    )
    do_sign_off_report(users["xjq_ld"], report.pk, now=rain.known_at + timedelta(minutes=35))
    do_merge_incidents(users["bianji1"], report.incident_id, rain.pk)
    return 1
