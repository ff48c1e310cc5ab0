"""The demo's items, as read from `data/items.toml`, and how each one's history is played:
through `submissions.actions`, each step as the persona who does it in real life, then dated
back into the working hours of the last weeks."""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django.utils import timezone

from bulletins.actions import UpperIssue, do_adopt, do_forward_item
from bulletins.models import Adoption, AdoptionLevel, Publication
from notify.models import Notification
from org.models import Unit, User, upper_office
from org.roles import Role
from submissions.actions import (
    ItemContent,
    do_create_item,
    do_edit,
    do_revise,
    do_transition,
    do_verify,
)
from submissions.models import InfoItem, ItemEvent, ItemKind, ItemRevision, Verification
from submissions.rules import Action
from xinbao.demo import read_data
from xinbao.demo.clock import DemoClock
from xinbao.demo.directory import PUBLICATIONS, DemoPublication

# --- Item histories ---------------------------------------------------------------------------
# An item's history is a list of steps, each played as the persona who does it in real life (the
# unit's officer or head, or the item's editor), some working hours after the previous step.


@dataclass(frozen=True, kw_only=True)
class Step:
    GAP: ClassVar[float] = 2.0
    after: float | None = None  # working hours since the previous step; None: GAP

    @property
    def gap(self) -> float:
        return self.GAP if self.after is None else self.after


@dataclass(frozen=True)
class Submit(Step):
    GAP: ClassVar[float] = 0.5


@dataclass(frozen=True)
class Withdraw(Step):
    GAP: ClassVar[float] = 1.0


@dataclass(frozen=True)
class SignOff(Step):
    GAP: ClassVar[float] = 3.0


@dataclass(frozen=True)
class Refuse(Step):
    GAP: ClassVar[float] = 4.0
    reason: str


@dataclass(frozen=True)
class Revise(Step):
    GAP: ClassVar[float] = 20.0
    body: tuple[str, ...]


@dataclass(frozen=True)
class Review(Step):
    GAP: ClassVar[float] = 18.0


@dataclass(frozen=True)
class Edit(Step):
    GAP: ClassVar[float] = 1.0
    comment: str
    title: str = ""
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verify(Step):
    note: str


@dataclass(frozen=True)
class Dispute(Step):
    note: str


@dataclass(frozen=True)
class Adopt(Step):
    GAP: ClassVar[float] = 3.0
    publication: str


@dataclass(frozen=True)
class Forward(Step):
    """The section sends the item up to the provincial office (上报)."""

    GAP: ClassVar[float] = 1.0


@dataclass(frozen=True)
class Return(Step):
    reason: str


@dataclass(frozen=True)
class File(Step):
    comment: str = ""


SENT: tuple[Step, ...] = (Submit(), SignOff())
IN_REVIEW: tuple[Step, ...] = (*SENT, Review())


@dataclass(frozen=True)
class DemoItem:
    unit: str
    kind: str
    working_days_ago: int  # when the officer wrote it: working days before the office last opened
    title: str
    body: tuple[str, ...]  # paragraphs
    tags: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    joint: tuple[str, ...] = ()
    occurred: int | None = None  # days between the event and the writing; None: no date
    editor: str = ""  # default reviewer; empty: bianji1 and bianji2 in turn
    author: str = ""  # who wrote it (a username of the unit); empty: the unit's officer


# --- Reading the data file --------------------------------------------------------------------

# A step without arguments is named by a string; the others by a table whose first key names
# them (see the head of data/items.toml).
_PLAIN: dict[str, tuple[Step, ...]] = {
    "submit": (Submit(),),
    "withdraw": (Withdraw(),),
    "sign_off": (SignOff(),),
    "review": (Review(),),
    "forward": (Forward(),),
    "sent": SENT,
    "in_review": IN_REVIEW,
}


