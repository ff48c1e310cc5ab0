"""`manage.py seed_demo`: the demo city the README promises, loaded once."""

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone

from audit.models import AuditEntry
from bulletins.models import AdoptionLevel, Publication
from org.models import Unit, UnitKind, UnitLevel, User
from org.network import reporting_units_status
from org.roles import Role
from submissions.models import (
    Adoption,
    EventKind,
    InfoItem,
    ItemEvent,
    ItemRevision,
    ItemState,
    RevisionSource,
    Tag,
    Verification,
)
from xinbao.core import demo


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Unit,
        User,
        Publication,
        InfoItem,
        ItemRevision,
        ItemEvent,
        Adoption,
        Tag,
        AuditEntry,
    ]
    return {m.__name__: m._default_manager.count() for m in models}


def test_demo_text_is_substantial() -> None:
    assert len(demo.ITEMS) >= 36
    for item in demo.ITEMS:
        bodies = [item.body] + [s.body for s in item.steps if isinstance(s, demo.Revise)]
        for body in bodies:
            assert 2 <= len(body) <= 5, item.title
            assert len("".join(body)) >= 150, item.title


def test_demo_password_passes_the_password_policy() -> None:
    validate_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_it_builds_the_network() -> None:
    seed()
    units = Unit.objects.all()
    assert units.count() >= 20
    assert units.filter(kind=UnitKind.DEPARTMENT, level=UnitLevel.CITY).count() >= 10
    assert units.filter(kind__in=[UnitKind.DISTRICT, UnitKind.COUNTY]).count() >= 6
    townships = units.filter(level=UnitLevel.TOWNSHIP, kind=UnitKind.TOWNSHIP)
    assert townships.count() == 2
    assert all(t.parent for t in townships)
    assert {t.parent.kind for t in townships if t.parent} <= {UnitKind.DISTRICT, UnitKind.COUNTY}
    root = units.get(code=demo.ROOT_CODE)
    province = root.parent
    assert province is not None
    assert province.level == UnitLevel.PROVINCE
    assert not province.is_reporting
    assert set(
        root.children.filter(kind=UnitKind.SECTION).values_list("is_reporting", flat=True)
    ) == {False}
    levels = set(Publication.objects.values_list("level", flat=True))
    assert levels == {AdoptionLevel.CITY, AdoptionLevel.PROVINCE, AdoptionLevel.CENTRAL}


@pytest.mark.django_db
def test_every_reporting_unit_but_the_holes_has_a_named_officer() -> None:
    seed()
    for unit in Unit.objects.filter(is_reporting=True).select_related("officer"):
        heads = unit.members.filter(role=Role.UNIT_HEAD)
        assert heads.count() == 1, unit.code
        if unit.code in demo.UNITS_WITHOUT_OFFICER:
            assert unit.officer is None
        else:
            assert unit.officer is not None, unit.code
            assert unit.officer.role == Role.OFFICER
            assert unit.officer.unit_id == unit.pk
            assert unit.phone
    holes = {s.unit.code for s in reporting_units_status() if s.is_hole}
    assert holes == demo.UNITS_WITHOUT_OFFICER | demo.SILENT_UNITS


@pytest.mark.django_db
def test_items_cover_every_state_with_real_histories() -> None:
    seed()
    items = InfoItem.objects.all()
    assert set(items.values_list("state", flat=True)) == set(ItemState.values)
    assert items.filter(joint_units__isnull=False).distinct().count() >= 2
    assert items.filter(verification=Verification.VERIFIED).exists()
    disputed = items.get(verification=Verification.DISPUTED)
    assert disputed.verification_note
    assert ItemEvent.objects.filter(kind=EventKind.RETURNED).exclude(comment="").exists()
    assert Adoption.objects.filter(level=AdoptionLevel.PROVINCE).exists()
    edited = items.filter(revisions__source=RevisionSource.EDITOR).distinct()
    assert edited.exists()
    for item in edited:
        first = item.revisions.get(number=1)
        assert (first.title, first.body) != (item.title, item.body)

    now = timezone.now()
    for item in items.prefetch_related("events"):
        times = [e.at for e in item.events.all()]
        assert times == sorted(times), item.title
        assert times[0] == item.created_at and times[-1] == item.updated_at <= now
        signed_off = [e.at for e in item.events.all() if e.kind == EventKind.SIGNED_OFF]
        assert item.submitted_at == (signed_off[0] if signed_off else None)
    oldest = items.earliest("created_at").created_at
    assert (now - oldest).days >= 45  # spread over the last two months


@pytest.mark.django_db
def test_a_second_run_adds_nothing() -> None:
    first = seed()
    before = counts()
    second = seed()
    assert counts() == before
    assert "already present" in second
    assert "Items: " in first and "Items: " not in second


@pytest.mark.django_db
def test_it_prints_the_logins_every_time() -> None:
    for output in (seed(), seed()):
        assert demo.DEMO_PASSWORD in output
        for username in ("bianji1", "kezhang", "zhiban", "lingdao", "gaj_xxy", "gaj_ld"):
            assert username in output
    assert User.objects.get(username="gaj_xxy").check_password(demo.DEMO_PASSWORD)
