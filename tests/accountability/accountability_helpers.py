"""Builders for the accountability tests. Late candidates come from the real deadline engine;
other violations are recorded as the engine or the section would, then decided through
`accountability.actions`."""

from datetime import date, datetime, timedelta

from accountability import actions, rules
from accountability import actions_notices as notice_actions
from accountability.models import CriticismNotice, Violation, ViolationKind
from emergencies import actions as emergency_actions
from emergencies.models import Incident, ReportKind
from org.models import Unit, User, hub_unit
from org.roles import Role
from tests.clock import TODAY, YEAR, next_weekday
from tests.clock import local as at
from tests.emergencies.emergency_factories import minutes, open_in_writing, sign_off
from tests.factories import make_user

DAY = next_weekday(TODAY - timedelta(days=7), 4)  # the last Friday before the pin


def late_report(officer: User, head: User, late_by: float = 16) -> Incident:
    """A major (Ⅲ) incident whose written report (due within 60 min) is signed off late; the
    unit phoned in time (Ⅲ: within 30 min), so the written report is the one violation."""
    known = at(next_weekday(TODAY - timedelta(days=7), 1), "09:00")  # the last Tuesday
    report = open_in_writing(officer, known + minutes(10), known_at=known, level="3")
    assert officer.unit is not None
    phoned_in_time(report.incident, officer.unit, known + minutes(20))
    sign_off(head, report, known + minutes(60 + late_by - 0.5))
    return report.incident


def pending(
    unit: Unit,
    kind: str = ViolationKind.LATE,
    *,
    on: date = DAY,
    serious: bool = True,
    important: bool = True,
    minutes_late: int | None = 20,
    summary: str = "某化工厂仓库火灾",
) -> Violation:
    return Violation.objects.create(
        unit=unit,
        kind=kind,
        occurred_on=on,
        serious=serious,
        important=important,
        minutes_late=minutes_late if kind == ViolationKind.LATE else None,
        summary=summary,
        evidence="值班记录显示书面报告晚于规定时限报送。",
    )


def confirmed(chief: User, unit: Unit, kind: str = ViolationKind.LATE, **fields) -> Violation:
    violation = pending(unit, kind, **fields)
    return actions.do_decide(chief, violation.pk, actions.Decision(rules.CONFIRM))


def city_notice(
    chief: User, violations: list[Violation], on: date = DAY, send_to_all: bool = False
) -> CriticismNotice:
    draft = notice_actions.do_draft_notice(chief, [v.pk for v in violations], send_to_all, today=on)
    return notice_actions.do_issue_notice(chief, draft.pk, on)


def province_notice(
    chief: User,
    violations: list[Violation],
    on: date = DAY,
    number: str = f"省委办通〔{YEAR}〕5号",
    units: list[Unit] | None = None,
    send_to_all: bool = False,
) -> CriticismNotice:
    named = units if units is not None else sorted({v.unit for v in violations}, key=str)
    return notice_actions.do_record_province_notice(
        chief,
        notice_actions.ProvinceNotice(
            doc_number=number,
            issued_on=on,
            title="关于部分地区迟报突发事件信息的通报",
            body="近期，部分地区未按要求报送突发事件信息，现予以通报。",
            issuing_office="省委办公厅",
            units=named,
            violation_ids=[v.pk for v in violations],
            send_to_all=send_to_all,
        ),
        now=None,
    )


def chinese_date(day: date) -> str:
    """How a notice writes its date (GB/T 9704-2012 §7.3.5), in Arabic numerals, no leading
    zeros: 2019-10-09 is 2019年10月9日."""
    return f"{day.year}年{day.month}月{day.day}日"


def phoned_in_time(incident: Incident, unit: Unit, when: datetime) -> None:
    """The duty office logs the unit's phone initial report (电话首报) at `when`."""
    duty = User.objects.filter(role=Role.DUTY_OFFICER).first() or make_user(
        Role.DUTY_OFFICER, hub_unit()
    )
    emergency_actions.do_add_report(
        duty,
        incident.pk,
        ReportKind.INITIAL,
        emergency_actions.ReportContent(summary="电话报告。"),
        unit=unit,
        call=emergency_actions.PhoneCall("张三", "13800000000", when),
        now=when,
    )
