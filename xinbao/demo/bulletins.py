"""The demo city's bulletins: the last working day's 《每日要情》, published, signed off and
partly read, and the next edition (today's, or the next working day's when today is not one)
being compiled — all through bulletins.actions, then dated back.

The numbering continues the paper series the demo adoptions quote (“2026年第N期”): a city
that starts using xinbao in November does not start its year's numbers again at 1."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bulletins import actions
from bulletins.models import (
    Adoption,
    Instruction,
    Issue,
    IssueCounter,
    IssueEntry,
    IssueTotal,
    Publication,
    ReadReceipt,
    Solicitation,
)
from org.models import Unit, User
from org.roles import Role
from submissions.actions import ItemContent, do_create_item, do_transition
from submissions.models import Attachment, InfoItem, ItemEvent, ItemKind, ItemRevision, ItemState
from submissions.rules import Action
from xinbao.demo import read_data
from xinbao.demo.clock import DemoClock

# The issues 《每日要情》 printed in the years before this one, on paper: 总第X期 runs on from them.
EARLIER_YEARS_ISSUES = 1268


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _open_items(publication: Publication) -> list[InfoItem]:
    """Items in the section's hands that the publication has not used: verified ones first."""
    return list(
        InfoItem.objects.filter(state__in=[ItemState.SUBMITTED, ItemState.UNDER_REVIEW])
        .exclude(adoptions__publication=publication)
        .order_by("-verification", "submitted_at", "pk")
    )


def load_bulletins(
    users: dict[str, User], publications: dict[str, Publication], now: datetime
) -> str:
    editor, chief, leader = users["bianji1"], users["kezhang"], users["lingdao"]
    daily = publications["mryq"]
    daily.readers.set([leader, users["mishuzhang"]])
    clock = DemoClock.at(now)
    items = _open_items(daily)
    if not items:
        raise ValueError("The demo's bulletins need items in the section's hands.")
    # The edition being compiled is today's on a working day, else the next working day's. The
    # last one published is the latest working day's before it whose 07:00 compilation had
    # items to take — items whose whole history so far came before it (an adoption recorded
    # at 07:50 must not precede the item's review): after a weekend or a holiday the freshest
    # items may all have come in on the last working day itself.
    calendar = clock.calendar
    compiling_for = calendar.working_day_on_or_after(clock.today)
    published_on = calendar.working_days_before(compiling_for, 1)
    while min(i.updated_at for i in items) >= _at(published_on, 7, 0):
        published_on = calendar.working_days_before(published_on, 1)
    # The paper series so far: the same count the demo adoption notes use.
    number = published_on.timetuple().tm_yday * 5 // 7 + 1
    IssueCounter.objects.update_or_create(
        publication=daily, year=published_on.year, defaults={"last_number": number - 1}
    )
    # 总第X期 runs on from the series' earlier years.
    IssueTotal.objects.update_or_create(
        publication=daily, defaults={"last_total": EARLIER_YEARS_ISSUES + number - 1}
    )

    compiled_at = _at(published_on, 7, 0)
    published_items = [i for i in items if i.updated_at < compiled_at][:3]
    draft_items = [i for i in items if i not in published_items][:2]

    # The last issue: compiled from 07:00, signed off 07:40, published 07:50.
    issue = actions.do_create_issue(editor, daily, published_on)
    actions.do_add_entries(editor, issue.pk, [i.pk for i in published_items])
    first = IssueEntry.objects.filter(issue=issue).order_by("position").first()
    if first is not None:
        actions.do_edit_entry(
            editor,
            first.pk,
            first.title,
            first.body.split("\n")[0] if "\n" in first.body else first.body,
            first.credit,
        )
    actions.do_submit_issue(editor, issue.pk)
    actions.do_sign_off_issue(chief, issue.pk)
    issue = actions.do_publish(editor, issue.pk)
    Issue.objects.filter(pk=issue.pk).update(
        created_at=_at(published_on, 7, 0),
        signed_off_at=_at(published_on, 7, 40),
        published_at=_at(published_on, 7, 50),
        updated_at=_at(published_on, 7, 50),
    )
    item_ids = [i.pk for i in published_items]
    Adoption.objects.filter(issue=issue).update(recorded_at=_at(published_on, 7, 50))
    ItemEvent.objects.filter(item_id__in=item_ids, at__gte=now).update(at=_at(published_on, 7, 50))
    InfoItem.objects.filter(pk__in=item_ids).update(updated_at=_at(published_on, 7, 50))
    actions.do_mark_read(leader, issue)
    ReadReceipt.objects.filter(issue=issue).update(read_at=_at(published_on, 8, 12))

    # The next edition, being compiled: two items in, not yet sent to the chief.
    draft = actions.do_create_issue(editor, daily, compiling_for)
    actions.do_add_entries(editor, draft.pk, [i.pk for i in draft_items])

    # Forwarded as their histories played (the "forward" step of data/items.toml).
    forwarded = InfoItem.objects.filter(forwarded_at__isnull=False).count()
    instructed = _instruct(leader, issue, published_on, now)
    answers = _solicit(editor, clock)
    return (
        f"《{daily.name}》 no. {number} published with {len(published_items)} items, "
        f"a draft with {len(draft_items)}, {forwarded} items forwarded upward, "
        f"{instructed} instruction, a solicitation with {answers} answers"
    )


