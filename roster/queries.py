"""Reading the roster: a unit's posts and history, who is on leave, who gets a unit's reminders,
and what each officer produced in their period (told by the apps that own items and reports)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from org.models import Unit, User, hub_unit
from org.roles import Capability
from roster import rules
from roster.models import Appointment, Leave, Post, TrainingSession

BACKUP_ORDER = (Post.A, Post.B)

# Given a unit's id: what its people wrote for it (items and emergency reports), by author and
# moment; the roster's lines count theirs (`rules.output_of`). One call per page, whatever the
# number of lines.
OutputSource = Callable[[int], list[rules.Written]]

_output_source: OutputSource | None = None

# Given a unit: the ledger points it earned from what its people wrote, traced to the person
# (`rules.credited` gives each line its share).
PointsSource = Callable[[Unit], list[rules.Credit]]

_points_source: PointsSource | None = None


def register_output(source: OutputSource) -> None:
    """The app that owns items and reports (insight) tells the roster how to count them."""
    global _output_source
    _output_source = source


def register_points(source: PointsSource) -> None:
    """The app that keeps the points ledger (scoring) tells the roster how to trace a unit's."""
    global _points_source
    _points_source = source


def may_read(user: User, unit: Unit) -> bool:
    """The network's overseers read every roster; a unit's own people read their unit's."""
    if user.can(Capability.VIEW_NETWORK) or user.can(Capability.MANAGE_ROSTER):
        return True
    return user.can(Capability.READ_OWN_ROSTER) and user.unit_id == unit.pk


def in_network(unit: Unit) -> bool:
    """Whether the unit is one the office expects information from, so that nobody named for it
    is a hole: an active reporting unit other than the municipal office itself (`hub_unit`)."""
    if not (unit.is_reporting and unit.is_active):
        return False
    hub = hub_unit()
    return hub is None or hub.pk != unit.pk


def away_on(day: date, people: Sequence[int]) -> frozenset[int]:
    """Of `people` (user ids), those on leave on `day`."""
    rows = Leave.objects.filter(
        person_id__in=people, cancelled=False, first_day__lte=day, last_day__gte=day
    ).values_list("person_id", flat=True)
    return frozenset(rows)


def current_backups(unit: Unit) -> list[int]:
    """The unit's current backups' user ids, A角 first."""
    rows = dict(
        Appointment.objects.filter(
            unit=unit, ended_at__isnull=True, post__in=BACKUP_ORDER
        ).values_list("post", "person_id")
    )
    return [rows[p] for p in BACKUP_ORDER if p in rows]


def reminder_people(unit: Unit, staff: Sequence[User], now: datetime) -> list[User]:
    """Who gets the unit's reminders at `now`: `staff` (the unit's people) except who is on
    leave and the backups standing by; while the main officer is on leave, the first backup who
    is not (`rules.reminder_people`)."""
    backups = current_backups(unit)
    main = unit.officer_id
    everyone = [u.pk for u in staff] + backups + ([main] if main else [])
    away = away_on(timezone.localdate(now), everyone)
    if not away and not backups:
        return list(staff)
    signers = frozenset(u.pk for u in staff if u.can(Capability.SIGN_OFF))
    chosen = rules.reminder_people([u.pk for u in staff], main, backups, away, signers)
    known = {u.pk: u for u in staff}
    missing = [pk for pk in chosen if pk not in known]
    known.update(User.objects.filter(pk__in=missing, is_active=True).in_bulk())
    return [known[pk] for pk in chosen if pk in known]


def contact_person(unit: Unit, now: datetime) -> User | None:
    """Whom to name as the unit's contact at `now`: its main officer, or while they are on
    leave the backup who stands in (the reminders' rule, `rules.reminder_people`); None if the
    officer is away and no backup is at work."""
    main = unit.officer_id
    if main is None:
        return None
    backups = current_backups(unit)
    away = away_on(timezone.localdate(now), [main, *backups])
    if main not in away:
        return unit.officer
    acting = rules.reminder_people([], main, backups, away)
    return User.objects.filter(pk__in=acting, is_active=True).first()


