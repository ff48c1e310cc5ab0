"""The part of the ranking benchmark that runs inside Django, against a fresh database.

    python -m bench._ranking_child build '{"units": 1000, "lines": 1000000, "year": 2025}'
    python -m bench._ranking_child measure '{"year": 2025, "reps": 15}'

with XINBAO_VAR_DIR (and so the database) set by bench/ranking.py. `build` writes the org
(units in classes) and a year of sources — items adopted by city and provincial publications,
a share of them joint — sized so that the ledger rebuilt from them holds about `lines` rows,
then rebuilds the ledger once (timed: the first rebuild, on an empty ledger) and a second time
(the idempotent rebuild that replaces every row). `measure` times the annual ranking page and
its floor — the year's ledger totals the page reads, fetched by one plain SELECT — alternately.
Progress goes to stderr; the command's result, one JSON object, is the last line on stdout.
"""

import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bench._common import log, percentile

BATCH = 20_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinbao.settings")
    import django

    django.setup()


def build(units: int, lines: int, year: int, seed: int = 2026) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bulletins.models import Adoption, AdoptionLevel, Publication
    from org.models import Unit, UnitKind, UnitLevel, User
    from org.roles import Role
    from scoring import actions as scoring_actions
    from scoring.models import ScoreEntry
    from submissions.models import InfoItem, ItemState

    rng = random.Random(seed)
    hub = Unit.objects.create(
        code="hub", name="市委办公室", level=UnitLevel.CITY, kind=UnitKind.PARTY_OFFICE
    )
    hub.is_reporting = False
    hub.save(update_fields=["is_reporting"])
    unit_rows = Unit.objects.bulk_create(
        [
            Unit(
                code=f"u{i:04d}",
                name=f"报送单位{i:04d}",
                level=UnitLevel.COUNTY if i % 4 == 0 else UnitLevel.CITY,
                kind=UnitKind.DISTRICT if i % 4 == 0 else UnitKind.DEPARTMENT,
                parent=hub,
                sort_order=i,
            )
            for i in range(units)
        ]
    )
    chief = User.objects.create(
        username="chief", full_name="科长", role=Role.CHIEF, unit=hub, password="!"
    )
    chief.set_password("bench-pass-2026")
    chief.save(update_fields=["password"])
    authors = User.objects.bulk_create(
        [
            User(
                username=f"officer{i:04d}",
                full_name=f"信息员{i:04d}",
                role=Role.OFFICER,
                unit=u,
                password="!",
            )
            for i, u in enumerate(unit_rows)
        ]
    )
    classes = _assign_classes(unit_rows, year)
    city = [
        Publication.objects.create(code=code, name=name, level=AdoptionLevel.CITY, issuer="市委办")
        for code, name in (("daily", "每日要情"), ("special", "信息专报"))
    ]
    province = [
        Publication.objects.create(
            code="province", name="省委办公厅信息", level=AdoptionLevel.PROVINCE, issuer="省委办"
        )
    ]

    # Lines per item: 1.25 adoptions (a quarter also taken by the province) × 1.5 units (30 %
    # of items have one joint unit, 10 % two) = 1.875.
    n_items = int(lines / 1.875)
    log(f"build: {units} units in {classes} classes, {n_items:,} items")
    tz = timezone.get_current_timezone()
    start = date(year, 1, 1)
    days = (date(year, 12, 31) - start).days + 1
    through = InfoItem.joint_units.through
    made = 0
    t0 = time.monotonic()
    while made < n_items:
        size = min(BATCH, n_items - made)
        items, picks = [], []
        for k in range(size):
            lead = rng.randrange(units)
            on = start + timedelta(days=rng.randrange(days))
            at = timezone.make_aware(datetime(on.year, on.month, on.day, 9 + rng.randrange(8)), tz)
            items.append(
                InfoItem(
                    kind="info",
                    state=ItemState.ADOPTED,
                    title=f"单位{lead:04d}信息{made + k}",
                    body="",
                    occurred_on=on,
                    submitted_at=at,
                    author=authors[lead],
                    unit=unit_rows[lead],
                )
            )
            picks.append((lead, on))
        with transaction.atomic():
            InfoItem.objects.bulk_create(items, batch_size=2000)
            joints, adoptions = [], []
            for item, (lead, on) in zip(items, picks, strict=True):
                roll = rng.random()
                extra = 2 if roll < 0.1 else 1 if roll < 0.4 else 0
                for other in rng.sample(range(units), extra + 1):
                    if other != lead and extra > 0:
                        joints.append(through(infoitem_id=item.pk, unit_id=unit_rows[other].pk))
                        extra -= 1
                adoptions.append(
                    Adoption(
                        item=item,
                        publication=rng.choice(city),
                        level=AdoptionLevel.CITY,
                        adopted_on=on,
                        recorded_by=chief,
                    )
                )
                if rng.random() < 0.25:
                    adoptions.append(
                        Adoption(
                            item=item,
                            publication=rng.choice(province),
                            level=AdoptionLevel.PROVINCE,
                            adopted_on=min(on + timedelta(days=3), date(year, 12, 31)),
                            recorded_by=chief,
                        )
                    )
            through.objects.bulk_create(joints, batch_size=5000)
            Adoption.objects.bulk_create(adoptions, batch_size=5000)
        made += size
        log(f"build: {made:,}/{n_items:,} items ({time.monotonic() - t0:.0f} s)")
    build_s = time.monotonic() - t0

    as_of = timezone.make_aware(datetime(year + 1, 1, 15, 12), tz)
    log("rebuild: first (empty ledger)")
    t = time.monotonic()
    first = scoring_actions.rebuild(year, as_of=as_of)
    first_s = time.monotonic() - t
    log(f"rebuild: {first.entries:,} rows in {first_s:.1f} s; second (replaces every row)")
    t = time.monotonic()
    second = scoring_actions.rebuild(year, as_of=as_of)
    second_s = time.monotonic() - t
    log(f"rebuild: {second.entries:,} rows in {second_s:.1f} s")
    if second.entries != first.entries or second.total != first.total:
        raise RuntimeError("the second rebuild differs from the first")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "units": units,
        "items": n_items,
        "ledger_rows": ScoreEntry.objects.filter(year=year).count(),
        "build_s": build_s,
        "rebuild_first_s": first_s,
        "rebuild_s": second_s,
    }


