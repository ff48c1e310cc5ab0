"""The deadline benchmark's corpus, written straight into SQLite (runs inside Django).

`build_base` makes what both databases share: the org (a hub unit, reporting units with an
officer and a head each, the section, duty officers, a secretary-general, a duty shift) and the
open incidents with their open expected-report rows, none of them due at the simulated `now`.
`build_history` adds, to a copy of that database, years of closed incidents whose expected rows
are met or cancelled, with the reminder/breach flips and inbox notifications they produced.
History gets the low ids and the open rows the high ones, as they would in a database that has
been in use for years; both databases hold the open rows under the same ids.

Rows are written with executemany on a private connection (synchronous=OFF, foreign keys off:
the build is not what is measured), in the formats Django itself stores.
"""

import json
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench._common import log

LOCAL = ZoneInfo("Asia/Shanghai")
CATEGORIES = ("natural", "accident", "health", "social")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
HISTORY_YEARS = 5


def sql_dt(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime: naive UTC, str()."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


def parse_dt(raw: str) -> datetime:
    return datetime.fromisoformat(raw).replace(tzinfo=UTC)


def connect_for_build(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None, timeout=60)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=OFF",
        "foreign_keys=OFF",
        "temp_store=MEMORY",
        "cache_size=-1000000",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def simulated_now() -> datetime:
    """Tomorrow 21:00 in Shanghai: in the future for the whole run (so a real-time worker never
    finds the corpus due) and outside office hours (breaches go to the duty office)."""
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    return datetime.combine(day, time(21, 0), tzinfo=LOCAL)


@dataclass(frozen=True)
class Sizes:
    units: int
    history_incidents: int
    history_rows: int
    open_incidents: int
    open_rows: int
    history_notifications: bool


# --- the org (Django ORM; a few hundred rows) -------------------------------------------------


def build_org(n_units: int, now: datetime) -> dict[str, Any]:
    from org.models import DutyShift, OfficeHours, Unit, UnitKind, UnitLevel, User
    from org.roles import Role

    hub = Unit.objects.create(
        code="hub",
        name="市委办公室",
        short_name="市委办",
        level=UnitLevel.CITY,
        kind=UnitKind.PARTY_OFFICE,
        is_reporting=False,
    )
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"u{i:03d}",
                name=f"报送单位{i:03d}",
                level=UnitLevel.CITY if i % 3 else UnitLevel.COUNTY,
                kind=UnitKind.DEPARTMENT if i % 3 else UnitKind.DISTRICT,
                parent=hub,
                sort_order=i,
            )
            for i in range(n_units)
        ]
    )

    def person(username: str, role: str, unit: Unit) -> User:
        return User(username=username, full_name=username, role=role, unit=unit, password="!")

    officers = User.objects.bulk_create(
        [person(f"officer{i:03d}", Role.OFFICER, u) for i, u in enumerate(units)]
    )
    heads = User.objects.bulk_create(
        [person(f"head{i:03d}", Role.UNIT_HEAD, u) for i, u in enumerate(units)]
    )
    for unit, officer in zip(units, officers, strict=True):
        unit.officer = officer
    Unit.objects.bulk_update(units, ["officer"])
    section = User.objects.bulk_create(
        [
            person("editor1", Role.EDITOR, hub),
            person("editor2", Role.EDITOR, hub),
            person("editor3", Role.EDITOR, hub),
            person("chief", Role.CHIEF, hub),
            person("duty1", Role.DUTY_OFFICER, hub),
            person("duty2", Role.DUTY_OFFICER, hub),
            person("secgen", Role.SECRETARY_GENERAL, hub),
        ]
    )
    duty = section[4]
    OfficeHours.current()
    DutyShift.objects.create(
        person=duty, starts_at=now - timedelta(hours=3), ends_at=now + timedelta(hours=9)
    )
    return {
        "hub": hub.pk,
        "units": [u.pk for u in units],
        "officer_of": {str(u.pk): o.pk for u, o in zip(units, officers, strict=True)},
        "head_of": {str(u.pk): h.pk for u, h in zip(units, heads, strict=True)},
        "section": [u.pk for u in section[:4]],
        "duty": duty.pk,
        "editor": section[0].pk,
    }


# --- incidents and expected rows --------------------------------------------------------------


def policies() -> dict[str, dict[str, Any]]:
    from emergencies import policy

    return {category: policy.snapshot(category) for category in CATEGORIES}


def levels(category: str) -> list[str]:
    return [""] if category == "social" else ["1", "2", "3", "4"]


def rule_of(snapshot: dict[str, Any], level: str) -> Any:
    from emergencies import policy
    from emergencies.models import Incident

    return policy.rule_for(Incident(policy=snapshot, level=level))


