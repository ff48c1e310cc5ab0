"""Unit classes, their quotas and award tiers, and which class each unit is in: read by
everyone who reads the rankings, edited by the section chief — all or nothing, audited."""

from datetime import date
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from scoring.models import AwardTier, ClassAssignment, UnitClass
from tests.clock import YEAR

pytestmark = pytest.mark.django_db

CLASSES = "/scoring/classes/"
UNITS = "/scoring/classes/units/"


def classes_form(**changes: object) -> dict[str, str]:
    data = {"action": "classes"}
    for c in UnitClass.objects.all():
        for name in ("name", "monthly_quota", "sort_order", "award_floor"):
            data[f"c{c.pk}-{name}"] = str(changes.get(f"{c.name}-{name}", getattr(c, name)))
    for name in ("name", "monthly_quota", "sort_order", "award_floor"):
        data[f"newclass-{name}"] = str(changes.get(f"new-{name}", ""))
    return data


def tiers_form(unit_class: UnitClass, **changes: object) -> dict[str, str]:
    data = {"action": f"tiers-{unit_class.pk}"}
    for t in unit_class.award_tiers.all():
        for name in ("name", "position", "places", "min_points"):
            value = changes.get(f"{t.name}-{name}", getattr(t, name))
            data[f"t{t.pk}-{name}"] = "" if value is None else str(value)
        if changes.get(f"{t.name}-remove"):
            data[f"t{t.pk}-remove"] = "on"
    for name in ("name", "position", "places", "min_points"):
        data[f"newtier{unit_class.pk}-{name}"] = str(changes.get(f"new-{name}", ""))
    return data


def quota(name: str) -> int:
    return UnitClass.objects.get(name=name).monthly_quota


def test_the_seeded_classes_have_the_design_quotas_and_three_awards():
    assert [(c.name, c.monthly_quota) for c in UnitClass.objects.all()] == [
        ("一类", 8),
        ("二类", 6),
        ("三类", 5),
        ("四类", 3),
    ]
    assert list(
        AwardTier.objects.filter(unit_class__name="一类").values_list("name", "places")
    ) == [("一等奖", 1), ("二等奖", 1), ("三等奖", 1)]


def test_readers_read_the_classes_and_units_cannot(client_of, editor, leader, officer_a):
    for user in (editor, leader):
        assert client_of(user).get(CLASSES).status_code == 200
        assert client_of(user).get(UNITS).status_code == 200
    assert client_of(officer_a).get(CLASSES).status_code == 403
    assert client_of(officer_a).get(UNITS).status_code == 403


def test_the_chief_changes_a_quota_and_adds_a_class_with_audit_entries(client_of, chief):
    form = classes_form(**{"二类-monthly_quota": 7, "new-name": "五类", "new-monthly_quota": 2})
    assert client_of(chief).post(CLASSES, form).status_code == 302
    assert (quota("二类"), quota("五类")) == (7, 2)
    changed = AuditEntry.objects.get(action="unit_class_changed")
    assert (changed.target, changed.data["before"]["monthly_quota"]) == ("二类", 6)
    assert AuditEntry.objects.filter(action="unit_class_added", target="五类").exists()
    assert UnitClass.objects.get(name="五类").award_floor == 0  # left empty: the default


def test_the_chief_raises_a_classs_award_floor_with_an_audit_entry(client_of, chief):
    assert UnitClass.objects.get(name="一类").award_floor == 0  # seeded: more than zero only
    form = classes_form(**{"一类-award_floor": "12.5"})
    assert client_of(chief).post(CLASSES, form).status_code == 302
    assert UnitClass.objects.get(name="一类").award_floor == Decimal("12.5")
    changed = AuditEntry.objects.get(action="unit_class_changed", target="一类")
    assert Decimal(changed.data["before"]["award_floor"]) == 0
    assert Decimal(changed.data["after"]["award_floor"]) == Decimal("12.5")


def test_a_negative_award_floor_is_refused(client_of, chief):
    form = classes_form(**{"一类-award_floor": "-1"})
    assert client_of(chief).post(CLASSES, form).status_code in (200, 400)
    assert UnitClass.objects.get(name="一类").award_floor == 0


@pytest.mark.parametrize(
    "bad",
    [{"一类-monthly_quota": -1}, {"一类-name": ""}, {"new-name": "五类"}, {"new-monthly_quota": 3}],
    ids=["negative-quota", "no-name", "new-without-quota", "new-without-name"],
)
def test_a_bad_class_saves_nothing(client_of, chief, bad):
    response = client_of(chief).post(CLASSES, classes_form(**{"二类-monthly_quota": 7}, **bad))
    assert response.status_code == 200
    assert quota("二类") == 6
    assert UnitClass.objects.count() == 4
    assert not AuditEntry.objects.filter(action__startswith="unit_class").exists()


