"""The morning view (态势): the one screen a city leader opens at seven on a phone — open
incidents with their next deadline, yesterday's adoptions and today's bulletin, rising terms and
new typical cases, units behind on what they owe, and the leader's own instructions awaiting
feedback.

Read side only, and no rule of its own about who reads what: every section is cut from the
owning app's visibility function (`visible_incidents`, `visible_items`, `published_for`,
`instructions_of_leader`), so the screen shows a person exactly what the pages it links to show
them. Each section issues a fixed number of queries, whatever the number of lines."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletins.models import Adoption, FollowUpTask, Instruction, Issue, IssueEntry, TaskStatus
from bulletins.queries import published_for
from bulletins.queries_editorial import instructions_of_leader
from deadlines.models import ExpectedReport, ExpectStatus
from duty import access as duty_access
from duty import queries as duty_queries
from duty import rules as duty_rules
from emergencies import queries as emergency_queries
from emergencies.access import may_handle_candidates, visible_incidents
from emergencies.models import CandidateStatus, Incident, IncidentStatus, ViolationCandidate
from insight import queries as insight_queries
from insight import rules
from insight import trends as insight_trends
from insight.models import InsightPolicy
from org.models import Unit, User
from org.roles import Capability
from submissions.models import InfoItem
from submissions.queries import visible_items

# How far back a typical case counts as new, and how many lines each section shows at most.
NEW_TYPICAL_DAYS = 7
TERMS_SHOWN = 8
LINES_SHOWN = 20


def day_word(day: date, today: date) -> str:
    """今日 / 昨日 / 明日 for the days next to `today`, else the month and day (never the year)."""
    if day == today:
        return _("today")
    if day == today - timedelta(days=1):
        return _("yesterday")
    if day == today + timedelta(days=1):
        return _("tomorrow")
    return _("%(month)s-%(day)s") % {"month": f"{day.month:02d}", "day": f"{day.day:02d}"}


def moment_words(moment: datetime, today: date) -> str:
    """'今日 15:00' and the like, in Asia/Shanghai time."""
    local = timezone.localtime(moment)
    return f"{day_word(local.date(), today)} {local:%H:%M}"


@dataclass
class IncidentLine:
    incident: Incident
    units: list[Unit]
    next_due: datetime | None
    next_what: str  # the report owed next (续报二)
    next_unit: Unit | None
    urgency: str  # overdue, soon, ok, none (emergencies.queries.urgency)
    due_words: str


@dataclass
class AdoptedLine:
    item: InfoItem
    publications: list[str]


@dataclass
class OverdueLine:
    unit: Unit
    what: str
    incident: Incident | None  # None: a zero report
    due_words: str
    candidate: bool = False  # a late/missed candidate awaiting the section's decision
    url: str = ""  # a zero report's line: the duty grid, for those who may open it


@dataclass
class InstructionLine:
    instruction: Instruction
    open_tasks: list[FollowUpTask]
    overdue: int


@dataclass
class Morning:
    now: datetime
    today: date
    yesterday: date
    incidents: list[IncidentLine] = field(default_factory=list)
    adopted: list[AdoptedLine] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    issues_today: bool = False  # False: the latest issue is shown, none came out today
    terms: list[insight_trends.Sign] = field(default_factory=list)
    trend_week: str = ""
    typical: list[InfoItem] = field(default_factory=list)
    overdue: list[OverdueLine] = field(default_factory=list)
    overdue_units: int = 0
    candidates_shown: bool = False
    instructions: list[InstructionLine] = field(default_factory=list)
    instructions_shown: bool = False


def open_incidents(user: User, now: datetime, today: date) -> list[IncidentLine]:
    """Open incidents the user may see, the one whose next report falls due first at the top;
    those owing nothing after them, newest first."""
    rows = emergency_queries.board_rows(visible_incidents(user).filter(status=IncidentStatus.OPEN))
    lines = []
    for incident in rows:
        owed: list[ExpectedReport] = incident.open_rows  # type: ignore[attr-defined]
        first = owed[0] if owed else None
        lines.append(
            IncidentLine(
                incident=incident,
                units=list(incident.responsible_units.all()),
                next_due=first.due_at if first else None,
                next_what=first.what if first else "",
                next_unit=first.unit if first else None,
                urgency=emergency_queries.urgency(first.due_at if first else None, now),
                due_words=moment_words(first.due_at, today) if first else "",
            )
        )
    never = datetime.max.replace(tzinfo=now.tzinfo)
    lines.sort(key=lambda line: (line.next_due or never, -line.incident.clock_start.timestamp()))
    return lines


def adopted_on(user: User, day: date) -> list[AdoptedLine]:
    """Items adopted on `day` by any publication, among those the user may read."""
    adoptions = (
        Adoption.objects.filter(adopted_on=day, item__in=visible_items(user).values("pk"))
        .select_related("item", "item__unit", "publication")
        .order_by("item_id", "pk")
    )
    by_item: dict[int, AdoptedLine] = {}
    for adoption in adoptions:
        line = by_item.setdefault(adoption.item_id, AdoptedLine(adoption.item, []))
        if adoption.publication.name not in line.publications:
            line.publications.append(adoption.publication.name)
    return sorted(by_item.values(), key=lambda line: line.item.title)


def bulletin(user: User, today: date) -> tuple[list[Issue], bool]:
    """Today's published issues the user may read, with their entries; else the latest one."""
    entries = Prefetch("entries", IssueEntry.objects.order_by("position", "pk"))
    published = published_for(user).prefetch_related(entries)
    todays = list(published.filter(issue_date=today))
    if todays:
        return todays, True
    latest = published.first()
    return ([latest] if latest is not None else []), False


