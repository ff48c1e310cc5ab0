"""Issue 17's remaining gaps: the municipal office and non-reporting units are nobody's hole;
the network health page counts every current officer's training and names who never was; each
person's points for the unit on their roster line, kept with them after a change of officer;
the admin's unit form no longer changes the officer beside the roster."""

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bulletins.models import AdoptionLevel
from insight import health
from org.models import Unit, UnitKind, hub_unit
from org.network import reporting_units_status
from org.roles import Role
from roster import actions, queries, rules
from roster.models import Post
from scoring.actions import rebuild
from scoring.attribution import unit_credits
from scoring.models import RuleKind, ScoreRule
from submissions.models import ItemState
from tests.clock import TODAY
from tests.factories import make_item, make_user


def line_of(page: str, name: str) -> str:
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S) if name in r]
    assert len(rows) == 1, rows
    return rows[0]


# --- the hub and the non-reporting units are no holes ------------------------------------------


@pytest.fixture
def hub(section):
    office = section.parent
    assert office is not None and hub_unit() == office
    return office


def test_the_hub_is_no_hole_even_marked_as_reporting(hub, officer_a, unit_a):
    Unit.objects.filter(pk=hub.pk).update(is_reporting=True)  # as the admin's default has it
    network = reporting_units_status(timezone.now())
    assert hub.pk not in {s.unit.pk for s in network.units}
    assert hub.pk not in {s.unit.pk for s in network.holes}
    assert hub.pk not in {r.unit.pk for r in health.build().rows}
    assert unit_a.pk in {r.unit.pk for r in health.build().rows}


@pytest.mark.parametrize("which", ["hub", "section"])
def test_the_offices_own_roster_pages_do_not_call_it_a_hole(client_of, chief, hub, section, which):
    unit = hub if which == "hub" else section
    page = client_of(chief).get(reverse("roster:unit", args=[unit.pk])).content.decode()
    assert "空白点" not in page
    assert "无需明确信息员" in page


def test_a_reporting_unit_without_officer_is_still_a_hole(client_of, chief, unit_b):
    page = client_of(chief).get(reverse("roster:unit", args=[unit_b.pk])).content.decode()
    assert "空白点" in page and "无需明确信息员" not in page


# --- training counts every current officer ------------------------------------------------------


@pytest.fixture
def team(chief, officer_a, unit_a):
    backup_a = make_user(Role.OFFICER, unit_a, username="backup_a", full_name="甲备A")
    backup_b = make_user(Role.OFFICER, unit_a, username="backup_b", full_name="甲备B")
    actions.appoint(chief, unit_a, Post.A, backup_a)
    actions.appoint(chief, unit_a, Post.B, backup_b)
    actions.record_training(chief, TODAY - timedelta(days=60), "信息写作", "信息科", [backup_a])
    actions.record_training(chief, TODAY + timedelta(days=5), "将来的培训", "信息科", [backup_b])
    return officer_a, backup_a, backup_b


def test_trained_counts_main_and_backups_and_names_the_untrained(team, unit_b, officer_b):
    officer, backup_a, backup_b = team
    rows = {r.unit.code: r for r in health.build().rows}
    a, b = rows["unit-a"], rows["unit-b"]
    assert a.team == [officer, backup_a, backup_b]
    assert a.untrained == [officer, backup_b]  # a session still to come trains nobody yet
    assert (a.trained, a.trained_share) == (1, pytest.approx(1 / 3))
    assert (b.trained, len(b.team), b.untrained) == (0, 1, [officer_b])
    ordered, _ = health.sort(list(rows.values()), "-trained")
    assert [r.unit.code for r in ordered] == ["unit-a", "unit-b"]


def test_the_network_page_shows_the_counts_and_who_was_never_trained(client_of, chief, team):
    page = client_of(chief).get(reverse("insight:network")).content.decode()
    row = line_of(page, 'data-unit="unit-a"')
    assert "1/3" in row and "甲备B" in row and "甲备A" not in row.split("未参加培训")[1]
    assert "2 名信息员（含A角、B角）从未参加培训" in page