def _assign_classes(units: list[Any], year: int) -> int:
    """Put the units in the seeded unit classes round-robin, their quotas counting from the
    start of the year (so quota lines are part of the rebuild)."""
    from scoring.models import ClassAssignment, UnitClass

    classes = list(UnitClass.objects.order_by("sort_order", "pk"))
    ClassAssignment.objects.bulk_create(
        [
            ClassAssignment(
                unit=u, unit_class=classes[i % len(classes)], quota_from=date(year, 1, 1)
            )
            for i, u in enumerate(units)
        ],
        batch_size=2000,
    )
    return len(classes)


def measure(year: int, reps: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from org.models import User
    from scoring import queries
    from scoring.models import ScoreTotal

    client = Client()
    client.force_login(User.objects.get(username="chief"))
    url = _ranking_url(year)
    warm = client.get(url)
    if warm.status_code != 200:
        raise RuntimeError(f"GET {url} answered {warm.status_code}")
    body = warm.content.decode()
    if "报送单位" not in body:
        raise RuntimeError(f"GET {url} does not list the units")

    # The floor: the rows the ranking reads — the year's ScoreTotal rows (the ledger summed
    # per unit, month and rule: `scoring.queries.unit_figures`) and the units it ranks with
    # their classes (`scoring.queries.unit_infos`) — fetched by the simplest queries: no ORM,
    # no sums, ranking, tiers or template. The ranking over the floor is what the ranking
    # code costs on top of reading its data.
    floor_sql = [
        "SELECT unit_id, month, rule_id, points, entries FROM scoring_scoretotal WHERE year = %s",
        "SELECT u.id, u.name, u.sort_order, u.code, a.unit_class_id FROM org_unit u"
        " LEFT JOIN scoring_classassignment a ON a.unit_id = u.id"
        " WHERE u.is_reporting AND u.is_active",
    ]
    page_rows = ScoreTotal.objects.filter(year=year).count()

    def floor() -> float:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(floor_sql[0], [year])
            rows = cursor.fetchall()
            cursor.execute(floor_sql[1])
            cursor.fetchall()
        took = (time.perf_counter() - t) * 1000
        if len(rows) != page_rows:
            raise RuntimeError(f"the floor read {len(rows)} rows, the page {page_rows}")
        return took

    def page() -> float:
        t = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return took

    period = queries.Period(year, "")

    def rankings() -> float:
        t = time.perf_counter()
        queries.rankings(period)
        return (time.perf_counter() - t) * 1000

    floor()
    rankings()
    floors, pages, boards = [], [], []
    for i in range(reps):
        # Alternate, so a busy moment of the machine touches all three.
        floors.append(floor())
        boards.append(rankings())
        pages.append(page())
        log(
            f"measure: {i + 1}/{reps} floor {floors[-1]:.1f} ms, rankings {boards[-1]:.0f} ms,"
            f" page {pages[-1]:.0f} ms"
        )
    floors.sort()
    pages.sort()
    boards.sort()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    if not any("scoring_scoretotal" in q["sql"] for q in ctx.captured_queries):
        raise RuntimeError(f"GET {url} no longer reads scoring_scoretotal: the floor is stale")
    return {
        "url": url,
        "floor_ms": percentile(floors, 50),
        "floor_p95_ms": percentile(floors, 95),
        "total_rows": page_rows,
        "rankings_ms": percentile(boards, 50),
        "ranking_ms": percentile(pages, 50),
        "ranking_p95_ms": percentile(pages, 95),
        "ranking_queries": len(ctx.captured_queries),
        "reps": reps,
        "page_kb": len(body.encode()) / 1024,
    }


def _ranking_url(year: int) -> str:
    from django.urls import reverse

    return f"{reverse('scoring:board')}?year={year}&period="


def main() -> None:
    command = sys.argv[1]
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    _setup()
    commands: dict[str, Callable[..., dict[str, Any]]] = {"build": build, "measure": measure}
    result = commands[command](**args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
