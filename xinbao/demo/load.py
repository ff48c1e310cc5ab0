"""Loading the demo city, 江城市: its reporting network, people and a few dozen items.

The directory (units, people, publications; `directory`) is written with the ORM; every item
(`items`) is written through `submissions.actions`, acting as the right persona at each step, so
each one carries real revisions and events. The clock is then moved back so lists and histories
look lived-in: each item's steps are spread over working hours in the last ~60 days. Each other
app's part of the story is then loaded by its own module in this package.

Loading is all-or-nothing (one transaction) and happens once: if the root unit exists, nothing
is added.
"""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from audit.actions import record
from bulletins.models import AdoptionLevel, Publication
from org.models import OfficeHoursPeriod, Unit, User
from org.roles import Role
from xinbao.demo.clock import DemoClock
from xinbao.demo.directory import (
    DEMO_PASSWORD,
    OFFICE_PEOPLE,
    PUBLICATIONS,
    ROLE_LABELS,
    ROOT_CODE,
    STAFF,
    UNITS,
    DemoPerson,
    DemoPublication,
    DemoUnit,
    all_people,
)
from xinbao.demo.items import ITEMS, ItemLoader

# --- Loading ----------------------------------------------------------------------------------

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadResult:
    loaded: bool  # False: the demo was already there and nothing was added
    units: int = 0
    people: int = 0
    items: int = 0


def demo_present() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


def load_demo(progress: Progress = print, now: datetime | None = None) -> LoadResult:
    """Load the demo city once, as it stands at `now` (default: the clock). All or nothing; a
    second call adds nothing.

    Every date the demo writes derives from `now`: histories end before it, “today” and “this
    week” are its day and week, working days are the official calendar's. The actions stamp
    what they write with the clock, and the loaders then move those rows back to their planned
    times; so `now` may lie in the past but not ahead of the clock."""
    clock_now = timezone.now()
    now = clock_now if now is None else now
    if now > clock_now:
        raise ValueError(f"The demo cannot be loaded at {now}, later than the clock ({clock_now}).")
    with transaction.atomic():
        if demo_present():
            return LoadResult(loaded=False)
        clock = DemoClock.at(now)
        units = _create_units()
        progress(f"Units: {len(units)}")
        users = _create_people(units, name_officers=False)
        progress(f"People: {len(users)}")
        from xinbao.demo.roster import load_posts, load_roster

        progress(f"Roster: {load_posts(units, users, clock)}")
        from xinbao.demo.twofactor import seed_authenticators

        progress(f"Demo authenticators: {len(seed_authenticators(users))}")
        publications = _create_publications()
        progress(f"Publications: {len(publications)}")
        loader = ItemLoader(units, users, publications, clock)
        for done, spec in enumerate(ITEMS, start=1):
            loader.load(spec, done)
            if done % 10 == 0 or done == len(ITEMS):
                progress(f"Items: {done}/{len(ITEMS)}")
        from xinbao.demo.notify import load_channels

        progress(f"Notification channels: {load_channels(users)}")
        from xinbao.demo.emergencies import load_emergencies

        emergencies = load_emergencies(units, users, now)
        progress(f"Duty shifts and incidents: {emergencies}")
        from xinbao.demo.duty import load_duty

        progress(f"Duty office: {load_duty(units, users, now)}")
        from xinbao.demo.bulletins import load_bulletins

        progress(f"Bulletins: {load_bulletins(users, publications, now)}")
        from xinbao.demo.accountability import load_accountability

        progress(f"Accountability: {load_accountability(units, users, now)}")
        from xinbao.demo.insight import load_insight

        progress(f"Archive analysis: {load_insight(units, users, now)}")
        from xinbao.demo.scoring import load_scoring

        progress(f"Scoring: {load_scoring(units, now)}")
        from xinbao.demo.scoring import load_circular

        progress(f"Numbered circular: {load_circular(users, now)}")
        progress(f"Roster's training and leave: {load_roster(users, clock)}")
        from xinbao.demo.archive import load_archive

        progress(f"Information database: {load_archive(users)}")
        from xinbao.demo.items import date_item_notices

        progress(f"Notices of item steps: {date_item_notices(now)}")
        _create_summer_hours()
        record(
            None,
            "demo_loaded",
            ROOT_CODE,
            {"units": len(units), "people": len(users), "items": len(ITEMS)},
        )
    return LoadResult(loaded=True, units=len(units), people=len(users), items=len(ITEMS))


