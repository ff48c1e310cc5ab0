"""The demo province: the provincial Party office's own instance, to which the demo city's
instance reports (分级部署: each level runs its own system). `manage.py seed_demo --level
province` loads it into an empty database of its own, so a city + province pair can run side by
side.

What it holds is data in `data/province.toml`: the office (中共中央办公厅 above it, its 信息处
and 值班室), fifteen fictional cities' Party offices as its reporting units — 江城市 among them,
by the code, name and region code it has in its own instance — their officers and heads, the
office's own people, and the publications the city instance knows by the same codes. No items
or incidents: those arrive from the cities.

Loading is all-or-nothing (one transaction) and happens once: if the office's 信息处 exists,
nothing is added. It refuses a database that holds the city demo."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.actions import record
from bulletins.models import AdoptionLevel
from org.models import Unit, User
from org.roles import Role
from xinbao.demo import read_data
from xinbao.demo.directory import (
    DEMO_PASSWORD,
    ROLE_LABELS,
    SECTION_CODE,
    DemoPerson,
    _person,
    _publication,
    _unit,
)
from xinbao.demo.load import (
    LoadResult,
    Progress,
    _create_people,
    _create_publications,
    _create_units,
    _table,
)

PROVINCE_OFFICE = "sheng-bgt"
PROVINCE_SECTION = "sheng-xxc"  # exists only in the province's instance: its presence marks it
CITY_IN_BOTH = "jc-swb"  # 江城市's office: the same code in the city's instance and here

_DATA = read_data("province")
UNITS = tuple(_unit(entry) for entry in _DATA["unit"])
OFFICE_PEOPLE = tuple(_person(entry) for entry in _DATA["person"])
PUBLICATIONS = tuple(_publication(entry) for entry in _DATA["publication"])


def city_people() -> list[DemoPerson]:
    """Each city office's officer and head: "<first part of its code>_xxy" / "_ld"."""
    people = []
    for unit in UNITS:
        prefix = unit.code.split("-")[0]
        for who, role, suffix in (
            (unit.officer, Role.OFFICER, "xxy"),
            (unit.head, Role.UNIT_HEAD, "ld"),
        ):
            if who is not None:
                people.append(
                    DemoPerson(
                        f"{prefix}_{suffix}", who.full_name, role, unit.code, who.title, who.phone
                    )
                )
    return people


def all_people() -> list[DemoPerson]:
    return [*OFFICE_PEOPLE, *city_people()]


def province_present() -> bool:
    return Unit.objects.filter(code=PROVINCE_SECTION).exists()


def city_present() -> bool:
    """The city demo's 信息科: this database is the city's instance."""
    return Unit.objects.filter(code=SECTION_CODE).exists()


class WrongInstance(Exception):
    """The database already holds the other level's demo."""


def load_province(progress: Progress = print, now: datetime | None = None) -> LoadResult:
    """Load the demo province once. All or nothing; a second call adds nothing."""
    at = now or timezone.now()
    with transaction.atomic():
        if province_present():
            return LoadResult(loaded=False)
        if city_present():
            raise WrongInstance(
                "This database holds the demo city (江城市). The province runs in an instance of "
                "its own: give it another database (DATABASE_URL or XINBAO_VAR_DIR)."
            )
        units = _create_units(UNITS)
        progress(f"Units: {len(units)}")
        users = _create_people(units, all_people())
        progress(f"People: {len(users)}")
        from xinbao.demo.twofactor import seed_authenticators

        progress(f"Demo authenticators: {len(seed_authenticators(users))}")
        publications = _create_publications(PUBLICATIONS, compiled=AdoptionLevel.PROVINCE)
        progress(f"Publications: {len(publications)}")
        record(
            None,
            "demo_loaded",
            PROVINCE_OFFICE,
            {"level": "province", "units": len(units), "people": len(users), "at": at.isoformat()},
        )
    return LoadResult(loaded=True, units=len(units), people=len(users), items=0)


def format_logins() -> str:
    """The province's demo accounts as they are in the database now."""
    wanted = [p.username for p in all_people()]
    users = {u.username: u for u in User.objects.filter(username__in=wanted).select_related("unit")}
    office = [
        (u.username, ROLE_LABELS.get(u.role, u.role), u.unit.display_name if u.unit else "—")
        for p in OFFICE_PEOPLE
        if (u := users.get(p.username)) is not None
    ]
    cities = []
    for spec in UNITS:
        prefix = spec.code.split("-")[0]
        officer, head = users.get(f"{prefix}_xxy"), users.get(f"{prefix}_ld")
        if officer is None and head is None:
            continue
        cities.append(
            (
                spec.short_name,
                spec.region_code,
                officer.username if officer else "—",
                head.username if head else "—",
            )
        )
    if not office and not cities:
        return "No demo province accounts found."
    lines = [f"Demo province logins — every account's password is {DEMO_PASSWORD}", ""]
    lines += [
        "  Two-step verification (the administrators, the chief, the secretary-general): after",
        "  the password, type the code `python manage.py demo_code <username>` prints.",
        "",
    ]
    lines += ["  Provincial office"]
    lines += _table(("username", "role", "unit"), office)
    lines += ["", "  Cities (region codes are a demo scheme, not GB/T 2260's)"]
    lines += _table(("city", "region", "officer", "head"), cities)
    return "\n".join(lines)