INCIDENT_SQL = (
    "INSERT INTO emergencies_incident (id, title, category, subtype, level, sensitive, place,"
    " occurred_at, known_at, clock_start, status, policy, policy_applied_at, created_at,"
    " closed_at, created_by_id, minhash)"
    " VALUES (?, ?, ?, '', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, X'')"
)
UNITS_SQL = (
    "INSERT INTO emergencies_incident_responsible_units (incident_id, unit_id) VALUES (?, ?)"
)
# The subject of every row is an incident (deadlines.ExpectedReport's generic subject).
INCIDENT_TYPE_SQL = (
    "(SELECT id FROM django_content_type WHERE app_label = 'emergencies' AND model = 'incident')"
)
EXPECTED_SQL = (
    "INSERT INTO emergencies_expectedreport (id, kind, sequence, window_start, due_at, status,"
    " stage, next_check_at, met_at, created_at, unit_id, subject_type_id, subject_id, met_by_id)"
    f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {INCIDENT_TYPE_SQL}, ?, NULL)"
)
FLIP_SQL = (
    "INSERT INTO emergencies_deadlineflip (id, kind, stage, due_moment, created_at, expected_id)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
NOTIFICATION_SQL = (
    "INSERT INTO notify_notification (title, body, url, severity, key, created_at, read_at,"
    " recipient_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _window(kind: str, rule: Any) -> timedelta:
    if kind == "phone":
        return timedelta(minutes=rule.phone_minutes or 15)
    if kind == "written":
        return timedelta(minutes=rule.written_minutes)
    if kind == "forward":
        return timedelta(minutes=rule.forward_minutes or 60)
    return timedelta(hours=rule.followup_hours or 12)


def _incident_row(
    pk: int, category: str, level: str, clock: datetime, status: str, policy_json: str, org: dict
) -> tuple[Any, ...]:
    closed = sql_dt(clock + timedelta(days=3)) if status == "closed" else None
    return (
        pk,
        f"{'历史' if status == 'closed' else ''}突发事件{pk}",
        category,
        level,
        f"某区某街道{pk % 97}号",
        sql_dt(clock - timedelta(minutes=20)),
        sql_dt(clock),
        sql_dt(clock),
        status,
        policy_json,
        sql_dt(clock),
        sql_dt(clock),
        closed,
        org["editor"],
    )


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def build_open(
    conn: sqlite3.Connection, sizes: Sizes, org: dict, now: datetime, seed: int = 1
) -> list[int]:
    """Open incidents (ids after history's) with open rows whose next step is 1 min to 6 h after
    `now`: nothing is due at `now` until the benchmark arms a slice."""
    from deadlines import rules

    rng = random.Random(seed)
    snaps = policies()
    snap_json = {c: json.dumps(s) for c, s in snaps.items()}
    units: list[int] = org["units"]
    per = -(-sizes.open_rows // sizes.open_incidents)
    template = ("written", "followup", "written", "followup", "forward")
    incidents, links, rows = [], [], []
    row_id = sizes.history_rows
    for k in range(sizes.open_incidents):
        pk = sizes.history_incidents + 1 + k
        category = CATEGORIES[k % len(CATEGORIES)]
        lv = levels(category)
        level = lv[(k // len(CATEGORIES)) % len(lv)]
        rule = rule_of(snaps[category], level)
        clock = now - timedelta(minutes=rng.uniform(10, 48 * 60))
        incidents.append(
            _incident_row(pk, category, level, clock, "open", snap_json[category], org)
        )
        a, b = units[k % len(units)], units[(k * 7 + 3) % len(units)]
        if b == a:
            b = units[(k + 1) % len(units)]
        links += [(pk, a), (pk, b)]
        for j in range(per):
            if row_id >= sizes.history_rows + sizes.open_rows:
                break
            row_id += 1
            kind = template[j % len(template)]
            unit = org["hub"] if kind == "forward" else (a if j % 5 < 2 else b)
            window = _window(kind, rule)
            steps = rules.steps(EPOCH, EPOCH + window, rule)
            r = rng.random()
            stage = 0 if r < 0.7 else 1 if r < 0.85 else 2 if r < 0.95 else 3
            stage = min(stage, len(steps) - 1)
            at = now + timedelta(seconds=rng.uniform(60, 6 * 3600))
            start = at - (steps[stage].at - EPOCH)
            rows.append(
                (
                    row_id,
                    kind,
                    1 if kind == "followup" else 0,
                    sql_dt(start),
                    sql_dt(start + window),
                    "open",
                    stage,
                    sql_dt(at),
                    None,
                    sql_dt(clock),
                    unit,
                    pk,
                )
            )
    conn.execute("BEGIN")
    conn.executemany(INCIDENT_SQL, incidents)
    conn.executemany(UNITS_SQL, links)
    conn.executemany(EXPECTED_SQL, rows)
    conn.execute("COMMIT")
    return [r[0] for r in rows]


_HISTORY_KINDS = ("phone", "written", *(["followup"] * 7), "forward")


def _recipients(unit: int, kind: str, org: dict) -> list[int]:
    if unit == org["hub"]:
        return list(org["section"])
    owners = [org["officer_of"][str(unit)], org["head_of"][str(unit)]]
    if kind == "breach":
        return [*owners, org["duty"]]
    if kind == "escalation":
        return [org["duty"]]
    return owners


def build_history(conn: sqlite3.Connection, sizes: Sizes, org: dict, now: datetime) -> dict:
    """Closed incidents over five years before `now`, every row met (95%) or cancelled; the
    flips and notifications those rows produced when `sizes.history_notifications`."""
    snaps = policies()
    snap_json = {c: json.dumps(s) for c, s in snaps.items()}
    rules_by = {(c, lv): rule_of(snaps[c], lv) for c in CATEGORIES for lv in levels(c)}
    units: list[int] = org["units"]
    span = timedelta(days=365 * HISTORY_YEARS)
    per = -(-sizes.history_rows // sizes.history_incidents)
    row_id = flip_id = 0
    counts = {"flips": 0, "notifications": 0}
    chunk = max(1, 100_000 // per)
    for block in _chunks(sizes.history_incidents, chunk):
        incidents, links, rows, flips, notes = [], [], [], [], []
        for k in block:
            pk = k + 1
            category = CATEGORIES[k % len(CATEGORIES)]
            lv = levels(category)
            level = lv[(k // len(CATEGORIES)) % len(lv)]
            rule = rules_by[(category, level)]
            clock = now - span + span * (k / sizes.history_incidents) - timedelta(days=1)
            incidents.append(
                _incident_row(pk, category, level, clock, "closed", snap_json[category], org)
            )
            a, b = units[k % len(units)], units[(k * 7 + 3) % len(units)]
            if b == a:
                b = units[(k + 1) % len(units)]
            links += [(pk, a), (pk, b)]
            written = timedelta(minutes=rule.written_minutes)
            for j in range(per):
                if row_id >= sizes.history_rows:
                    break
                row_id += 1
                kind = _HISTORY_KINDS[j % len(_HISTORY_KINDS)]
                unit = org["hub"] if kind == "forward" else (a if j < per // 2 else b)
                window = _window(kind, rule)
                sequence = (j % len(_HISTORY_KINDS)) - 1 if kind == "followup" else 0
                start = clock + (written + window * (sequence - 1) if sequence else timedelta())
                due = start + window
                h = (row_id * 2654435761) % 1000
                status, stage = "met", 0
                met_at: datetime | None = start + window * 0.3
                if h >= 980:
                    status, met_at = "cancelled", None
                elif h >= 950:
                    stage, met_at = 4, due + timedelta(minutes=20)
                elif h >= 900:
                    stage, met_at = 2, start + window * 0.95
                elif h >= 600:
                    stage, met_at = 1, start + window * 0.7
                rows.append(
                    (
                        row_id,
                        kind,
                        sequence,
                        sql_dt(start),
                        sql_dt(due),
                        status,
                        stage,
                        None,
                        sql_dt(met_at) if met_at else None,
                        sql_dt(start),
                        unit,
                        pk,
                    )
                )
                if not sizes.history_notifications:
                    continue
                moments = [start + window * 0.5, start + window * 0.9, due, due]
                kinds = ["reminder", "reminder", "breach", "escalation"]
                for s in range(stage):
                    flip_id += 1
                    at = moments[s] + timedelta(seconds=1)
                    flips.append((flip_id, kinds[s], s + 1, sql_dt(moments[s]), sql_dt(at), row_id))
                    title = f"[{kinds[s]}] 报送单位 {kind} {sql_dt(due)[5:16]}"
                    for uid in _recipients(unit, kinds[s], org):
                        read = (
                            None if (flip_id + uid) % 33 == 0 else sql_dt(at + timedelta(hours=1))
                        )
                        notes.append(
                            (
                                title,
                                f"“突发事件{pk}”：{title}",
                                f"/emergencies/{pk}/",
                                "warning" if s < 2 else "urgent",
                                f"flip:{flip_id}",
                                sql_dt(at),
                                read,
                                uid,
                            )
                        )
        conn.execute("BEGIN")
        conn.executemany(INCIDENT_SQL, incidents)
        conn.executemany(UNITS_SQL, links)
        conn.executemany(EXPECTED_SQL, rows)
        conn.executemany(FLIP_SQL, flips)
        conn.executemany(NOTIFICATION_SQL, notes)
        conn.execute("COMMIT")
        counts["flips"] += len(flips)
        counts["notifications"] += len(notes)
        log(
            f"history: {row_id:,}/{sizes.history_rows:,} expected rows,"
            f" {counts['flips']:,} flips, {counts['notifications']:,} notifications"
        )
    return counts


def table_counts(conn: sqlite3.Connection, tables: Sequence[str]) -> dict[str, int]:
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