def _step(entry: str | dict[str, Any], item: dict[str, Any]) -> tuple[Step, ...]:
    if isinstance(entry, str):
        return _PLAIN[entry]
    entry = dict(entry)
    after = entry.pop("after", None)
    (name, value), *rest = entry.items()
    extra = dict(rest)
    step: Step
    match name:
        case "submit" | "withdraw" | "sign_off" | "review" | "forward":
            (plain,) = _PLAIN[name]
            step = type(plain)(after=after)
        case "refuse":
            step = Refuse(value, after=after)
        case "revise":
            step = Revise(tuple(item[value]), after=after)
        case "edit":
            body = tuple(item[extra["body"]]) if "body" in extra else ()
            step = Edit(value, title=extra.get("title", ""), body=body, after=after)
        case "verify":
            step = Verify(value, after=after)
        case "dispute":
            step = Dispute(value, after=after)
        case "adopt":
            step = Adopt(value, after=after)
        case "return":
            step = Return(value, after=after)
        case "file":
            step = File("" if value is True else value, after=after)
        case _:
            raise ValueError(f"unknown step {name!r} in “{item['title']}”")
    return (step,)


def _item(entry: dict[str, Any]) -> DemoItem:
    return DemoItem(
        unit=entry["unit"],
        kind=ItemKind(entry["kind"]),
        working_days_ago=entry["working_days_ago"],
        title=entry["title"],
        body=tuple(entry["body"]),
        tags=tuple(entry.get("tags", ())),
        steps=tuple(step for e in entry.get("steps", ()) for step in _step(e, entry)),
        joint=tuple(entry.get("joint", ())),
        occurred=entry.get("occurred"),
        editor=entry.get("editor", ""),
        author=entry.get("author", ""),
    )


ITEMS: tuple[DemoItem, ...] = tuple(_item(entry) for entry in read_data("items")["item"])


# --- Playing a history ------------------------------------------------------------------------

_PUBLICATION_SPECS = {p.code: p for p in PUBLICATIONS}


def issue_note(spec: DemoPublication, on: date) -> str:
    """A plausible issue number for the adoption note, e.g. “2026年第231期”."""
    number = on.timetuple().tm_yday * spec.issues_per_week // 7 + 1
    return f"{on.year}年第{number}期"


def plan_times(spec: DemoItem, seed: int, clock: DemoClock) -> list[datetime]:
    """When the item was written and when each of its steps happened, oldest first.

    The item is written `spec.working_days_ago` working days (the official calendar's) before
    the last day the office was open; everything falls in office hours and before the demo's
    `now`: an item whose history would run past the last office hour is started a working day
    earlier, until it fits. Counting the office's days, not the calendar's, keeps the same
    spread of recent items after a weekend or a holiday as in mid-week.
    """
    ceiling = clock.last_open_moment(clock.now - timedelta(minutes=5))
    day = clock.calendar.working_days_before(timezone.localdate(ceiling), spec.working_days_ago)
    while True:
        rng = random.Random(seed)
        times = [clock.moment(day, time(9, 0)) + timedelta(minutes=rng.randint(0, 240))]
        for step in spec.steps:
            gap = timedelta(hours=step.gap, minutes=rng.randint(3, 40))
            times.append(clock.in_office_hours(times[-1] + gap, rng))
        if times[-1] <= ceiling:
            return times
        day = clock.calendar.working_days_before(day, 1)


