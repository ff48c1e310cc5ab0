"""Builders for the scoring tests: violations decided and notices issued through
`accountability.actions`, items leaving a unit at a chosen moment, units put in classes, and
the ledger read back as plain rows."""

from datetime import date, datetime
from decimal import Decimal

from accountability import actions as accountability
from accountability import actions_notices as notice_actions
from accountability import rules as accountability_rules
from accountability.models import CriticismNotice, Violation, ViolationKind
from bulletins.models import Publication
from org.models import Unit, User
from scoring.models import ClassAssignment, ScoreEntry, UnitClass
from submissions.models import InfoItem, ItemState
from tests.bulletins.editorial_helpers import clock
from tests.clock import YEAR
from tests.factories import make_item

Row = tuple[int, Decimal, str, str, int, str, date, int, int]


def ledger_rows(year: int | None = None) -> list[Row]:
    """Every stored ledger row, all its columns but the id, in a stable order."""
    rows = ScoreEntry.objects.all() if year is None else ScoreEntry.objects.filter(year=year)
    return sorted(
        rows.values_list(
            "unit_id",
            "points",
            "rule__code",
            "source_kind",
            "source_id",
            "source_label",
            "occurred_on",
            "year",
            "month",
        )
    )


def violation(
    chief: User | None,
    unit: Unit,
    kind: str = ViolationKind.LATE,
    on: date = date(YEAR, 3, 10),
    *,
    decide: str | None = accountability_rules.CONFIRM,
    serious: bool = True,
) -> Violation:
    """A violation as the engine or an editor records it, then decided by the chief."""
    recorded = Violation.objects.create(
        unit=unit,
        kind=kind,
        occurred_on=on,
        serious=serious,
        important=True,
        minutes_late=20 if kind == ViolationKind.LATE else None,
        summary="某化工厂仓库火灾",
        evidence="值班记录显示书面报告晚于规定时限报送。",
    )
    if decide is None or chief is None:
        return recorded
    return accountability.do_decide(
        chief, recorded.pk, accountability.Decision(decide, reason="情况属实，予以免责。")
    )


def city_notice(chief: User, violations: list[Violation], on: date) -> CriticismNotice:
    draft = notice_actions.do_draft_notice(chief, [v.pk for v in violations], today=on)
    return notice_actions.do_issue_notice(chief, draft.pk, on)


def province_notice(
    chief: User, violations: list[Violation], on: date, number: str = f"省委办通〔{YEAR}〕5号"
) -> CriticismNotice:
    return notice_actions.do_record_province_notice(
        chief,
        notice_actions.ProvinceNotice(
            doc_number=number,
            issued_on=on,
            title="关于部分地区迟报突发事件信息的通报",
            body="近期，部分地区未按要求报送突发事件信息，现予以通报。",
            issuing_office="省委办公厅",
            units=sorted({v.unit for v in violations}, key=str),
            violation_ids=[v.pk for v in violations],
        ),
    )


def sent(
    officer: User, head: User, at: datetime, joint: tuple[Unit, ...] = (), title: str = ""
) -> InfoItem:
    """An item that left the officer's unit at `at`."""
    with clock(at):
        return make_item(
            officer,
            ItemState.SUBMITTED,
            head=head,
            joint_units=joint,
            title=title or f"报送稿件 {at:%m%d%H%M}",
        )


def assign(unit: Unit, class_name: str, since: date, quota: int | None = None) -> UnitClass:
    unit_class = UnitClass.objects.get(name=class_name)
    if quota is not None:
        unit_class.monthly_quota = quota
        unit_class.save()
    ClassAssignment.objects.update_or_create(
        unit=unit, defaults={"unit_class": unit_class, "quota_from": since}
    )
    return unit_class


def adopted(
    officer: User, publication: Publication, at: datetime, joint: tuple[Unit, ...] = ()
) -> InfoItem:
    """An item of the officer's unit adopted by `publication` on the day of `at`."""
    with clock(at):
        return make_item(
            officer,
            ItemState.ADOPTED,
            publication=publication,
            joint_units=joint,
            title=f"采用稿件 {at:%m%d%H%M}",
        )
