"""The one capability table (`org/roles.py`): what the README promises each role, that the
code decides by it and by nothing else, and that the menu shows each person exactly the pages
they may open."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from org.roles import CAPABILITIES, Capability, Role
from scoring import actions as scoring_actions
from scoring.models import ScoreRule, UnitClass
from tests.factories import PERSONAS, make_user

ROOT = Path(__file__).resolve().parent.parent
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)

# Stated here, not read from the code: the only capabilities that touch no reported content
# (no item, incident, bulletin, violation, point or search hit), and whose role does each.
ADMINISTRATION = {
    # "units, accounts, settings": a unit's officers and backups are part of the unit directory
    # (the section chief, who keeps the network alive, names them too).
    Role.SYSTEM_ADMIN: {
        Capability.MANAGE_ORG,
        Capability.MANAGE_CALENDAR,
        Capability.VIEW_NETWORK,
        Capability.MANAGE_ROSTER,
    },
    Role.SECURITY_ADMIN: {Capability.MANAGE_SECURITY, Capability.APPROVE_ACCOUNTS},
    Role.AUDIT_ADMIN: {Capability.READ_AUDIT},
}


def source_files() -> list[Path]:
    """The application's Python source: no tests, migrations, benchmarks or demo data."""
    skip = ("tests", "bench", ".venv", "migrations", "docs", "static", "locale", "var", "demo")
    return [
        p for p in ROOT.rglob("*.py") if not any(part in skip for part in p.relative_to(ROOT).parts)
    ]


# --- the table --------------------------------------------------------------------------------


def test_every_role_has_a_row():
    assert set(CAPABILITIES) == set(Role.values)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_each_administrator_does_their_own_job_and_touches_no_content(role):
    assert CAPABILITIES[role] == ADMINISTRATION[role]


def test_no_two_administrators_share_a_power():
    held = [CAPABILITIES[r] for r in ADMIN_ROLES]
    assert all(not (a & b) for i, a in enumerate(held) for b in held[i + 1 :])


def test_no_other_role_administers():
    only_admins = {Capability.MANAGE_ORG, Capability.MANAGE_SECURITY, Capability.READ_AUDIT}
    only_admins |= {Capability.MANAGE_CALENDAR, Capability.APPROVE_ACCOUNTS}
    for role, caps in CAPABILITIES.items():
        if role not in ADMIN_ROLES:
            assert not caps & only_admins, role


def test_the_chief_does_everything_an_editor_does():
    assert CAPABILITIES[Role.CHIEF] > CAPABILITIES[Role.EDITOR]


def test_the_secretary_general_does_everything_a_chief_does():
    assert CAPABILITIES[Role.SECRETARY_GENERAL] >= CAPABILITIES[Role.CHIEF]


@pytest.mark.parametrize(
    "capability",
    [
        Capability.SIGN_OFF_BULLETINS,
        Capability.CONFIRM_VIOLATIONS,
        Capability.ISSUE_NOTICES,
        Capability.EDIT_ELIGIBILITY_RULE,
        Capability.EDIT_POINT_TABLE,
        Capability.EDIT_DEADLINES,
        Capability.EDIT_EDITORIAL_POLICY,
        Capability.REINSTATE_UNITS,
        Capability.HEAD_DUTY_OFFICE,
    ],
)
def test_the_chiefs_decisions_are_not_an_editors(capability):
    holders = {role for role, caps in CAPABILITIES.items() if capability in caps}
    assert holders == {Role.CHIEF, Role.SECRETARY_GENERAL}


def test_every_capability_is_held_by_some_role():
    held = set().union(*CAPABILITIES.values())
    assert set(Capability) - held == set()


def test_every_capability_is_asked_for_somewhere_in_the_code():
    text = "\n".join(p.read_text(encoding="utf-8") for p in source_files() if p.name != "roles.py")
    unused = {c.name for c in Capability if not re.search(rf"Capability\.{c.name}\b", text)}
    assert unused == set()


def test_no_code_outside_the_table_lists_or_compares_roles():
    """Permissions are asked of the table; recipient groups live beside it in `org/roles.py`."""
    allowed = {ROOT / "org" / "roles.py"}
    # Role.X, user.role == / in ..., role == "chief"
    pattern = re.compile(
        r"\bRole\.[A-Z_]+\b" r"|\.role\s*(==|!=|\bin\b|\bnot in\b)" r"|role\s*[!=]=\s*[\"']"
    )
    found = []
    for path in source_files():
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "Role.choices" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# --- the menu ---------------------------------------------------------------------------------