class ItemLoader:
    """Plays each item's history through `submissions.actions`, then dates it."""

    def __init__(
        self,
        units: dict[str, Unit],
        users: dict[str, User],
        publications: dict[str, Publication],
        clock: DemoClock,
    ) -> None:
        self.units = units
        self.users = users
        self.publications = publications
        self.clock = clock
        self.started = clock.now  # the actions stamp rows with the clock: not before this
        self.heads = {u.unit_id: u for u in users.values() if u.role == Role.UNIT_HEAD}

    def load(self, spec: DemoItem, seed: int) -> InfoItem:
        unit = self.units[spec.unit]
        officer = self.users[spec.author] if spec.author else unit.officer
        if officer is None:
            raise ValueError(f"{spec.unit} has no officer to write “{spec.title}”")
        editor = self.users[spec.editor or ("bianji1" if seed % 2 else "bianji2")]
        times = plan_times(spec, seed, self.clock)
        occurred_on = None
        if spec.occurred is not None:
            occurred_on = timezone.localdate(times[0]) - timedelta(days=spec.occurred)
        item = do_create_item(officer, self._content(spec, spec.body, occurred_on))
        self._date(item, times[0])
        submitted_at: datetime | None = None
        for step, at in zip(spec.steps, times[1:], strict=True):
            self._apply(spec, step, item, officer, editor, at, occurred_on)
            self._date(item, at)
            if isinstance(step, SignOff) and submitted_at is None:
                submitted_at = at
        InfoItem.objects.filter(pk=item.pk).update(
            created_at=times[0], updated_at=times[-1], submitted_at=submitted_at
        )
        return item

    def _content(
        self, spec: DemoItem, body: Iterable[str], occurred_on: date | None
    ) -> ItemContent:
        return ItemContent(
            title=spec.title,
            body="\n".join(body),
            kind=spec.kind,
            tags=spec.tags,
            joint_units=[self.units[code] for code in spec.joint],
            occurred_on=occurred_on,
        )

    def _apply(
        self,
        spec: DemoItem,
        step: Step,
        item: InfoItem,
        officer: User,
        editor: User,
        at: datetime,
        occurred_on: date | None,
    ) -> None:
        head = self.heads[item.unit_id]
        pk = item.pk
        match step:
            case Submit():
                do_transition(officer, pk, Action.SUBMIT)
            case Withdraw():
                do_transition(officer, pk, Action.WITHDRAW)
            case SignOff():
                do_transition(head, pk, Action.SIGN_OFF)
            case Refuse(reason=reason):
                do_transition(head, pk, Action.REFUSE, reason)
            case Revise(body=body):
                do_revise(officer, pk, self._content(spec, body, occurred_on))
            case Review():
                do_transition(editor, pk, Action.START_REVIEW)
            case Edit(comment=comment, title=title, body=body):
                current = InfoItem.objects.get(pk=pk)
                new_body = "\n".join(body) if body else current.body
                do_edit(editor, pk, title or current.title, new_body, comment)
            case Verify(note=note):
                do_verify(editor, pk, Verification.VERIFIED, note)
            case Dispute(note=note):
                do_verify(editor, pk, Verification.DISPUTED, note)
            case Forward():
                province = upper_office()
                if province is None:
                    raise ValueError(f"“{spec.title}” is forwarded, but there is no province")
                do_forward_item(editor, pk, province)
                InfoItem.objects.filter(pk=pk).update(forwarded_at=at)
            case Adopt(publication=code):
                on = timezone.localdate(at)
                publication = self.publications[code]
                number = issue_note(_PUBLICATION_SPECS[code], on)
                if publication.level == AdoptionLevel.CITY:
                    do_adopt(editor, pk, publication, on, number)
                else:
                    # The upper publication's issue, as the office registers it.
                    do_adopt(editor, pk, publication, on, upper=UpperIssue(number, on))
            case Return(reason=reason):
                do_transition(editor, pk, Action.RETURN, reason)
            case File(comment=comment):
                do_transition(editor, pk, Action.FILE, comment)
            case _:
                raise TypeError(f"unknown step {step!r}")

    def _date(self, item: InfoItem, at: datetime) -> None:
        """Move what the last step wrote (stamped with the real clock) to its planned time."""
        ItemEvent.objects.filter(item=item, at__gte=self.started).update(at=at)
        ItemRevision.objects.filter(item=item, created_at__gte=self.started).update(created_at=at)
        Adoption.objects.filter(item=item, recorded_at__gte=self.started).update(recorded_at=at)


def date_item_notices(now: datetime) -> int:
    """What an item's steps told people (`submissions.announce`, keyed by the step's event) is
    dated with the step, once every loader has moved its steps back to their planned times; a
    notice more than a day old has been read. Returns how many notices were dated."""
    notices = list(Notification.objects.filter(key__startswith="item:").only("key", "read_at"))
    event_ids = {n.pk: int(n.key.rsplit(":", 1)[1]) for n in notices if ":event:" in n.key}
    at = dict(ItemEvent.objects.filter(pk__in=set(event_ids.values())).values_list("pk", "at"))
    dated = []
    for notice in notices:
        when = at.get(event_ids.get(notice.pk, 0))
        if when is None:
            continue
        notice.created_at = when
        if notice.read_at is None and when < now - timedelta(days=1):
            notice.read_at = when
        dated.append(notice)
    Notification.objects.bulk_update(dated, ["created_at", "read_at"], batch_size=500)
    return len(dated)