def main_history(unit: Unit) -> list[tuple[int, datetime | None, datetime | None]]:
    """Who held the unit's main officer's post, and when: (person id, start, end) per
    appointment; an officer named outside the roster counts as holding it since before the
    roster. `rules.holder_at` tells who held it at a moment."""
    rows: list[tuple[int, datetime | None, datetime | None]] = list(
        Appointment.objects.filter(unit_id=unit.pk, post=Post.MAIN).values_list(
            "person_id", "started_at", "ended_at"
        )
    )
    if unit.officer_id is not None and not any(end is None for _, _, end in rows):
        rows.append((unit.officer_id, None, None))
    return rows


@dataclass
class Line:
    """One appointment on the roster page, with what the person produced in it."""

    appointment: Appointment
    output: rules.Output | None
    on_leave: bool = False
    trainings: list[TrainingSession] = field(default_factory=list)
    points: Decimal | None = None


@dataclass(frozen=True)
class UnitRoster:
    unit: Unit
    current: list[Line]
    history: list[Line]
    leaves: list[Leave]
    # The unit's points no person answers for: a joint item's share while the unit had no
    # officer, a missed emergency report (nobody wrote it). None: the ledger is not asked.
    unattributed: list[rules.Credit] | None = None

    @property
    def unattributed_points(self) -> Decimal:
        return sum((c.points for c in self.unattributed or ()), Decimal(0))


def unit_roster(unit: Unit, now: datetime) -> UnitRoster:
    rows = list(
        Appointment.objects.filter(unit=unit)
        .select_related("person")
        .order_by("post", "-ended_at", "-started_at", "-pk")
    )
    if unit.officer is not None and not any(
        a.post == Post.MAIN and a.ended_at is None for a in rows
    ):
        # Named outside the roster (before it was kept): shown as held since before it.
        rows.append(Appointment(unit=unit, person=unit.officer, post=Post.MAIN))
    people = sorted({a.person_id for a in rows})
    away = away_on(timezone.localdate(now), people)
    trained: dict[int, list[TrainingSession]] = {}
    for session in TrainingSession.objects.filter(attendees__in=people).prefetch_related(
        "attendees"
    ):
        for person in session.attendees.all():
            if person.pk in people and session not in trained.setdefault(person.pk, []):
                trained[person.pk].append(session)

    written = _output_source(unit.pk) if _output_source is not None else None
    credits = _points_source(unit) if _points_source is not None else None

    def line(a: Appointment) -> Line:
        period = rules.Period(a.person_id, a.post == Post.MAIN, a.started_at, a.ended_at)
        return Line(
            a,
            rules.output_of(written, period) if written is not None else None,
            a.person_id in away,
            trained.get(a.person_id, []),
            rules.credited(credits, period) if credits is not None else None,
        )

    order = {Post.MAIN: 0, Post.A: 1, Post.B: 2}
    current = sorted(
        (line(a) for a in rows if a.ended_at is None), key=lambda x: order[Post(x.appointment.post)]
    )
    history = sorted(
        (line(a) for a in rows if a.ended_at is not None),
        key=lambda x: x.appointment.ended_at or now,
        reverse=True,
    )
    leaves = list(
        Leave.objects.filter(person_id__in=people, cancelled=False)
        .select_related("person")
        .order_by("-first_day")[:50]
    )
    unattributed = [c for c in credits if c.person_id is None] if credits is not None else None
    return UnitRoster(unit, current, history, leaves, unattributed)


def unit_people(unit: Unit) -> list[User]:
    """Who may be put in one of the unit's posts: its active people."""
    return list(User.objects.filter(unit=unit, is_active=True).order_by("full_name", "pk"))


def roster_people() -> list[User]:
    """Everyone who holds or held a post: who may be listed as a training's attendee."""
    return list(
        User.objects.filter(
            Q(appointments__isnull=False)
            | Q(pk__in=Unit.objects.filter(officer__isnull=False).values("officer_id"))
        )
        .filter(is_active=True)
        .distinct()
        .order_by("unit__sort_order", "full_name", "pk")
    )