# What the README gives each role, as the menu's pages (written out, not computed).
ITEMS, BULLETINS, ARCHIVE = "submissions:list", "bulletins:home", "archive:search"
# "reads dashboards": the morning view (态势) of leaders, the chief and the secretary-general.
MORNING = "insight:morning"
SECTION_MENU = {
    ITEMS,
    BULLETINS,
    "scoring:board",
    ARCHIVE,
    "bulletins:instructions",
    "bulletins:solicitations",
    "emergencies:board",
    "accountability:queue",
    "org:units",
    # "forwards upward": what the forwardings to the upper level's system became
    "federation:messages",
    # the duty office's log, handovers and zero reports: the section stands duty too
    "duty:log",
}
UNIT_MENU = {
    ITEMS,
    ARCHIVE,
    "own_points",
    "bulletins:instructions",
    "bulletins:solicitations",
    "emergencies:board",
    "accountability:mine",
    "own_roster",
}
MENU = {
    "officer_a": UNIT_MENU | {"submissions:create"},
    "head_a": UNIT_MENU,
    "officer_b": UNIT_MENU | {"submissions:create"},
    "head_b": UNIT_MENU,
    "editor": SECTION_MENU,
    "chief": SECTION_MENU | {"org:duty", MORNING},
    "secretary_general": SECTION_MENU | {"org:duty", MORNING},
    "duty_officer": {ITEMS, ARCHIVE, "emergencies:board", "org:units", "org:duty", "duty:log"},
    "leader": {
        MORNING,
        ITEMS,
        BULLETINS,
        "scoring:board",
        ARCHIVE,
        "bulletins:instructions",
        "emergencies:board",
    },
    "system_admin": {
        "org:units",
        "admin:index",
        "org:calendar",
        "notify:egress",
        "apitokens:rate_limit",
        # "units, accounts, settings": the links to the other levels' systems
        "federation:messages",
    },
    "security_admin": {"org:security", "org:proposals"},
    "audit_admin": {"audit:log"},
}
EVERYONE = {"home", "notify:inbox", "notify:channels"}
MENU_PERSONAS = (*PERSONAS, "secretary_general")


@pytest.fixture
def secretary_general(section):
    return make_user(Role.SECRETARY_GENERAL, section.parent, username="secgen")


@pytest.fixture
def everyone(personas, secretary_general):
    return {**personas, "secretary_general": secretary_general}


def url_of(name, user):
    if name == "own_points":
        return reverse("scoring:unit", args=[user.unit_id])
    if name == "own_roster":
        return reverse("roster:unit", args=[user.unit_id])
    return reverse(name)


def menu_of(client) -> list[str]:
    page = client.get("/", follow=True)
    assert page.status_code == 200
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page.content.decode(), re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", MENU_PERSONAS)
def test_the_menu_shows_what_the_readme_gives_the_role(persona, everyone, client_of):
    user = everyone[persona]
    shown = menu_of(client_of(user))
    expected = {url_of(name, user) for name in MENU[persona] | EVERYONE}
    assert set(shown) == expected
    assert len(shown) == len(set(shown))  # no page twice


@pytest.mark.django_db
@pytest.mark.parametrize("persona", MENU_PERSONAS)
def test_every_menu_entry_opens_and_every_other_entry_is_refused(persona, everyone, client_of):
    """A person sees exactly the entries they may use: each shown page answers 200; each page
    another role's menu offers answers 403 or 404 (or sends a unit's person to its own page)."""
    user = everyone[persona]
    client = client_of(user)
    shown = set(menu_of(client))
    offered = {name for menu in MENU.values() for name in menu} - {ITEMS}  # open to all
    answers = {}
    for name in offered | MENU[persona]:
        if name == "own_points" and (user.unit_id is None or "scoring:board" in MENU[persona]):
            continue  # the rankings entry leads to every unit's scorecard, one's own included
        if name == "own_roster" and (user.unit_id is None or "org:units" in MENU[persona]):
            continue  # the network entry leads to every unit's roster, one's own included
        url = url_of(name, user)
        answers[name] = (url in shown, client.get(url).status_code)
    wrong = {
        name: got
        for name, got in answers.items()
        if (got[0] and got[1] != 200) or (not got[0] and got[1] == 200)
    }
    assert wrong == {}


@pytest.mark.django_db
def test_a_listed_reader_gets_the_bulletins_entry_and_page(officer_a, city_daily, client_of):
    client = client_of(officer_a)
    assert reverse(BULLETINS) not in menu_of(client)
    city_daily.readers.add(officer_a)
    assert reverse(BULLETINS) in menu_of(client)
    assert client.get(reverse(BULLETINS)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_an_administrator_listed_as_a_reader_still_reads_no_bulletin(
    persona, personas, city_daily, client_of
):
    admin_user = personas[persona]
    city_daily.readers.add(admin_user)  # e.g. ticked in /admin/ before this was refused
    client = client_of(admin_user)
    assert reverse(BULLETINS) not in menu_of(client)
    assert client.get(reverse(BULLETINS)).status_code == 403


@pytest.mark.django_db
def test_the_admin_offers_no_administrator_as_a_reader(
    system_admin, personas, city_daily, client_of
):
    response = client_of(system_admin).get(
        reverse("admin:bulletins_publication_change", args=[city_daily.pk])
    )
    offered = set(response.context["adminform"].form.fields["readers"].queryset)
    assert {
        personas[a] for a in ("system_admin", "security_admin", "audit_admin")
    } & offered == set()
    assert {personas["leader"], personas["officer_a"], personas["editor"]} <= offered


# --- the actions hold the table too -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor", "officer_a", "leader", "system_admin"])
def test_only_the_point_tables_keepers_change_it_even_behind_the_page(persona, personas):
    rule = ScoreRule.objects.order_by("pk").first()
    before = (rule.points, UnitClass.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        scoring_actions.update_rules(personas[persona], [(rule, {"points": rule.points + 1})])
    with pytest.raises(PermissionDenied):
        scoring_actions.save_classes(
            personas[persona], [], {"name": "新类", "monthly_quota": 1, "sort_order": 9}
        )
    rule.refresh_from_db()
    assert (rule.points, UnitClass.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_the_secretary_general_edits_the_point_table(secretary_general):
    rule = ScoreRule.objects.order_by("pk").first()
    assert scoring_actions.update_rules(secretary_general, [(rule, {"points": rule.points + 1})])
    assert ScoreRule.objects.get(pk=rule.pk).points == rule.points + 1