# --- The section's follow-up work: an instruction owed feedback, an open call for information ---


@dataclass(frozen=True)
class Answer:
    unit: str
    title: str
    body: tuple[str, ...]
    tags: tuple[str, ...]
    attachment: tuple[str, tuple[tuple[str, ...], ...]] | None = None  # .docx name, table rows


@dataclass(frozen=True)
class DemoSolicitation:
    topic: str
    requirements: str
    units: tuple[str, ...]
    answers: tuple[Answer, ...]


def _answer_of(entry: dict[str, Any]) -> Answer:
    attachment = entry.get("attachment")
    return Answer(
        unit=entry["unit"],
        title=entry["title"],
        body=tuple(entry["body"]),
        tags=tuple(entry["tags"]),
        attachment=(
            None
            if attachment is None
            else (attachment["name"], tuple(tuple(row) for row in attachment["rows"]))
        ),
    )


_DATA = read_data("bulletins")
INSTRUCTION: str = _DATA["instruction"]
SOLICITATION = DemoSolicitation(
    topic=_DATA["solicitation"]["topic"],
    requirements=_DATA["solicitation"]["requirements"],
    units=tuple(_DATA["solicitation"]["units"]),
    answers=tuple(_answer_of(entry) for entry in _DATA["solicitation"]["answer"]),
)


def _instruct(leader: User, issue: Issue, on: date, now: datetime) -> int:
    """The leader who read the last issue instructs on its lead item: each of the item's units
    owes feedback (a follow-up task, still open)."""
    entry = IssueEntry.objects.filter(issue=issue).order_by("position").first()
    if entry is None or entry.item_id is None:
        return 0
    at = min(_at(on, 9, 30), now)
    instruction = actions.do_record_instruction(
        leader, entry.item_id, INSTRUCTION, on, entry_id=entry.pk, now=at
    )
    Instruction.objects.filter(pk=instruction.pk).update(recorded_at=at)
    return 1


def _table_docx(rows: tuple[tuple[str, ...], ...], title: str) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, row in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _solicit(editor: User, clock: DemoClock) -> int:
    """The section asked four units for information three working days ago; two have answered
    (one with a table attached), two still owe it before the deadline next week."""
    spec = SOLICITATION
    calendar = clock.calendar
    last_working_day = calendar.working_day_on_or_before(clock.today)
    issued_on = calendar.working_days_before(last_working_day, 3)
    issued_at = _at(issued_on, 10, 0)
    due_at = _at(calendar.working_day_on_or_after(clock.today + timedelta(days=5)), 17, 30)
    units = list(Unit.objects.filter(code__in=spec.units).order_by("sort_order"))
    solicitation = actions.do_issue_solicitation(
        editor, spec.topic, spec.requirements, due_at, units, now=issued_at
    )
    Solicitation.objects.filter(pk=solicitation.pk).update(issued_at=issued_at)
    answered_on = calendar.working_days_before(last_working_day, 1)
    for hour, answer in enumerate(spec.answers, start=10):
        _answer(solicitation, answer, _at(answered_on, hour, 20))
    return len(spec.answers)


def _answer(solicitation: Solicitation, spec: Answer, at: datetime) -> InfoItem:
    unit = Unit.objects.select_related("officer").get(code=spec.unit)
    officer = unit.officer
    head = User.objects.get(unit=unit, role=Role.UNIT_HEAD)
    if officer is None:
        raise ValueError(f"{spec.unit} has no officer to answer “{solicitation.topic}”")
    files = []
    if spec.attachment is not None:
        name, rows = spec.attachment
        files.append(SimpleUploadedFile(name, _table_docx(rows, name.rsplit(".", 1)[0])))
    started = timezone.now()
    item = do_create_item(
        officer,
        ItemContent(
            title=spec.title,
            body="\n".join(spec.body),
            kind=ItemKind.EXPERIENCE,
            tags=spec.tags,
            solicitation_id=solicitation.pk,
        ),
        files=files,
        submit=True,
    )
    do_transition(head, item.pk, Action.SIGN_OFF)
    # Dated back: written, sent and signed off on the answering day.
    InfoItem.objects.filter(pk=item.pk).update(created_at=at, updated_at=at, submitted_at=at)
    ItemEvent.objects.filter(item=item, at__gte=started).update(at=at)
    ItemRevision.objects.filter(item=item, created_at__gte=started).update(created_at=at)
    Attachment.objects.filter(item=item).update(uploaded_at=at)
    return item
