"""The demo city's scoring: its reporting units in the four seeded classes, award tiers sized
to each class, and a ledger rebuilt from everything the demo has done so far.

The demo's items reach back only a few weeks, far below a month's quota before that, as if
the city had just started using xinbao; so the quotas count from the first day of this month
and the scorecards show the month in progress instead of charging months the city was not yet
on the system. Run it last: the ledger is built from the items, adoptions, instructions,
solicitations and violations the other demo loaders wrote. Re-running it changes nothing
(get-or-create, then the same deterministic rebuild).
"""

from datetime import datetime, timedelta

from django.utils import timezone

from org.models import Unit, User
from scoring.actions import rebuild
from scoring.actions_circulars import issue_circular
from scoring.models import AwardTier, CircularKind, ClassAssignment, UnitClass
from xinbao.demo.clock import DemoClock

# Class name, monthly quota, order, its units by code, and its tiers (name, places).
CLASSES: tuple[tuple[str, int, int, tuple[str, ...], tuple[tuple[str, int], ...]], ...] = (
    (
        "一类",
        8,
        1,
        ("jc-zfb", "jc-gaj", "jc-yjj", "jc-slj", "jc-wjw"),
        (("一等奖", 1), ("二等奖", 1), ("三等奖", 1)),
    ),
    (
        "二类",
        6,
        2,
        ("jc-dhq", "jc-xjq", "jc-nlq", "jc-qsx", "jc-lhx", "jc-ytx", "jc-bxx"),
        (("一等奖", 1), ("二等奖", 2), ("三等奖", 2)),
    ),
    (
        "三类",
        5,
        3,
        (
            "jc-scjgj",
            "jc-xfj",
            "jc-fgw",
            "jc-swj",
            "jc-zjj",
            "jc-mzj",
            "jc-nyj",
            "jc-xfzd",
            "jc-jyj",
            "jc-tjj",
            "jc-sjj",
            "jc-gdgs",
        ),
        (("一等奖", 1), ("二等奖", 2), ("三等奖", 3)),
    ),
    ("四类", 3, 4, ("jc-bsz", "jc-lwx"), (("一等奖", 1),)),
)


def load_scoring(units: dict[str, Unit], now: datetime) -> str:
    since = timezone.localdate(now).replace(day=1)
    assigned = 0
    for name, quota, order, codes, tiers in CLASSES:
        unit_class, _ = UnitClass.objects.get_or_create(
            name=name, defaults={"monthly_quota": quota, "sort_order": order}
        )
        for position, (tier, places) in enumerate(tiers, start=1):
            AwardTier.objects.update_or_create(
                unit_class=unit_class,
                position=position,
                defaults={"name": tier, "places": places, "min_points": None},
            )
        AwardTier.objects.filter(unit_class=unit_class, position__gt=len(tiers)).delete()
        for code in codes:
            if code in units:
                ClassAssignment.objects.get_or_create(
                    unit=units[code], defaults={"unit_class": unit_class, "quota_from": since}
                )
                assigned += 1
    result = rebuild(None, as_of=now)
    return f"{assigned} units in {len(CLASSES)} classes, {result.entries} ledger lines"


def load_circular(users: dict[str, User], now: datetime) -> str:
    """The section chief numbers last month's 信息采用情况通报 on the last working day the office
    was open (not after `now`), so the rankings page lists a numbered circular and its .docx
    prints the 文号. The month is the one before that day's, always complete. Re-running returns
    the circular already numbered."""
    clock = DemoClock.at(now)
    issued_on = clock.last_open_moment(now).date()
    month_end = issued_on.replace(day=1) - timedelta(days=1)
    circular = issue_circular(
        users["kezhang"], CircularKind.ADOPTION, month_end.year, str(month_end.month), issued_on
    )
    return f"{circular.doc_number} ({month_end.year}-{month_end.month:02d})"
