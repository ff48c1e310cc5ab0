"""The deadline engine: one pass takes every step that has fallen due.

Modelled on healthchecks' sendalerts: each expected report stores `next_check_at`, the next
moment anything can happen to it, under a partial index that covers open rows only — so a
pass costs what is due, not the size of history. A step is claimed with a conditional UPDATE
(`stage` must still be what we read), and the DeadlineFlip row, whatever the owning app records
on the step (its kind's `on_flip`: emergencies' missed-report candidate) and every notification
are written in that same transaction: killing the worker at any moment
either leaves the step untaken (the next pass takes it) or taken with all its notifications.
"""

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deadlines import registry, rules
from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from notify.actions import Message, dispatch
from notify.models import Severity
from org.duty import desk_people, on_duty
from org.models import Unit, User
from org.roles import DUTY_DESK, SECTION_DESK, UNIT_STAFF
from roster.queries import contact_person, reminder_people

log = logging.getLogger(__name__)


def due_ids(now: datetime, limit: int) -> list[int]:
    return list(
        ExpectedReport.objects.filter(status=ExpectStatus.OPEN, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )


POISON_RETRY = timedelta(minutes=1)


def run_pass(now: datetime | None = None, limit: int = 1000) -> int:
    """Take every due step (up to `limit` rows); returns how many steps were taken.

    A row whose step fails is logged and looked at again a minute later, so one bad row can
    never hold up every other deadline."""
    now = now or timezone.now()
    taken = 0
    memo = _pass_memo.set({})
    try:
        with translation.override(settings.LANGUAGE_CODE):
            taken = _take_due(now, limit)
    finally:
        _pass_memo.reset(memo)
    return taken


def _take_due(now: datetime, limit: int) -> int:
    taken = 0
    for pk in due_ids(now, limit):
        try:
            taken += take_step(pk, now)
        except Exception:
            log.exception("deadline step failed for expected report %s", pk)
            ExpectedReport.objects.filter(pk=pk, status=ExpectStatus.OPEN).update(
                next_check_at=now + POISON_RETRY
            )
    return taken


def _claimable() -> QuerySet[ExpectedReport]:
    qs = ExpectedReport.objects.select_related("unit__officer")
    if connection.features.has_select_for_update_skip_locked:
        # Another worker busy with this row: leave it to them instead of queueing behind.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs


def take_step(pk: int, now: datetime) -> int:
    with transaction.atomic():
        row = _claimable().filter(pk=pk, status=ExpectStatus.OPEN).order_by().first()
        if row is None or row.next_check_at is None or row.next_check_at > now:
            return 0  # met, cancelled or taken by another worker meanwhile
        kind = registry.kind(row.kind)
        all_steps = rules.steps(row.window_start, row.due_at, kind.cadence(row))
        step = rules.step_to_take(all_steps, row.stage, now)
        if step is None:
            # The deadline moved (a level change): look again when the next step falls due.
            ExpectedReport.objects.filter(pk=row.pk, stage=row.stage).update(
                next_check_at=rules.next_check(all_steps, row.stage)
            )
            return 0
        claimed = ExpectedReport.objects.filter(
            pk=row.pk, status=ExpectStatus.OPEN, stage=row.stage
        ).update(stage=step.stage, next_check_at=rules.next_check(all_steps, step.stage))
        if claimed != 1:
            return 0
        flip = DeadlineFlip.objects.create(
            expected=row, kind=step.kind, stage=step.stage, due_moment=step.at
        )
        kind.on_flip(row, step)
        users, units = recipients(row, kind, step, now)
        dispatch(message(row, kind, step, flip, now), users, units)
    return 1


# Within one pass `now` is fixed, so who is on duty, who sits in the section and who belongs
# to a unit cannot change: look each up once per pass, not once per step.
_pass_memo: ContextVar[dict[tuple[str, object], list[User]] | None] = ContextVar(
    "deadline_pass_memo", default=None
)


def _once_per_pass(key: tuple[str, object], compute: Callable[[], list[User]]) -> list[User]:
    memo = _pass_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _unit_people(unit: Unit, now: datetime) -> list[User]:
    """The unit's staff, less whoever is on leave; the backup stands in for a main officer on
    leave (the roster's rule)."""
    return _once_per_pass(
        ("unit", unit.pk),
        lambda: reminder_people(
            unit, list(User.objects.filter(unit=unit, role__in=UNIT_STAFF, is_active=True)), now
        ),
    )


def _section() -> list[User]:
    return _once_per_pass(
        ("section", None),
        lambda: list(User.objects.filter(role__in=SECTION_DESK, is_active=True)),
    )


def _role_people(role: str, now: datetime) -> list[User]:
    if role == DUTY_DESK:
        people = list(on_duty(now))
        if people:
            return people
    return list(User.objects.filter(role=role, is_active=True))


def recipients(
    row: ExpectedReport, kind: registry.Kind, step: rules.Step, now: datetime
) -> tuple[list[User], list[Unit]]:
    """Reminders go to whoever owes the report; the breach also to the desk that is on now
    (section in office hours, duty office outside them); escalations up the chain by role."""
    owes_office = kind.office_owes
    owners = _section() if owes_office else _unit_people(row.unit, now)
    owner_units = [] if owes_office else [row.unit]
    if step.kind == rules.REMINDER:
        return _dedupe(owners), owner_units
    if step.kind == rules.BREACH:
        # Office-hours business (the editorial loop) is the section's, whoever is on duty.
        desk = (
            _section()
            if kind.breach_to_section
            else _once_per_pass(("desk", now), lambda: desk_people(now))
        )
        return _dedupe(owners + desk), owner_units
    return _dedupe(_once_per_pass(("role", step.role), lambda: _role_people(step.role, now))), []


def _dedupe(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


def message(
    row: ExpectedReport, kind: registry.Kind, step: rules.Step, flip: DeadlineFlip, now: datetime
) -> Message:
    subject = kind.subject_label(row)
    due = timezone.localtime(row.due_at).strftime("%m-%d %H:%M")
    what = kind.what(row)
    context = {"unit": row.unit.name, "what": what, "subject": subject, "due": due}
    contact = _contact(row.unit, now)
    if step.kind == rules.REMINDER:
        left = max(0, int((row.due_at - now).total_seconds() // 60))
        title = _("[Reminder] %(unit)s: %(what)s due %(due)s") % context
        body = _(
            "“%(subject)s”: %(what)s from %(unit)s is due at %(due)s, %(left)s minutes from now."
        ) % {
            **context,
            "left": left,
        }
        severity = Severity.WARNING
    elif step.kind == rules.BREACH:
        title = _("[Overdue] %(unit)s: %(what)s was due %(due)s") % context
        body = (
            _("“%(subject)s”: %(what)s from %(unit)s was due at %(due)s and has not arrived.")
            % context
        )
        severity = Severity.URGENT
    else:
        late = rules.minutes_late(row.due_at, now)
        title = _("[Escalation] %(unit)s: %(what)s %(late)s minutes overdue") % {
            **context,
            "late": late,
        }
        body = _(
            "“%(subject)s”: %(what)s from %(unit)s was due at %(due)s; "
            "still missing after %(late)s minutes."
        ) % {
            **context,
            "late": late,
        }
        severity = Severity.URGENT
    if contact:
        body = f"{body}\n{contact}"
    url = kind.subject_url(row)
    return Message(title=title, body=body, url=url, severity=severity, key=f"flip:{flip.pk}")


def _contact(unit: Unit, now: datetime) -> str:
    """Whom to ring to chase the report: the unit's information phone and its named officer,
    or the backup standing in while the officer is on leave."""
    parts = []
    if unit.phone:
        parts.append(unit.phone)
    officer = contact_person(unit, now)
    if officer is not None and officer.phone:
        parts.append(f"{officer.full_name} {officer.phone}")
    return _("Contact: %(who)s") % {"who": "；".join(parts)} if parts else ""
