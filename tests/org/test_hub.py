"""The office this instance belongs to (Unit.is_hub): marked by the system administrator where
units are edited, audited; only one unit may carry the mark, a second is refused in Chinese; the
migration marks the unit the old rule picked."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from org.models import Unit, UnitKind, UnitLevel, hub_unit
from tests.factories import make_unit
from tests.org.test_region_codes import _admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db) -> Unit:
    return make_unit(
        "省委办公厅", code="province", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.PROVINCE
    )


def test_the_system_administrator_marks_the_hub_audited_and_only_one(
    client_of, system_admin, section, province
):
    office = section.parent
    client = client_of(system_admin)
    url = reverse("admin:org_unit_change", args=[province.pk])
    data = _admin_form(client, url)
    assert client.post(url, {**data, "is_hub": "on"}).status_code == 302
    assert hub_unit() == province
    entry = AuditEntry.objects.get(action="unit_changed")
    assert (entry.data["before"], entry.data["after"]) == ({"is_hub": False}, {"is_hub": True})
    # A second unit marked: refused with the reason, nothing changed, nothing audited.
    url = reverse("admin:org_unit_change", args=[office.pk])
    refused = client.post(url, {**_admin_form(client, url), "is_hub": "on"})
    assert refused.status_code == 200
    assert "已有另一个单位标记为本系统所属机关，请先取消它的标记。" in refused.content.decode()
    assert list(Unit.objects.filter(is_hub=True)) == [province]
    assert AuditEntry.objects.filter(action="unit_changed").count() == 1
    # The list shows the mark.
    listing = client.get(reverse("admin:org_unit_changelist")).content.decode()
    assert "本系统所属机关" in listing


def test_the_database_holds_one_hub_whatever_writes_it(section, province):
    Unit.objects.filter(pk=province.pk).update(is_hub=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=section.parent.pk).update(is_hub=True)


def test_the_migration_marks_the_unit_the_old_rule_picked(section, province):
    later = make_unit("乙市委办公室", code="b", kind=UnitKind.PARTY_OFFICE, sort_order=5)
    inactive = make_unit(
        "丙市委办公室", code="c", kind=UnitKind.PARTY_OFFICE, sort_order=0, is_active=False
    )
    migration = import_module("org.migrations.0013_unit_is_hub")
    migration.mark_hub(apps, None)
    marked = list(Unit.objects.filter(is_hub=True))
    assert marked == [section.parent]
    assert later not in marked and inactive not in marked
    assert province.level == UnitLevel.PROVINCE


def test_the_migration_marks_nothing_without_a_city_party_office(province):
    import_module("org.migrations.0013_unit_is_hub").mark_hub(apps, None)
    assert not Unit.objects.filter(is_hub=True).exists()
