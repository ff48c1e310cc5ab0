"""`manage.py seed_demo`: the demo city the README promises, loaded once — at any hour of any
day. The demo is loaded at the pinned instant and at each awkward instant below (all local
Asia/Shanghai times, derived from the pin and the official calendar the migrations seed), and
everything the demo must show is checked there (tests/demo_checks.py), pages included."""

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from insight.models import InsightPolicy
from notify.models import Notification
from org.models import User
from tests import demo_checks as check
from tests.clock import PINNED, SHANGHAI, TODAY, YEAR, next_weekday
from xinbao.demo import directory
from xinbao.demo import items as demo_items
from xinbao.demo.insight import EBIKES
from xinbao.demo.load import load_demo


def _at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


def _last_before(days: object, keep: object) -> date:
    """The latest day of the pinned year, before the pinned day, in `days` that `keep` accepts."""
    assert isinstance(days, dict) and callable(keep)
    return max(d for d in days if d.year == YEAR and d < TODAY and keep(d))


# The official calendar's facts, from the same package the calendar migration seeds from.
_HOLIDAY = _last_before(chinese_calendar.holidays, lambda d: d.weekday() < 5)
_SWAPPED = _last_before(chinese_calendar.workdays, lambda d: d.weekday() >= 5)
_UNKNOWN_YEAR = max(d.year for d in chinese_calendar.holidays) + 1
_MONDAY = next_weekday(TODAY, 0)

DEMO_INSTANTS: dict[str, datetime] = {
    "monday-0800": _at(_MONDAY, "08:00"),  # before the office opens: nothing yet today
    "monday-0900": _at(_MONDAY, "09:00"),  # just after it opens
    "thursday": PINNED if PINNED.weekday() == 3 else _at(next_weekday(TODAY, 3), "09:30"),
    "sunday-0200": _at(next_weekday(TODAY, 6), "02:00"),
    "dec31-2359": _at(date(YEAR, 12, 31), "23:59"),
    "jan01-0001": _at(date(YEAR, 1, 1), "00:01"),  # a holiday, and the story's year is last year
    "holiday": _at(_HOLIDAY, "10:00"),
    "swapped-workday": _at(_SWAPPED, "10:00"),  # a Saturday or Sunday the office works
    "unknown-year": _at(date(_UNKNOWN_YEAR, TODAY.month, TODAY.day), "10:00"),
}
ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ("kezhang", "bianji1", "zhiban", "lingdao", "mishuzhang", "gaj_xxy", "gaj_ld")


def test_the_instants_are_what_they_say() -> None:
    assert [DEMO_INSTANTS[k].weekday() for k in ("monday-0800", "thursday", "sunday-0200")] == [
        0,
        3,
        6,
    ]
    assert chinese_calendar.is_holiday(DEMO_INSTANTS["holiday"].date())
    assert DEMO_INSTANTS["holiday"].weekday() < 5
    assert chinese_calendar.is_workday(DEMO_INSTANTS["swapped-workday"].date())
    assert DEMO_INSTANTS["swapped-workday"].weekday() >= 5
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(DEMO_INSTANTS["unknown-year"].date())


def test_demo_text_is_substantial() -> None:
    assert len(demo_items.ITEMS) >= 36
    for item in demo_items.ITEMS:
        bodies = [item.body] + [s.body for s in item.steps if isinstance(s, demo_items.Revise)]
        for body in bodies:
            assert 2 <= len(body) <= 5, item.title
            assert len("".join(body)) >= 150, item.title


def test_every_unit_meant_to_be_active_reported_recently_enough_to_outlast_a_holiday() -> None:
    """A unit counts as silent after the analysis policy's `silent_days` calendar days without a
    report (30 as seeded), but the demo dates items in working days: the longest official
    closure (the Spring Festival's nine days) plus the weekends around must not make an active
    unit look silent."""
    last: dict[str, int] = {spec.unit: 0 for spec in EBIKES}  # written this week
    for item in demo_items.ITEMS:
        if any(isinstance(step, demo_items.SignOff) for step in item.steps):
            last[item.unit] = min(last.get(item.unit, item.working_days_ago), item.working_days_ago)
    active = {u.code for u in directory.UNITS if u.officer and u.code not in directory.SILENT_UNITS}
    assert set(last) >= active
    # 12 working days are at most 18 calendar days; with nine closed days on top, 27 < 30.
    silent_after = InsightPolicy._meta.get_field("silent_days").get_default()
    assert silent_after >= 30
    assert {code: last[code] for code in active if last[code] > 12} == {}
    assert all(
        last[code] * 7 // 5 > silent_after for code in directory.SILENT_UNITS if code in last
    )


