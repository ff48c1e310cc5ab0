"""The demo city's directory — units, people and publications — as read from
`data/directory.toml`, and the codes and holes the code and the tests name."""

from dataclasses import dataclass
from typing import Any, NamedTuple

from bulletins.models import AdoptionLevel
from org.models import UnitKind, UnitLevel
from org.roles import Role
from xinbao.demo import read_data

DEMO_PASSWORD = "Xinbao@2026"
PROVINCE_CODE = "sheng-bgt"
ROOT_CODE = "jc-swb"
SECTION_CODE = "jc-xxk"
DUTY_CODE = "jc-zbs"

# Role names as the people in the office say them (demo content, so Chinese is fine here).
ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "信息员",
    Role.UNIT_HEAD: "单位领导",
    Role.EDITOR: "信息科编辑",
    Role.DUTY_OFFICER: "值班员",
    Role.CHIEF: "科长",
    Role.SECRETARY_GENERAL: "秘书长",
    Role.LEADER: "市领导",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}


class Who(NamedTuple):
    full_name: str
    title: str
    phone: str


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    parent: str | None
    sort_order: int
    reporting: bool = True
    phone: str = ""
    region_code: str = ""  # a demo GB/T 2260 code (see data/directory.toml): none is real
    hub: bool = False  # the office this instance belongs to (Unit.is_hub)
    officer: Who | None = None  # login "<abbr>_xxy"
    head: Who | None = None  # login "<abbr>_ld"

    @property
    def abbr(self) -> str:
        return self.code.split("-")[-1]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    unit: str | None
    title: str
    phone: str


@dataclass(frozen=True)
class DemoPublication:
    code: str
    name: str
    level: str
    sort_order: int
    issues_per_week: int  # only to number the issues in adoption notes
    default_secrecy: str = "public"  # org.secrecy.Secrecy: 《每日要情》 is 内部
    issuer: str = ""  # blank: the office's own name (the directory's hub unit)
    internal_mark: str = ""
    report_to: str = ""
    send_to: str = ""
    issue_to: str = ""
    copies: int | None = None


def _who(entry: dict[str, str] | None) -> Who | None:
    return None if entry is None else Who(**entry)


def _unit(entry: dict[str, Any]) -> DemoUnit:
    return DemoUnit(
        code=entry["code"],
        name=entry["name"],
        short_name=entry["short_name"],
        level=UnitLevel(entry["level"]),
        kind=UnitKind(entry["kind"]),
        parent=entry.get("parent"),
        sort_order=entry["sort_order"],
        reporting=entry.get("reporting", True),
        phone=entry.get("phone", ""),
        region_code=entry.get("region_code", ""),
        hub=entry.get("hub", False),
        officer=_who(entry.get("officer")),
        head=_who(entry.get("head")),
    )


def _person(entry: dict[str, Any]) -> DemoPerson:
    return DemoPerson(
        username=entry["username"],
        full_name=entry["full_name"],
        role=Role(entry["role"]),
        unit=entry.get("unit"),
        title=entry["title"],
        phone=entry["phone"],
    )


def _publication(entry: dict[str, Any]) -> DemoPublication:
    return DemoPublication(**{**entry, "level": AdoptionLevel(entry["level"])})


_DATA = read_data("directory")
UNITS: tuple[DemoUnit, ...] = tuple(_unit(entry) for entry in _DATA["unit"])
OFFICE_PEOPLE: tuple[DemoPerson, ...] = tuple(_person(entry) for entry in _DATA["person"])
PUBLICATIONS: tuple[DemoPublication, ...] = tuple(_publication(e) for e in _DATA["publication"])
# The units' other people: backups on the roster, a former officer (all information officers).
STAFF: tuple[DemoPerson, ...] = tuple(
    _person({**entry, "role": Role.OFFICER}) for entry in _DATA["staff"]
)

# The deliberate holes in the network, for the README and the tests.
UNITS_WITHOUT_OFFICER = frozenset({"jc-sjj", "jc-lwx"})
SILENT_UNITS = frozenset({"jc-tjj", "jc-bxx", "jc-ytx"})


def unit_people() -> list[DemoPerson]:
    """Each reporting unit's officer and head, with predictable logins."""
    people = []
    for unit in UNITS:
        for who, role, suffix in (
            (unit.officer, Role.OFFICER, "xxy"),
            (unit.head, Role.UNIT_HEAD, "ld"),
        ):
            if who is not None:
                username = f"{unit.abbr}_{suffix}"
                people.append(
                    DemoPerson(username, who.full_name, role, unit.code, who.title, who.phone)
                )
    return people


def all_people() -> list[DemoPerson]:
    return [*OFFICE_PEOPLE, *unit_people(), *STAFF]
