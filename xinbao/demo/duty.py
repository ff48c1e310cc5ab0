"""The demo city's duty office: a zero-report period around today with each unit's daily reports
(most on time, one unit late, one silent some days, one with something to report), a few lines
in the duty log and the last shift's signed handover. Everything is written through the duty
app's actions at the moments it happened, so the deadline engine's rows say what was filed."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from duty import actions, actions_zero, schedule
from duty.actions import Entry
from duty.models import EntryKind
from org.duty import on_duty
from org.models import DutyShift, Unit, User

PERIOD_NAME = "重要时段零报告（演示）"
DUE = time(9, 0)
DAYS_BACK = 6  # the period began this many days before the demo's today
DAYS_AHEAD = 7
LATE_UNIT = "jc-mzj"  # 民政局 files on time, but 40-odd minutes late the last two days
SILENT_UNIT = "jc-nyj"  # files every other day
QUIET_UNIT = "jc-tjj"  # nothing in the last two days
MATTERS_UNIT = "jc-gaj"  # yesterday it had something to report
MATTERS = "昨夜辖区一处在建工地发生围挡倒塌，无人员受伤，已责令整改，情况已处置完毕。"


def _filing_minute(index: int, day_number: int) -> int:
    """Minutes before the due time a punctual unit files: spread, never the same pattern."""
    return 10 + (index * 17 + day_number * 7) % 100


def _zero_reports(units: dict[str, Unit], chief: User, now: datetime) -> int:
    today = timezone.localdate(now)
    start = today - timedelta(days=DAYS_BACK)
    period = actions_zero.save_period(
        chief,
        actions_zero.PeriodData(
            name=PERIOD_NAME,
            starts_on=start,
            ends_on=today + timedelta(days=DAYS_AHEAD),
            due_time=DUE,
            reminder_minutes=60,
        ),
        now=timezone.make_aware(datetime.combine(start - timedelta(days=1), time(18, 0))),
    )
    by_pk = {u.pk: code for code, u in units.items()}
    owing = list(schedule.period_units(period).select_related("officer").order_by("sort_order"))
    filed = 0
    for number in range(DAYS_BACK + 1):
        day = start + timedelta(days=number)
        due = timezone.make_aware(datetime.combine(day, DUE))
        for index, unit in enumerate(owing):
            code = by_pk.get(unit.pk, "")
            officer = unit.officer
            if officer is None:
                continue
            if code == SILENT_UNIT and number % 2 == 1:
                continue
            if code == QUIET_UNIT and number >= DAYS_BACK - 1:
                continue
            if code == LATE_UNIT and number >= DAYS_BACK - 1:
                at = due + timedelta(minutes=41 + number % 5)
            else:
                at = due - timedelta(minutes=_filing_minute(index, number))
            if at > now:
                continue
            has_matters = code == MATTERS_UNIT and number == DAYS_BACK - 1
            actions_zero.file_report(officer, has_matters, MATTERS if has_matters else "", now=at)
            filed += 1
    # Today's and tomorrow's rows for whoever has not filed yet, as the worker would make them.
    schedule.ensure_due(now)
    return filed


def _last_ended_shift(now: datetime) -> DutyShift | None:
    """The latest shift that ended before `now` and was followed by someone else (a night
    officer who stays for the day shift hands over to nobody)."""
    for shift in DutyShift.objects.filter(ends_at__lte=now).order_by("-ends_at")[:4]:
        if on_duty(shift.ends_at).exclude(pk=shift.person_id).exists():
            return shift
    return None


def _log_and_handover(units: dict[str, Unit], now: datetime) -> int:
    """Three lines in the last handed-over shift's log, its handover signed by the incoming officer,
    and a line in the running shift if it has been going a while."""
    shift = _last_ended_shift(now)
    if shift is None:
        return 0
    outgoing = shift.person
    lines = [
        (
            70,
            EntryKind.CALL_IN,
            "市气象台值班员",
            None,
            "83221121",
            "通报：未来12小时有中到大雨，局地暴雨，已转告各区县值班室。",
        ),
        (
            205,
            EntryKind.CALL_OUT,
            "市统计局办公室",
            units["jc-tjj"],
            "",
            "电话催报统计局零报告，值班员称正在核实情况。",
        ),
        (400, EntryKind.ACTION, "", None, "", "检查各区县值班在岗情况，均有人在岗。"),
    ]
    written = 0
    for minutes, kind, caller, unit, phone, summary in lines:
        at = shift.starts_at + timedelta(minutes=minutes)
        if at >= shift.ends_at:
            continue
        entry = Entry(at=at, kind=kind, summary=summary, caller=caller, unit=unit, phone=phone)
        actions.add_entry(outgoing, shift, entry, now=at + timedelta(minutes=3))
        written += 1
    handover = actions.start_handover(
        outgoing,
        "统计局零报告尚未报送，请继续跟进；金桥商厦火灾续报请留意。",
        now=shift.ends_at - timedelta(minutes=10),
    )
    incoming = actions.incoming_people(handover)[0]
    actions.sign_handover(incoming, handover.pk, now=min(now, shift.ends_at + timedelta(minutes=5)))
    running = DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now).first()
    if running is not None and now - running.starts_at >= timedelta(minutes=40):
        at = running.starts_at + timedelta(minutes=20)
        entry = Entry(
            at=at,
            kind=EntryKind.CALL_IN,
            caller="市应急管理局值班室",
            phone="83200110",
            summary="询问全市防汛值守情况，已告知各区县值班室均有人在岗。",
        )
        actions.add_entry(running.person, running, entry, now=at + timedelta(minutes=2))
        written += 1
    return written


def load_duty(units: dict[str, Unit], users: dict[str, User], now: datetime) -> str:
    filed = _zero_reports(units, users["kezhang"], now)
    lines = _log_and_handover(units, now)
    return f"{filed} zero reports, {lines} duty log lines, 1 handover"
