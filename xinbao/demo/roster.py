"""The demo city's roster, as read from `data/roster.toml`: every unit's main officer since a
date, 市信访局's officer change (the former officer's items stay hers), 市住建局's revolving
post (above the turnover threshold), the backups of a few units, two past training sessions and
a leave around the demo's day for 市卫生健康委's officer, whose A角 then stands in.

All of it is written through `roster.actions` as the section chief, so the audit log has each
change. The posts are filled right after the directory (`load_posts`), before the items are
written, so each item's author holds the post at the time; training and leave come last
(`load_roster`), so the stories before them are told as they always were."""

from datetime import date, datetime, timedelta
from typing import Any

from org.models import Unit, User
from roster.actions import appoint, mark_leave, record_training
from roster.models import Employment, Post
from xinbao.demo import read_data
from xinbao.demo.clock import DemoClock
from xinbao.demo.directory import UNITS

_DATA = read_data("roster")
CHIEF = "kezhang"
# What the checks name: the unit whose officer changed, its former officer; the revolving unit;
# the officer on leave and who stands in; the units whose officers were never trained.
CHANGED_UNIT, FORMER_OFFICER = "jc-xfj", "xfj_zhao"
REVOLVING_UNIT = "jc-zjj"
ON_LEAVE, STANDING_IN = "wjw_xxy", "wjw_he"
NEVER_TRAINED_UNITS = frozenset({"jc-tjj", "jc-bxx"})


def _day(clock: DemoClock, entry: dict[str, Any]) -> date:
    if "working_days_ago" in entry:
        last_open = clock.calendar.working_day_on_or_before(clock.today)
        return clock.calendar.working_days_before(last_open, entry["working_days_ago"])
    return clock.today - timedelta(days=entry["days_ago"])


def _moment(clock: DemoClock, entry: dict[str, Any]) -> datetime:
    """When the office opened on the entry's day: never later than the demo's now."""
    return min(clock.moment(_day(clock, entry), clock.opens), clock.now)


def load_posts(units: dict[str, Unit], users: dict[str, User], clock: DemoClock) -> str:
    chief = users[CHIEF]
    histories = {entry["unit"]: entry["holders"] for entry in _DATA["main"]}
    since = {"days_ago": _DATA["officer_since_days"]}
    changes = 0
    for spec in UNITS:
        if spec.officer is None:
            continue
        holders = histories.get(spec.code, [{"person": f"{spec.abbr}_xxy", **since}])
        for holder in holders:
            appoint(
                chief,
                units[spec.code],
                Post.MAIN,
                users[holder["person"]],
                phone=users[holder["person"]].phone,
                now=_moment(clock, holder),
            )
        changes += len(holders) - 1
    for entry in _DATA["backup"]:
        person = users[entry["person"]]
        appoint(
            chief,
            units[entry["unit"]],
            Post(entry["post"]),
            person,
            employment=Employment(entry.get("employment", Employment.PART_TIME)),
            phone=person.phone,
            note=entry.get("note", ""),
            now=_moment(clock, entry),
        )
    return f"{len(UNITS)} units' officers, {changes} changes, {len(_DATA['backup'])} backups"


def load_roster(users: dict[str, User], clock: DemoClock) -> str:
    chief = users[CHIEF]
    for entry in _DATA["training"]:
        record_training(
            chief,
            _day(clock, entry),
            entry["topic"],
            entry["organiser"],
            [users[name] for name in entry["attendees"]],
        )
    for entry in _DATA["leave"]:
        mark_leave(
            chief,
            users[entry["person"]],
            clock.today - timedelta(days=entry["days_before"]),
            clock.today + timedelta(days=entry["days_after"]),
            entry.get("note", ""),
        )
    return f"{len(_DATA['training'])} training sessions, {len(_DATA['leave'])} leave"
