"""The roster's writes, one transaction each with its audit entry: appointing (and so ending)
a unit's officer or backup, leave, training sessions, the turnover threshold."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_change
from org.models import Unit, User
from roster.models import Appointment, Employment, Leave, Post, RosterPolicy, TrainingSession
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers


def appoint(
    actor: User,
    unit: Unit,
    post: str,
    person: User | None,
    employment: str = Employment.PART_TIME,
    phone: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Appointment | None:
    """Put `person` in `post` of `unit` from `now`, ending whoever held it (history kept); no
    person ends the post's appointment. The main post keeps `Unit.officer` in step."""
    now = now or timezone.now()
    if post not in Post.values:
        raise ActionError(_("Choose one of the unit's posts."))
    if person is not None and (person.unit_id != unit.pk or not person.is_active):
        raise ActionError(_("Only an active member of the unit can hold one of its posts."))
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        current = Appointment.objects.filter(unit=locked, post=post, ended_at__isnull=True).first()
        before = current.person_id if current else None
        if post == Post.MAIN and current is None and locked.officer_id is not None:
            # Named before the roster was kept (or outside it): its history starts here.
            current = Appointment.objects.create(
                unit=locked, person_id=locked.officer_id, post=Post.MAIN, started_at=None
            )
            before = locked.officer_id
        if person is not None and before == person.pk and current is not None:
            # Same person: only the details change.
            save_change(
                actor,
                "roster_appointment_changed",
                current,
                {"employment": employment, "phone": phone, "note": note},
            )
            return current
        if current is None and person is None:
            raise ActionError(_("Nobody holds that post."))
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        new = None
        if person is not None:
            new = Appointment.objects.create(
                unit=locked,
                person=person,
                post=post,
                started_at=now,
                employment=employment,
                phone=phone,
                note=note,
            )
        if post == Post.MAIN:
            locked.officer = person
            locked.save(update_fields=["officer"])
            unit.officer = person
        record(
            actor,
            "roster_appointed" if person is not None else "roster_post_vacated",
            str(locked),
            {
                "post": post,
                "before": before,
                "after": person.pk if person is not None else None,
                "employment": employment if person is not None else None,
            },
        )
    return new


def mark_leave(actor: User, person: User, first: date, last: date, note: str = "") -> Leave:
    """Record `person`'s leave from `first` to `last`, both days included. Refused when it
    overlaps a leave of theirs already recorded (and not cancelled): the person's row is locked
    first, so two requests for the same person cannot both find no overlap."""
    if last < first:
        raise ActionError(_("The leave's last day cannot be before its first day."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=person.pk)
        clash = (
            Leave.objects.filter(
                person=person, cancelled=False, first_day__lte=last, last_day__gte=first
            )
            .order_by("first_day")
            .first()
        )
        if clash is not None:
            raise ActionError(
                _(
                    "%(person)s already has leave from %(first)s to %(last)s, which overlaps "
                    "these days."
                )
                % {
                    "person": person.full_name or person.get_username(),
                    "first": clash.first_day.isoformat(),
                    "last": clash.last_day.isoformat(),
                }
            )
        leave = Leave.objects.create(person=person, first_day=first, last_day=last, note=note)
        record(
            actor,
            "roster_leave_marked",
            str(person),
            {"person": person.pk, "first_day": first.isoformat(), "last_day": last.isoformat()},
        )
    return leave


def cancel_leave(actor: User, leave: Leave) -> None:
    with transaction.atomic():
        locked = Leave.objects.select_for_update().get(pk=leave.pk)
        if locked.cancelled:
            raise ActionError(_("That leave was already cancelled."))
        locked.cancelled = True
        locked.save(update_fields=["cancelled"])
        record(
            actor,
            "roster_leave_cancelled",
            str(locked.person),
            {"person": locked.person_id, "first_day": locked.first_day.isoformat()},
        )


def record_training(
    actor: User, held_on: date, topic: str, organiser: str, attendees: Sequence[User]
) -> TrainingSession:
    if not topic.strip():
        raise ActionError(_("Give the training session's topic."))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            held_on=held_on, topic=topic.strip(), organiser=organiser.strip()
        )
        session.attendees.set(attendees)
        record(
            actor,
            "roster_training_recorded",
            str(session),
            {"attendees": sorted(a.pk for a in attendees)},
        )
    return session


def set_policy(actor: User, turnover_threshold: int) -> bool:
    with transaction.atomic():
        policy = RosterPolicy.locked()
        return save_change(
            actor,
            "roster_policy_changed",
            policy,
            {"turnover_threshold": turnover_threshold},
            target=_("Roster policy"),
        )