def test_an_editor_may_not_change_the_classes(client_of, editor):
    assert (
        client_of(editor).post(CLASSES, classes_form(**{"二类-monthly_quota": 7})).status_code
        == 403
    )
    assert quota("二类") == 6


def test_the_chief_edits_adds_and_removes_awards(client_of, chief):
    first = UnitClass.objects.get(name="一类")
    form = tiers_form(
        first,
        **{
            "一等奖-places": 2,
            "三等奖-remove": True,
            "new-name": "优秀奖",
            "new-position": 4,
            "new-min_points": "60",
        },
    )
    assert client_of(chief).post(CLASSES, form).status_code == 302
    assert list(first.award_tiers.values_list("name", "places", "min_points")) == [
        ("一等奖", 2, None),
        ("二等奖", 1, None),
        ("优秀奖", None, Decimal(60)),
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"award_tier_changed", "award_tier_removed", "award_tier_added"} <= actions


def test_an_award_needs_places_or_a_minimum(client_of, chief):
    first = UnitClass.objects.get(name="一类")
    form = tiers_form(first, **{"一等奖-places": "", "二等奖-places": 3})
    response = client_of(chief).post(CLASSES, form)
    assert response.status_code == 200
    assert list(first.award_tiers.values_list("places", flat=True)) == [1, 1, 1]
    new = tiers_form(first, **{"new-name": "优秀奖", "new-position": 4})
    assert client_of(chief).post(CLASSES, new).status_code == 200
    assert first.award_tiers.count() == 3


def test_a_class_with_units_cannot_be_removed(client_of, chief, unit_a):
    fourth = UnitClass.objects.get(name="四类")
    ClassAssignment.objects.create(unit=unit_a, unit_class=fourth, quota_from=date(YEAR, 1, 1))
    client_of(chief).post(CLASSES, {"action": f"remove-{fourth.pk}"})
    assert UnitClass.objects.filter(pk=fourth.pk).exists()
    third = UnitClass.objects.get(name="三类")
    client_of(chief).post(CLASSES, {"action": f"remove-{third.pk}"})
    assert not UnitClass.objects.filter(pk=third.pk).exists()
    assert AuditEntry.objects.filter(action="unit_class_removed", target="三类").exists()


# --- which class each unit is in -------------------------------------------------------------


def units_form(**rows: tuple[str, str]) -> dict[str, str]:
    """rows: unit code → (class name or "", "YYYY-MM" or "")."""
    from org.models import Unit

    data = {}
    for unit in Unit.objects.filter(is_reporting=True, is_active=True):
        current = ClassAssignment.objects.filter(unit=unit).first()
        name, month = rows.get(
            unit.code,
            (current.unit_class.name, f"{current.quota_from:%Y-%m}") if current else ("", ""),
        )
        data[f"u{unit.pk}-unit_class"] = str(UnitClass.objects.get(name=name).pk) if name else ""
        data[f"u{unit.pk}-quota_from"] = month
    return data


def test_the_chief_puts_units_in_classes_with_an_audit_entry_each(client_of, chief, unit_a, unit_b):
    form = units_form(**{"unit-a": ("二类", f"{YEAR}-03"), "unit-b": ("四类", f"{YEAR}-01")})
    assert client_of(chief).post(UNITS, form).status_code == 302
    a = ClassAssignment.objects.get(unit=unit_a)
    assert (a.unit_class.name, a.quota_from) == ("二类", date(YEAR, 3, 1))
    entry = AuditEntry.objects.get(action="unit_class_assigned", target="unit-a")
    assert (entry.data["before"], entry.data["after"]["class"]) == (None, "二类")
    # Taking a unit out of every class.
    assert client_of(chief).post(UNITS, units_form(**{"unit-a": ("", "")})).status_code == 302
    assert not ClassAssignment.objects.filter(unit=unit_a).exists()
    assert AuditEntry.objects.filter(action="unit_class_assigned").count() == 3


def test_a_class_without_its_start_month_saves_nothing(client_of, chief, unit_a, unit_b):
    form = units_form(**{"unit-a": ("二类", f"{YEAR}-03"), "unit-b": ("四类", "")})
    assert client_of(chief).post(UNITS, form).status_code == 200
    assert not ClassAssignment.objects.exists()


def test_an_editor_may_not_move_units(client_of, editor, unit_a):
    form = units_form(**{"unit-a": ("二类", f"{YEAR}-03")})
    assert client_of(editor).post(UNITS, form).status_code == 403
    assert not ClassAssignment.objects.exists()
