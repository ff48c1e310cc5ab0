"""Every write to the security policy, the official calendar, the office hours and the duty
roster goes through here:
one transaction and one audit entry per call. Views never write these models themselves.

A refused write raises `ActionError` with a message for the user and writes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_change
from org import schedule
from org.duty import LOCAL
from org.models import (
    CalendarYear,
    DayKind,
    DutyShift,
    LockOut,
    OfficeHours,
    OfficeHoursPeriod,
    OfficialDay,
    SecurityPolicy,
    User,
)
from org.notice import NoticeDay, missing_festivals, normalise_number
from org.queries import local_midnight
from org.roles import Capability
from org.schedule import PeriodInput, Span
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers


def _require(actor: User, capability: Capability) -> None:
    if not actor.can(capability):
        raise PermissionDenied


# --- account security ------------------------------------------------------------------------

SECURITY_FIELDS = (
    "failure_limit",
    "cooloff_minutes",
    "idle_timeout_minutes",
    "password_history",
    "password_max_age_days",
    "reset_link_hours",
    "cooloff_max_minutes",
    "lockout_memory_hours",
    "second_factor_roles",
)


def do_set_security_policy(actor: User, values: dict[str, Any]) -> SecurityPolicy:
    """Save the validated lock-out, idle-timeout, password and two-step settings, with their
    before and after."""
    _require(actor, Capability.MANAGE_SECURITY)
    with transaction.atomic():
        policy = SecurityPolicy.locked()
        after = {f: values[f] for f in SECURITY_FIELDS}
        save_change(actor, "security_policy_changed", policy, after, "SecurityPolicy")
    return policy


def do_unlock_account(actor: User, username: str) -> int:
    """Clear the failed logins that locked `username` out; returns how many were cleared."""
    _require(actor, Capability.MANAGE_SECURITY)
    from axes.utils import reset

    with transaction.atomic():
        count: int = reset(username=username)
        # Forgiven: the next lock-out of this name starts again at the first one's length.
        LockOut.objects.filter(username=username).delete()
        record(actor, "account_unlocked", username, {"attempts_cleared": count})
    return count


# --- the official calendar ------------------------------------------------------------------


def do_add_official_days(
    actor: User, start: date, end: date, kind: str, name: str
) -> list[OfficialDay]:
    """Enter start..end (inclusive) as holidays or swapped working days, all or nothing."""
    _require(actor, Capability.MANAGE_CALENDAR)
    if kind not in DayKind.values:
        raise ActionError(_("Choose holiday or swapped working day."))
    name = name.strip()
    if not name:
        raise ActionError(_("Give the name of the holiday, e.g. National Day."))
    try:
        with transaction.atomic():
            entered = dict(
                OfficialDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
            )
            if problem := schedule.range_problem(start, end, kind, entered):
                raise ActionError(problem)
            days = OfficialDay.objects.bulk_create(
                [
                    OfficialDay(date=day, kind=kind, name=name)
                    for day in schedule.days_between(start, end)
                ]
            )
            record(
                actor,
                "official_days_added",
                f"{start.isoformat()}..{end.isoformat()}",
                {"dates": [d.date.isoformat() for d in days], "kind": kind, "name": name},
            )
    except IntegrityError as exc:  # another administrator entered one of the days just now
        raise ActionError(_("Someone else entered some of these days just now.")) from exc
    return days


def do_remove_official_day(actor: User, day_id: int) -> OfficialDay:
    _require(actor, Capability.MANAGE_CALENDAR)
    with transaction.atomic():
        day = OfficialDay.objects.select_for_update().filter(pk=day_id).first()
        if day is None:
            raise ActionError(_("That day was already removed."))
        removed = {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}
        day.delete()
        record(actor, "official_day_removed", removed["date"], removed)
    return day


def do_import_official_days(
    actor: User, days: Sequence[NoticeDay], source: str
) -> list[OfficialDay]:
    """Save the days read from a notice or a CSV, once the administrator confirmed the preview:
    all or nothing. Days already entered the same way are skipped; a day entered differently
    refuses the whole import."""
    _require(actor, Capability.MANAGE_CALENDAR)
    if not days:
        raise ActionError(_("There are no days to enter."))
    try:
        with transaction.atomic():
            dates = [d.date for d in days]
            entered = dict(
                OfficialDay.objects.select_for_update()
                .filter(date__in=dates)
                .values_list("date", "kind")
            )
            clashes = [d for d in days if d.date in entered and entered[d.date] != d.kind]
            if clashes:
                raise ActionError(
                    _("%(date)s is already entered as another kind of day; remove it first.")
                    % {"date": clashes[0].date.isoformat()}
                )
            for day in days:
                if day.kind == DayKind.WORKDAY and day.date.weekday() < 5:
                    raise ActionError(
                        _("%(date)s is a weekday: a swapped working day falls on a weekend.")
                        % {"date": day.date.isoformat()}
                    )
            created = OfficialDay.objects.bulk_create(
                [
                    OfficialDay(date=d.date, kind=d.kind, name=d.name[:40])
                    for d in days
                    if d.date not in entered
                ]
            )
            record(
                actor,
                "official_days_imported",
                source,
                {
                    "dates": [d.date.isoformat() for d in created],
                    "skipped": len(days) - len(created),
                },
            )
    except IntegrityError as exc:
        raise ActionError(_("Someone else entered some of these days just now.")) from exc
    return created


def do_publish_calendar_year(
    actor: User, year: int, published_on: date, notice_number: str
) -> CalendarYear:
    """Declare a year's official calendar complete, with the notice's 文号 and date: from now
    on its entered days route reports and set deadlines, and the duty office's warning for that
    year goes away. Every one of the seven holidays must be entered."""
    _require(actor, Capability.MANAGE_CALENDAR)
    number = normalise_number(notice_number)
    if number is None:
        raise ActionError(
            _("Give the notice's number as it is printed, e.g. 国办发明电〔2025〕7号.")
        )
    try:
        with transaction.atomic():
            if CalendarYear.objects.filter(year=year).exists():
                raise ActionError(_("%(year)s is already published.") % {"year": year})
            days = OfficialDay.objects.filter(date__year=year)
            names = set(days.filter(kind=DayKind.HOLIDAY).values_list("name", flat=True))
            if missing := missing_festivals(names):
                raise ActionError(
                    _("%(year)s cannot be published: no days are entered for %(missing)s.")
                    % {"year": year, "missing": "、".join(missing)}
                )
            holidays = days.filter(kind=DayKind.HOLIDAY).count()
            source = f"entered by {actor.get_username()}"[:40]  # the column's width
            published = CalendarYear.objects.create(
                year=year, source=source, published_on=published_on, notice_number=number
            )
            record(
                actor,
                "calendar_year_published",
                str(year),
                {
                    "published_on": published_on.isoformat(),
                    "notice_number": number,
                    "holidays": holidays,
                    "workdays": days.filter(kind=DayKind.WORKDAY).count(),
                },
            )
    except IntegrityError as exc:
        raise ActionError(_("%(year)s is already published.") % {"year": year}) from exc
    return published


def do_add_office_hours_period(actor: User, name: str, period: PeriodInput) -> OfficeHoursPeriod:
    """A period of the year with its own office hours (夏季作息, 冬季作息)."""
    _require(actor, Capability.MANAGE_CALENDAR)
    name = name.strip()
    if not name:
        raise ActionError(_("Give the period a name, e.g. 夏季作息."))
    with transaction.atomic():
        others = [schedule.PeriodInput.of(p) for p in OfficeHoursPeriod.objects.select_for_update()]
        if problem := schedule.period_problem(period, others):
            raise ActionError(problem)
        row = OfficeHoursPeriod.objects.create(name=name, **period.fields())
        record(
            actor,
            "office_hours_period_added",
            name,
            {k: str(v) for k, v in period.fields().items()},
        )
    return row


def do_remove_office_hours_period(actor: User, period_id: int) -> OfficeHoursPeriod:
    _require(actor, Capability.MANAGE_CALENDAR)
    with transaction.atomic():
        row = OfficeHoursPeriod.objects.select_for_update().filter(pk=period_id).first()
        if row is None:
            raise ActionError(_("That period was already removed."))
        data = {k: str(v) for k, v in schedule.PeriodInput.of(row).fields().items()}
        row.delete()
        record(actor, "office_hours_period_removed", row.name, data)
    return row


def do_set_office_hours(
    actor: User, morning_start: time, morning_end: time, afternoon_start: time, afternoon_end: time
) -> OfficeHours:
    _require(actor, Capability.MANAGE_CALENDAR)
    new = (morning_start, morning_end, afternoon_start, afternoon_end)
    if problem := schedule.office_hours_problem(*new):
        raise ActionError(problem)
    fields = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
    with transaction.atomic():
        hours = OfficeHours.locked()
        after = dict(zip(fields, new, strict=True))
        save_change(actor, "office_hours_changed", hours, after, "OfficeHours")
    return hours


# --- the duty roster ------------------------------------------------------------------------


def _shift_label(shift: DutyShift) -> str:
    return f"{shift.person.get_username()} {shift.starts_at.astimezone(LOCAL):%Y-%m-%d %H:%M}"


def _shift_facts(shift: DutyShift) -> dict[str, object]:
    return {
        "person": shift.person.get_username(),
        "starts_at": shift.starts_at.astimezone(LOCAL).isoformat(),
        "ends_at": shift.ends_at.astimezone(LOCAL).isoformat(),
        "is_leader": shift.is_leader,
        "note": shift.note,
    }


def _may_be_on_duty(person: User) -> bool:
    return person.can(Capability.STAND_DUTY)


def do_add_duty_shift(
    actor: User,
    person: User,
    starts_at: datetime,
    ends_at: datetime,
    is_leader: bool = False,
    note: str = "",
) -> DutyShift:
    _require(actor, Capability.MANAGE_DUTY)
    if not _may_be_on_duty(person):
        raise ActionError(_("%(person)s cannot be put on the duty roster.") % {"person": person})
    if problem := schedule.shift_problem(starts_at, ends_at):
        raise ActionError(problem)
    with transaction.atomic():
        # Two duty officers adding shifts for one person at once: the second waits here and
        # then sees the first one's shift.
        User.objects.select_for_update().filter(pk=person.pk).first()
        clash = (
            DutyShift.objects.filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            raise ActionError(
                _("%(person)s is already on duty from %(start)s to %(end)s.")
                % {
                    "person": person,
                    "start": f"{clash.starts_at.astimezone(LOCAL):%Y-%m-%d %H:%M}",
                    "end": f"{clash.ends_at.astimezone(LOCAL):%Y-%m-%d %H:%M}",
                }
            )
        shift = DutyShift.objects.create(
            person=person,
            starts_at=starts_at,
            ends_at=ends_at,
            is_leader=is_leader,
            note=note.strip(),
        )
        record(actor, "duty_shift_added", _shift_label(shift), _shift_facts(shift))
    return shift


def do_delete_duty_shift(actor: User, shift_id: int, now: datetime | None = None) -> None:
    """Only shifts that have not started: the past roster is the record of who was on duty."""
    _require(actor, Capability.MANAGE_DUTY)
    now = now or timezone.now()
    with transaction.atomic():
        shift = (
            DutyShift.objects.select_for_update().select_related("person").filter(pk=shift_id)
        ).first()
        if shift is None:
            raise ActionError(_("That shift was already deleted."))
        if shift.starts_at <= now:
            raise ActionError(_("A shift that has started is part of the record and stays."))
        facts = _shift_facts(shift)
        target = _shift_label(shift)
        shift.delete()
        record(actor, "duty_shift_deleted", target, facts)


@dataclass(frozen=True)
class RepeatResult:
    copied: int
    skipped: int  # would overlap, would start in the past, or the person left the roster


def do_repeat_week(actor: User, monday: date, now: datetime | None = None) -> RepeatResult:
    """Copy the shifts of the week before `monday`'s week into it, a week later each."""
    _require(actor, Capability.MANAGE_DUTY)
    now = now or timezone.now()
    monday = schedule.week_start(monday)
    week = timedelta(days=7)
    with transaction.atomic():
        source = list(
            DutyShift.objects.filter(
                starts_at__gte=local_midnight(monday - week), starts_at__lt=local_midnight(monday)
            )
            .select_related("person")
            .order_by("starts_at", "pk")
        )
        people = {s.person_id for s in source}
        list(User.objects.select_for_update().filter(pk__in=people).order_by("pk"))
        taken: dict[int, list[Span]] = {p: [] for p in people}
        for other in DutyShift.objects.filter(
            person_id__in=people,
            starts_at__lt=local_midnight(monday + week) + schedule.MAX_SHIFT,
            ends_at__gt=local_midnight(monday),
        ):
            taken[other.person_id].append(Span(other.starts_at, other.ends_at))
        copies: list[DutyShift] = []
        for shift in source:
            span = Span(shift.starts_at + week, shift.ends_at + week)
            if (
                not _may_be_on_duty(shift.person)
                or span.starts_at <= now
                or schedule.overlaps(span, taken[shift.person_id])
            ):
                continue
            taken[shift.person_id].append(span)
            copies.append(
                DutyShift(
                    person=shift.person,
                    starts_at=span.starts_at,
                    ends_at=span.ends_at,
                    is_leader=shift.is_leader,
                    note=shift.note,
                )
            )
        DutyShift.objects.bulk_create(copies)
        result = RepeatResult(copied=len(copies), skipped=len(source) - len(copies))
        if copies:
            record(
                actor,
                "duty_week_repeated",
                monday.isoformat(),
                {
                    "from": (monday - week).isoformat(),
                    "copied": [_shift_facts(c) for c in copies],
                    "skipped": result.skipped,
                },
            )
    return result