def test_demo_password_passes_the_password_policy() -> None:
    validate_password(directory.DEMO_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("instant", DEMO_INSTANTS.values(), ids=DEMO_INSTANTS.keys())
def test_the_demo_at(instant: datetime, _pinned_clock: time_machine.Traveller) -> None:
    _pinned_clock.move_to(instant)
    first = check.seed()
    check.check_network()
    check.check_codes()
    check.check_officers()
    check.check_items()
    check.check_accountability()
    check.check_insight()
    check.check_followups()
    clients = {}
    for username in PERSONAS:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    check.check_scoring(clients["kezhang"])
    check.check_sensitive_and_circular(clients["kezhang"])
    check.check_pages(clients)
    check.check_duty(clients["zhiban"])
    check.check_roster(clients["kezhang"])

    # A second run adds nothing, and both print the logins.
    before = check.counts()
    second = check.seed()
    assert check.counts() == before
    assert "already present" in second
    assert "Items: " in first and "Items: " not in second
    for output in (first, second):
        check.check_logins(output)


def test_the_demo_is_never_dated_after_the_instant_it_is_loaded_at(
    _pinned_clock: time_machine.Traveller, db: None
) -> None:
    """Loaded as of an hour ago, nothing it writes is later than that."""
    as_of = PINNED - timedelta(hours=1)
    load_demo(progress=lambda _line: None, now=as_of)
    latest = max(
        check.InfoItem.objects.order_by("-updated_at")[0].updated_at,
        check.ItemEvent.objects.order_by("-at")[0].at,
    )
    assert latest <= as_of
    # What an item's steps told people is dated with the steps.
    told = Notification.objects.filter(key__startswith="item:")
    assert told.exists()
    assert told.order_by("-created_at")[0].created_at <= as_of


MAKE_RUN = (
    ("migrate", "--noinput", "-v0"),
    ("reindex", "--if-needed"),
    ("seed_demo",),
)


@pytest.mark.wallclock  # the commands run in processes of their own, on faketime's clock
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="`make run` uses the embedded SQLite file whatever the suite's database",
)
def test_make_runs_own_steps_work_on_a_monday_morning(tmp_path: Path) -> None:
    """`make run`'s steps, as the real commands on a fresh embedded database, with the
    operating system's clock moved (faketime) to the instant that broke them: a Monday just
    after the office opens. (The other instants are covered in-process above.)"""
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and no faketime: install the OS package `faketime`.")
        pytest.skip("faketime is not installed (the OS package `faketime`)")
    instant = DEMO_INSTANTS["monday-0900"]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "XINBAO_TESTING")}
    env |= {"XINBAO_VAR_DIR": str(tmp_path), "TZ": "Asia/Shanghai"}
    outputs = []
    for command in MAKE_RUN:
        done = subprocess.run(
            [faketime, f"{instant:%Y-%m-%d %H:%M:%S}", sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-4000:])
        outputs.append(done.stdout)
    assert "Demo data loaded" in outputs[-1]
    with closing(sqlite3.connect(tmp_path / "xinbao.sqlite3")) as db:
        (newest,) = db.execute("SELECT MAX(at) FROM submissions_itemevent").fetchone()
        (issues,) = db.execute("SELECT COUNT(*) FROM bulletins_issue").fetchone()
    # Stored in UTC; the demo's history ends before the instant it was loaded at.
    assert datetime.fromisoformat(newest).replace(tzinfo=UTC) <= instant
    assert issues == 2  # the last issue published and the next one being compiled