def _create_units(specs: Sequence[DemoUnit] = UNITS) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for spec in specs:  # parents come before their children
        units[spec.code] = Unit.objects.create(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            level=spec.level,
            kind=spec.kind,
            parent=units[spec.parent] if spec.parent else None,
            is_reporting=spec.reporting,
            phone=spec.phone,
            region_code=spec.region_code,
            sort_order=spec.sort_order,
            is_hub=spec.hub,
        )
    return units


def _create_people(
    units: dict[str, Unit], people: Sequence[DemoPerson] | None = None, name_officers: bool = True
) -> dict[str, User]:
    """`name_officers`: make each officer their unit's named officer directly (the province's
    directory); the city's are appointed on the roster instead (`xinbao.demo.roster`)."""
    users: dict[str, User] = {}
    # One Argon2 hash costs ~0.3 s; hashing the shared demo password once and giving every
    # account that hash keeps the first `make run` quick. The password is published anyway,
    # so the shared salt gives nothing away.
    password_hash: str | None = None
    for person in all_people() if people is None else people:
        user = User(
            username=person.username,
            full_name=person.full_name,
            role=person.role,
            unit=units[person.unit] if person.unit else None,
            title=person.title,
            phone=person.phone,
        )
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password
        else:
            user.password = password_hash
        user.save()
        users[person.username] = user
        if name_officers and person.role == Role.OFFICER and person.unit:
            Unit.objects.filter(pk=units[person.unit].pk).update(officer=user)
            units[person.unit].officer = user
    return users


def _create_summer_hours() -> None:
    """夏季作息: from 1 May to 30 September the office closes at 18:00 instead of 17:30 (added
    last, so the stories above keep the hours they were planned with)."""
    OfficeHoursPeriod.objects.get_or_create(
        name="夏季作息",
        defaults={
            "start_month": 5,
            "start_day": 1,
            "end_month": 9,
            "end_day": 30,
            "opens": time(8, 30),
            "lunch_starts": time(12, 0),
            "lunch_ends": time(14, 0),
            "closes": time(18, 0),
        },
    )


def _create_publications(
    specs: Sequence[DemoPublication] = PUBLICATIONS, compiled: str = AdoptionLevel.CITY
) -> dict[str, Publication]:
    """`compiled`: the level of the publications this office compiles itself."""
    publications = {}
    for spec in specs:
        publication, _created = Publication.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "level": spec.level,
                "issuer": spec.issuer,
                "internal_mark": spec.internal_mark,
                "report_to": spec.report_to,
                "send_to": spec.send_to,
                "issue_to": spec.issue_to,
                "copies": spec.copies,
                "sort_order": spec.sort_order,
                "compiled_here": spec.level == compiled,
                "default_secrecy": spec.default_secrecy,
            },
        )
        publications[spec.code] = publication
    return publications


# --- The logins table -------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, tuple("-" * w for w in widths), *rows):
        lines.append(
            "  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    return lines


def format_logins() -> str:
    """The demo accounts as they are in the database now, as two tables for a terminal."""
    wanted = [p.username for p in all_people()]
    users = {u.username: u for u in User.objects.filter(username__in=wanted).select_related("unit")}
    office = [
        (
            u.username,
            ROLE_LABELS.get(u.role, u.role),
            u.unit.display_name if u.unit else "—",
            u.full_name,
        )
        for p in OFFICE_PEOPLE
        if (u := users.get(p.username)) is not None
    ]
    units = []
    for spec in UNITS:
        if not spec.reporting:
            continue
        officer = users.get(f"{spec.abbr}_xxy")
        head = users.get(f"{spec.abbr}_ld")
        if officer is None and head is None:
            continue
        units.append(
            (
                spec.short_name,
                officer.username if officer else "（无信息员）",
                head.username if head else "—",
            )
        )
    if not office and not units:
        return "No demo accounts found."
    lines = [f"Demo logins — every account's password is {DEMO_PASSWORD}", ""]
    lines += [
        "  Two-step verification (the administrators, the chief, the secretary-general): after",
        "  the password, type the code `python manage.py demo_code <username>` prints.",
        "",
    ]
    lines += ["  Municipal office"]
    lines += _table(("username", "role", "unit", "name"), office)
    lines += ["", "  Reporting units"]
    lines += _table(
        ("unit", f"officer ({ROLE_LABELS[Role.OFFICER]})", f"head ({ROLE_LABELS[Role.UNIT_HEAD]})"),
        units,
    )
    staff = [
        (u.username, u.unit.display_name if u.unit else "—", u.full_name)
        for p in STAFF
        if (u := users.get(p.username)) is not None
    ]
    if staff:
        lines += ["", "  The units' backups and a former officer (see each unit's roster)"]
        lines += _table(("username", "unit", "name"), staff)
    return "\n".join(lines)