def test_the_workbook_has_the_counts_and_names(client_of, chief, team):
    response = client_of(chief).get(reverse("insight:network_xlsx"))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header, row = values[0], values[1]
    assert row[header.index("已培训人数")] == "1/3"
    assert "甲备B" in row[header.index("从未参加培训")]


# --- points per person --------------------------------------------------------------------------


@pytest.fixture
def handed_over(chief, editor, officer_a, head_a, unit_a, city_daily):
    """officer_a wrote two adopted items, then handed the post to a successor who wrote one."""
    make_item(officer_a, ItemState.ADOPTED, head=head_a, editor=editor, publication=city_daily)
    make_item(officer_a, ItemState.ADOPTED, head=head_a, editor=editor, publication=city_daily)
    make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    successor = make_user(Role.OFFICER, unit_a, username="successor", full_name="李继任")
    actions.appoint(chief, unit_a, Post.MAIN, successor, now=timezone.now() + timedelta(seconds=1))
    return successor


def city_points(adopted: int) -> Decimal:
    """Ground truth: the point table's city adoption points, once per adopted item."""
    rule = ScoreRule.objects.get(kind=RuleKind.ADOPTION, level=AdoptionLevel.CITY, publication=None)
    return rule.points * adopted


def test_each_line_shows_the_points_its_person_earned_the_unit(
    client_of, chief, editor, head_a, handed_over, officer_a, unit_a, city_daily, _pinned_clock
):
    successor = handed_over
    _pinned_clock.shift(timedelta(minutes=5))
    make_item(successor, ItemState.ADOPTED, head=head_a, editor=editor, publication=city_daily)
    rebuild(as_of=timezone.now())
    roster = queries.unit_roster(unit_a, timezone.now())
    (old,) = roster.history
    current = next(x for x in roster.current if x.appointment.post == Post.MAIN)
    assert old.appointment.person == officer_a and current.appointment.person == successor
    assert (old.points, current.points) == (city_points(2), city_points(1))
    assert city_points(1) > 0
    page = client_of(chief).get(reverse("roster:unit", args=[unit_a.pk])).content.decode()
    history = page[page.index('id="history-posts"') :]
    shown = re.search(r'<td class="points">([^<]*)</td>', line_of(history, officer_a.full_name))
    assert shown is not None and Decimal(shown.group(1)) == city_points(2)


def test_points_stay_with_the_author_not_the_unit_or_the_post(
    chief, handed_over, officer_a, unit_a, unit_b, officer_b, head_b, editor, city_daily
):
    make_item(officer_b, ItemState.ADOPTED, head=head_b, editor=editor, publication=city_daily)
    rebuild(as_of=timezone.now())

    def person_points(unit, person, start=None) -> Decimal:
        return rules.credited(unit_credits(unit), rules.Period(person.pk, True, start, None))

    assert person_points(unit_a, officer_a) == city_points(2)
    assert person_points(unit_a, handed_over) == 0
    assert person_points(unit_b, officer_a) == 0
    later = timezone.now() + timedelta(days=1)
    assert person_points(unit_a, officer_a, later) == 0  # written before the period


# --- the admin's unit form ---------------------------------------------------------------------


def test_the_admin_shows_the_officer_read_only_with_the_way_to_the_roster(
    client_of, system_admin, officer_a, unit_a, officer_b
):
    url = reverse("admin:org_unit_change", args=[unit_a.pk])
    response = client_of(system_admin).get(url)
    form = response.context["adminform"].form
    assert "officer" not in form.fields
    page = response.content.decode()
    assert reverse("roster:unit", args=[unit_a.pk]) in page and "名册" in page
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    client_of(system_admin).post(url, {**data, "officer": officer_b.pk, "phone": "0371-1"})
    unit_a.refresh_from_db()
    assert (unit_a.officer, unit_a.phone) == (officer_a, "0371-1")


def test_a_new_unit_gets_its_officer_on_the_roster_not_in_the_admin(client_of, system_admin):
    form = client_of(system_admin).get(reverse("admin:org_unit_add")).context["adminform"].form
    assert "officer" not in form.fields
    assert UnitKind.DEPARTMENT in dict(form.fields["kind"].choices)
