"""The demo city's archive analysis: a spate of electric-bike fire items this week (an early
sign), the same events reported twice (one pair merged, others left for the editor to decide),
typical cases for leaders, the 金桥商厦 fire opened a second time by the district in writing
(left for the editor to decide), and the afternoon's waterlogging opened again by 西江区 (merged
into the water bureau's incident).

Items are written through `submissions.actions` and merged and marked through
`insight.actions`, as the personas who do it; then the items are dated. Loading twice
adds nothing."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from emergencies.actions import (
    IncidentFacts,
    ReportContent,
    do_open_incident,
    do_sign_off_report,
)
from emergencies.models import Category, Incident, Level
from insight.actions import do_mark_typical, do_merge_incidents, do_merge_items
from insight.rules import week_monday
from org.models import Unit, User
from submissions.actions import ItemContent, do_create_item, do_transition
from submissions.models import InfoItem, ItemEvent, ItemKind, ItemRevision, TypicalCase
from submissions.rules import Action
from xinbao.demo import read_data


@dataclass(frozen=True)
class Extra:
    unit: str
    title: str
    body: tuple[str, ...]
    tags: tuple[str, ...] = ()
    kind: str = ItemKind.NEWS
    review: bool = True  # an editor has taken it


def _extra(entry: dict[str, Any]) -> Extra:
    return Extra(
        unit=entry["unit"],
        title=entry["title"],
        body=tuple(entry["body"]),
        tags=tuple(entry.get("tags", ())),
        kind=ItemKind(entry.get("kind", ItemKind.NEWS)),
        review=entry.get("review", True),
    )


_DATA = read_data("insight")
# This week's items on electric bikes: with the two the city already has, a rising term.
EBIKES: tuple[Extra, ...] = tuple(_extra(entry) for entry in _DATA["ebike"])
# The county reports its township's drill too: merged into the township's own item.
DRILL_AGAIN = _extra(_DATA["drill_again"])
MARKER = DRILL_AGAIN.title
TYPICAL: tuple[tuple[str, str, str], ...] = tuple(
    (entry["title"], TypicalCase(entry["case"]), entry["note"]) for entry in _DATA["typical"]
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
                category_code="21000",
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
            category_code="11000",
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