def rising_terms(user: User, yesterday: date) -> tuple[list[insight_trends.Sign], str]:
    """The early signs of the week yesterday fell in (so a Monday morning reads last week's),
    by the office's trend policy, among the items the user may read."""
    monday = rules.week_monday(yesterday)
    found = insight_trends.weekly_trends(user, monday, InsightPolicy.current())
    return (found.terms + found.topics)[:TERMS_SHOWN], insight_trends.week_label(monday)


def new_typical(user: User, now: datetime) -> list[InfoItem]:
    since = now - timedelta(days=NEW_TYPICAL_DAYS)
    return list(insight_queries.typical_cases(user, since=since)[:LINES_SHOWN])


def overdue(user: User, now: datetime, today: date) -> tuple[list[OverdueLine], bool]:
    """Reports units owe on incidents the user may see and have not sent by their deadline,
    the longest overdue first; for those who decide on them (the section), the late and
    missed candidates still awaiting a decision too."""
    incidents = visible_incidents(user)
    rows = list(
        ExpectedReport.objects.filter(
            status=ExpectStatus.OPEN, due_at__lte=now, incident__in=incidents.values("pk")
        )
        .select_related("unit")
        .order_by("due_at", "pk")[: LINES_SHOWN * 2]
    )
    show_candidates = may_handle_candidates(user)
    candidates: list[ViolationCandidate] = []
    if show_candidates:
        candidates = list(
            ViolationCandidate.objects.filter(
                status=CandidateStatus.OPEN, incident__in=incidents.values("pk")
            )
            .select_related("unit", "expected", "incident")
            .order_by("created_at", "pk")[:LINES_SHOWN]
        )
    titles = Incident.objects.in_bulk({r.subject_id for r in rows})
    lines = [
        OverdueLine(r.unit, r.what, titles[r.subject_id], moment_words(r.due_at, today))
        for r in rows
        if r.subject_id in titles
    ]
    for c in candidates:
        assert c.incident is not None  # the filter above
        lines.append(
            OverdueLine(
                c.unit,
                c.get_kind_display(),
                c.incident,
                moment_words(c.expected.due_at, today),
                True,
            )
        )
    return lines + zero_overdue(user, now, today), show_candidates


def zero_overdue(user: User, now: datetime, today: date) -> list[OverdueLine]:
    """Today's zero reports missed or filed late (duty.queries.grid); linked to the duty grid
    for those who keep duty, shown without a link to the others."""
    day = duty_queries.grid(today, now)
    if day.period is None or day.due is None:
        return []
    url = reverse("duty:zero") if duty_access.keeps_duty(user) else ""
    lines = []
    for row in day.rows:
        if row.standing == duty_rules.Standing.MISSED:
            when = _("was due %(when)s") % {"when": moment_words(day.due, today)}
        elif row.standing == duty_rules.Standing.LATE and row.report is not None:
            when = _("filed late, %(when)s") % {"when": moment_words(row.report.filed_at, today)}
        else:
            continue
        lines.append(
            OverdueLine(row.unit, f"{_('Zero report')} · {day.period.name}", None, when, url=url)
        )
    return lines


def waiting_instructions(user: User, now: datetime) -> list[InstructionLine]:
    """The user's own instructions with feedback still owed, the oldest first."""
    open_tasks = Prefetch(
        "tasks",
        FollowUpTask.objects.filter(status=TaskStatus.OPEN)
        .select_related("unit")
        .order_by("due_at", "unit__sort_order", "pk"),
        to_attr="open_tasks",
    )
    instructions = (
        instructions_of_leader(user)
        .filter(pk__in=FollowUpTask.objects.filter(status=TaskStatus.OPEN).values("instruction"))
        .prefetch_related(open_tasks)
        .order_by("instructed_on", "pk")
    )
    lines = []
    for instruction in instructions[:LINES_SHOWN]:
        tasks: list[FollowUpTask] = instruction.open_tasks
        lines.append(InstructionLine(instruction, tasks, sum(t.due_at < now for t in tasks)))
    return lines


def morning(user: User) -> Morning:
    now = timezone.now()
    today = timezone.localdate(now)
    view = Morning(now=now, today=today, yesterday=today - timedelta(days=1))
    if user.can(Capability.WATCH_EMERGENCIES):
        view.incidents = open_incidents(user, now, today)
        view.overdue, view.candidates_shown = overdue(user, now, today)
        view.overdue_units = len({line.unit.pk for line in view.overdue})
    view.adopted = adopted_on(user, view.yesterday)
    view.issues, view.issues_today = bulletin(user, today)
    if user.can(Capability.READ_ANALYSIS):
        view.terms, view.trend_week = rising_terms(user, view.yesterday)
        view.typical = new_typical(user, now)
    if user.can(Capability.WRITE_INSTRUCTIONS):
        view.instructions_shown = True
        view.instructions = waiting_instructions(user, now)
    return view


def grouped_overdue(lines: list[OverdueLine]) -> list[tuple[Unit, list[OverdueLine]]]:
    """The overdue lines by unit, the unit with the oldest debt first."""
    groups: dict[int, list[OverdueLine]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for line in lines:
        groups[line.unit.pk].append(line)
        units[line.unit.pk] = line.unit
    return [(units[pk], groups[pk]) for pk in groups]


def context(view: Morning) -> dict[str, Any]:
    return {"m": view, "overdue_by_unit": grouped_overdue(view.overdue)}
