"""Every write of the editorial loop — bulletins, instructions, solicitations — goes through
here, one transaction per call, each leaving an audit record."""

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_change
from bulletins.actions_adoption import UpperIssue as UpperIssue
from bulletins.actions_adoption import do_adopt as do_adopt
from bulletins.actions_adoption import do_forward_item as do_forward_item
from bulletins.deadline_kinds import EditorialKind, editorial_rule
from bulletins.models import (
    EditorialPolicy,
    FollowUpTask,
    Instruction,
    Issue,
    IssueCounter,
    IssueEntry,
    IssueReturn,
    IssueState,
    IssueTotal,
    Publication,
    ReadReceipt,
    Solicitation,
    TaskStatus,
    own_level,
)
from bulletins.signals import instruction_recorded
from deadlines import actions as deadlines
from emergencies import rules as deadline_rules
from notify.actions import Message, dispatch
from notify.models import Severity
from org.actions_secrecy import check_secrecy
from org.duty import working_days_due
from org.models import Unit, User
from org.roles import DEFAULT_READERS, UNIT_STAFF, Capability, roles_with
from submissions import actions as submissions
from submissions.models import InfoItem, ItemState
from submissions.queries import visible_items
from xinbao.core.counters import take_next
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers
from xinbao.core.once import AlreadySaved as AlreadySaved  # re-exported for views
from xinbao.core.once import create_once

COMPILABLE = (ItemState.SUBMITTED, ItemState.UNDER_REVIEW, ItemState.ADOPTED)


def _need(actor: User, capability: Capability) -> None:
    if not actor.can(capability):
        raise ActionError(_("Your role cannot do this."))


def _lock_issue(issue_id: int) -> Issue:
    return Issue.objects.select_for_update().select_related("publication").get(pk=issue_id)


def _move(issue: Issue, old: str, new: str, **changes: object) -> None:
    done = Issue.objects.filter(pk=issue.pk, state=old).update(state=new, **changes)
    if not done:
        raise ActionError(_("Someone else changed this issue just now. Please reload the page."))
    issue.state = new
    for name, value in changes.items():
        setattr(issue, name, value)


def _entry_target(entry: IssueEntry) -> str:
    return f"issue:{entry.issue_id} item:{entry.item_id}"


def credit_for(item: InfoItem) -> str:
    names = [item.unit.display_name, *(u.display_name for u in item.joint_units.all())]
    return "、".join(names)


# --- compiling an issue ----------------------------------------------------------------------


def do_create_issue(actor: User, publication: Publication, issue_date: date) -> Issue:
    _need(actor, Capability.REVIEW)
    if not publication.compiled_here or not publication.is_active:
        raise ActionError(_("This publication is not compiled in xinbao."))
    # The publication's 密级 (《每日要情》: 内部), refused with the rule above the ceiling.
    secrecy = check_secrecy(publication.default_secrecy)
    with transaction.atomic():
        issue = Issue.objects.create(
            publication=publication,
            year=issue_date.year,
            issue_date=issue_date,
            compiled_by=actor,
            secrecy=secrecy,
        )
        record(actor, "issue_created", f"issue:{issue.pk}", {"publication": publication.code})
    return issue


def do_add_entries(actor: User, issue_id: int, item_ids: Sequence[int]) -> int:
    """Put items into a draft issue, each with a copy of its current text to edit."""
    _need(actor, Capability.REVIEW)
    with transaction.atomic():
        issue = _lock_issue(issue_id)
        if issue.state != IssueState.DRAFT:
            raise ActionError(_("Only an issue being compiled can take items."))
        items = list(
            visible_items(actor)
            .filter(pk__in=item_ids, state__in=COMPILABLE)
            .exclude(adoptions__publication=issue.publication)
            .exclude(issue_entries__issue=issue)
            .select_related("unit")
            .prefetch_related("joint_units")
            # In the picker's order (`queries.candidates`): the newest submitted first. Not
            # the items' own default order (the last updated first), which an edit reorders.
            .order_by("-submitted_at", "-pk")
        )
        if len(items) != len(set(item_ids)):
            raise ActionError(
                _(
                    "Some items cannot go into this issue: already in it, already adopted by it, "
                    "or not in the section's hands."
                )
            )
        last = issue.entries.aggregate(m=Max("position"))["m"] or 0
        IssueEntry.objects.bulk_create(
            IssueEntry(
                issue=issue,
                item=item,
                position=last + n,
                title=item.title,
                body=item.body,
                credit=credit_for(item),
            )
            for n, item in enumerate(items, start=1)
        )
        Issue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())
        record(
            actor,
            "issue_entries_added",
            f"issue:{issue.pk}",
            {"items": sorted(item.pk for item in items)},
        )
    return len(items)


def do_edit_entry(actor: User, entry_id: int, title: str, body: str, credit: str) -> IssueEntry:
    """Edit the text as it will appear in the bulletin; the item's own text stays as it was."""
    _need(actor, Capability.REVIEW)
    title, body, credit = title.strip(), submissions.normalise_body(body), credit.strip()
    if not title or not body or not credit:
        raise ActionError(_("Title, text and source units are all required."))
    with transaction.atomic():
        issue = _lock_issue(IssueEntry.objects.values_list("issue_id", flat=True).get(pk=entry_id))
        if issue.state != IssueState.DRAFT:
            raise ActionError(_("The issue is no longer being compiled."))
        # Read under the issue's lock: the before of the audit row is what this edit replaced.
        entry = IssueEntry.objects.get(pk=entry_id)
        after = {"title": title, "body": body, "credit": credit}
        changed = sorted(k for k, v in after.items() if getattr(entry, k) != v)
        if changed:
            for name, value in after.items():
                setattr(entry, name, value)
            entry.save()
            # The bulletin's text stays out of the log: which fields the editor changed.
            record(actor, "issue_entry_edited", _entry_target(entry), {"fields": changed})
    return entry


def do_move_entry(actor: User, entry_id: int, step: int) -> None:
    _need(actor, Capability.REVIEW)
    with transaction.atomic():
        entry = IssueEntry.objects.get(pk=entry_id)
        issue = _lock_issue(entry.issue_id)
        if issue.state != IssueState.DRAFT:
            raise ActionError(_("The issue is no longer being compiled."))
        entries = list(issue.entries.order_by("position", "pk"))
        index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
        target = index + step
        if not 0 <= target < len(entries):
            return
        entries[index], entries[target] = entries[target], entries[index]
        for position, e in enumerate(entries, start=1):
            e.position = position
        IssueEntry.objects.bulk_update(entries, ["position"])
        record(
            actor,
            "issue_entry_moved",
            _entry_target(entry),
            {"before": index + 1, "after": target + 1},
        )


def do_remove_entry(actor: User, entry_id: int) -> None:
    _need(actor, Capability.REVIEW)
    with transaction.atomic():
        entry = IssueEntry.objects.get(pk=entry_id)
        issue = _lock_issue(entry.issue_id)
        if issue.state != IssueState.DRAFT:
            raise ActionError(_("The issue is no longer being compiled."))
        record(actor, "issue_entry_removed", _entry_target(entry), {"position": entry.position})
        entry.delete()


def do_submit_issue(actor: User, issue_id: int) -> Issue:
    _need(actor, Capability.REVIEW)
    with transaction.atomic():
        issue = _lock_issue(issue_id)
        if not issue.entries.exists():
            raise ActionError(_("An issue needs at least one item."))
        _move(issue, IssueState.DRAFT, IssueState.AWAITING_SIGNOFF)
        chiefs = User.objects.filter(
            role__in=roles_with(Capability.SIGN_OFF_BULLETINS), is_active=True
        )
        dispatch(
            Message(
                title=_("[Sign off] %(pub)s, issue of %(date)s")
                % {"pub": issue.publication.name, "date": issue.issue_date.isoformat()},
                body=_("%(who)s compiled it and asks for your sign-off.") % {"who": actor},
                url=f"/bulletins/issues/{issue.pk}/",
                severity=Severity.WARNING,
                key=f"issue:{issue.pk}:signoff:{timezone.now().timestamp():.0f}",
            ),
            chiefs,
        )
        record(actor, "issue_submitted", f"issue:{issue.pk}")
    return issue


def do_return_issue(actor: User, issue_id: int, reason: str) -> Issue:
    _need(actor, Capability.SIGN_OFF_BULLETINS)
    if not reason.strip():
        raise ActionError(_("Please give a reason."))
    with transaction.atomic():
        issue = _lock_issue(issue_id)
        # A signed-off issue can still go back, e.g. when one of its items turned out unusable.
        if issue.state not in (IssueState.AWAITING_SIGNOFF, IssueState.SIGNED_OFF):
            raise ActionError(_("Only an issue awaiting or past sign-off can be returned."))
        old = issue.state
        _move(issue, old, IssueState.DRAFT, signed_off_by=None, signed_off_at=None)
        returned = IssueReturn.objects.create(
            issue=issue, returned_at=timezone.now(), returned_by=actor, reason=reason.strip()
        )
        record(
            actor,
            "issue_returned",
            f"issue:{issue.pk}",
            {"from": old, "to": issue.state, "return": returned.pk},
        )
    return issue


def do_sign_off_issue(actor: User, issue_id: int) -> Issue:
    """The section chief signs the issue off; it can then be published."""
    _need(actor, Capability.SIGN_OFF_BULLETINS)
    with transaction.atomic():
        issue = _lock_issue(issue_id)
        _move(
            issue,
            IssueState.AWAITING_SIGNOFF,
            IssueState.SIGNED_OFF,
            signed_off_by=actor,
            signed_off_at=timezone.now(),
        )
        record(actor, "issue_signed_off", f"issue:{issue.pk}")
    return issue


def next_number(publication: Publication, year: int) -> int:
    """Take the next number of the publication's year. Called inside the publishing
    transaction, so two editors publishing at once get consecutive numbers."""
    return take_next(IssueCounter, "last_number", publication=publication, year=year)


def next_total(publication: Publication) -> int:
    """Take the next running number (总第X期) of the publication's whole run, in the same
    publishing transaction as `next_number`."""
    return take_next(IssueTotal, "last_total", publication=publication)


def readers_of(publication: Publication) -> list[User]:
    readers = list(publication.readers.filter(is_active=True))
    if not readers:
        readers = list(User.objects.filter(role__in=DEFAULT_READERS, is_active=True))
    return readers


def do_publish(actor: User, issue_id: int) -> Issue:
    """Number the issue, record every entry's adoption, and tell its readers."""
    _need(actor, Capability.REVIEW)
    with transaction.atomic():
        issue = _lock_issue(issue_id)
        if issue.state != IssueState.SIGNED_OFF:
            raise ActionError(_("Only an issue the chief has signed off can be published."))
        number = next_number(issue.publication, issue.year)
        total = next_total(issue.publication)
        _move(
            issue,
            IssueState.SIGNED_OFF,
            IssueState.PUBLISHED,
            number=number,
            total_number=total,
            published_by=actor,
            published_at=timezone.now(),
        )
        for entry in issue.entries.select_related("item"):
            try:
                do_adopt(
                    actor,
                    entry.item_id,
                    issue.publication,
                    issue.issue_date,
                    note=issue.label,
                    issue=issue,
                )
            except ActionError as exc:
                raise ActionError(f"{entry.title}: {exc}") from None
        dispatch(
            Message(
                title=_("%(pub)s %(label)s is out")
                % {"pub": issue.publication.name, "label": issue.label},
                body="\n".join(e.title for e in issue.entries.all()),
                url=f"/bulletins/issues/{issue.pk}/",
                severity=Severity.INFO,
                key=f"issue:{issue.pk}:published",
            ),
            readers_of(issue.publication),
        )
        record(
            actor,
            "issue_published",
            f"issue:{issue.pk}",
            {
                "publication": issue.publication.code,
                "year": issue.year,
                "number": number,
                "total": total,
            },
        )
    return issue


def do_mark_read(reader: User, issue: Issue) -> None:
    if issue.state == IssueState.PUBLISHED:
        ReadReceipt.objects.get_or_create(issue=issue, reader=reader)


# --- leader instructions ---------------------------------------------------------------------


def do_record_instruction(
    actor: User,
    item_id: int,
    text: str,
    instructed_on: date,
    level: str = "",
    leader_name: str = "",
    entry_id: int | None = None,
    now: datetime | None = None,
    token: UUID | None = None,
) -> Instruction:
    """A leader writes an instruction in xinbao, or an editor records one received on paper.
    Every source unit of the item owes feedback by the policy's deadline. A leader writing here
    is one of this office's, at its own level; `level` blank: the same."""
    now = now or timezone.now()
    is_leader = actor.can(Capability.WRITE_INSTRUCTIONS)
    if not is_leader:
        _need(actor, Capability.REVIEW)
    if not text.strip():
        raise ActionError(_("The instruction text is required."))
    if instructed_on > timezone.localdate(now):
        raise ActionError(_("The date cannot be in the future."))

    own = own_level()

    def write() -> Instruction:
        with transaction.atomic():
            item = (
                InfoItem.objects.select_related("unit")
                .prefetch_related("joint_units")
                .get(pk=item_id)
            )
            if item.submitted_at is None:
                raise ActionError(
                    _("Only information that reached the office can be instructed on.")
                )
            instruction = Instruction.objects.create(
                item=item,
                entry_id=entry_id,
                leader=actor if is_leader else None,
                leader_name=actor.full_name if is_leader else leader_name.strip(),
                level=own if is_leader or not level else level,
                text=text.strip(),
                instructed_on=instructed_on,
                recorded_by=actor,
                form_token=token,
            )
            if not instruction.leader_name:
                raise ActionError(_("Name the leader who gave the instruction."))
            due = working_days_due(instructed_on, EditorialPolicy.current().feedback_days)
            units = [item.unit, *item.joint_units.all()]
            for unit in units:
                task = FollowUpTask.objects.create(instruction=instruction, unit=unit, due_at=due)
                deadlines.expect(
                    kind=EditorialKind.FEEDBACK,
                    unit=unit,
                    subject=task,
                    window_start=now,
                    due_at=due,
                    cadence=editorial_rule(due - now),
                    now=now,
                )
            people = User.objects.filter(unit__in=units, role__in=UNIT_STAFF, is_active=True)
            dispatch(
                Message(
                    title=_("[Instruction] %(leader)s on “%(title)s”")
                    % {"leader": instruction.leader_name, "title": item.title},
                    body=instruction.text
                    + "\n"
                    + _("Feedback due by %(due)s.")
                    % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                    url="/bulletins/instructions/",
                    severity=Severity.WARNING,
                    key=f"instruction:{instruction.pk}",
                ),
                people,
            )
            record(actor, "instruction_recorded", f"item:{item.pk}", {"level": instruction.level})
            instruction_recorded.send(sender=Instruction, instruction=instruction)
        return instruction

    return create_once(Instruction, "recorded_by", actor.pk, token, write)


def do_file_feedback(
    actor: User, task_id: int, feedback: str, now: datetime | None = None
) -> FollowUpTask:
    now = now or timezone.now()
    if not feedback.strip():
        raise ActionError(_("The feedback text is required."))
    with transaction.atomic():
        task = FollowUpTask.objects.select_for_update().get(pk=task_id)
        if actor.unit_id != task.unit_id or not actor.can(Capability.ANSWER_FOR_UNIT):
            raise ActionError(_("Only the unit that owes the feedback files it."))
        done = FollowUpTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
            status=TaskStatus.ANSWERED, feedback=feedback.strip(), filed_by=actor, filed_at=now
        )
        if not done:
            raise ActionError(_("Feedback was already filed."))
        task.refresh_from_db()
        deadlines.meet_open(task, task.unit_id, now)
        record(actor, "feedback_filed", f"task:{task.pk}", {"late": task.late})
    return task


# --- solicitations ---------------------------------------------------------------------------


def do_issue_solicitation(
    actor: User,
    topic: str,
    requirements: str,
    due_at: datetime,
    units: Sequence[Unit],
    now: datetime | None = None,
    token: UUID | None = None,
) -> Solicitation:
    now = now or timezone.now()
    _need(actor, Capability.REVIEW)
    if not topic.strip() or not requirements.strip():
        raise ActionError(_("Topic and requirements are required."))
    if not units:
        raise ActionError(_("Choose the units asked."))
    if due_at <= now:
        raise ActionError(_("The deadline must be in the future."))

    def write() -> Solicitation:
        with transaction.atomic():
            solicitation = Solicitation.objects.create(
                topic=topic.strip(),
                requirements=requirements.strip(),
                due_at=due_at,
                issued_by=actor,
                form_token=token,
            )
            solicitation.units.set(units)
            rule = editorial_rule(due_at - now)
            for unit in units:
                deadlines.expect(
                    kind=EditorialKind.SOLICITED,
                    unit=unit,
                    subject=solicitation,
                    window_start=now,
                    due_at=due_at,
                    cadence=rule,
                    now=now,
                )
            dispatch(
                Message(
                    title=_("[Solicitation] %(topic)s") % {"topic": solicitation.topic},
                    body=solicitation.requirements[:300]
                    + "\n"
                    + _("Due by %(due)s.")
                    % {"due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")},
                    url=f"/bulletins/solicitations/{solicitation.pk}/",
                    severity=Severity.WARNING,
                    key=f"solicitation:{solicitation.pk}",
                ),
                User.objects.filter(
                    unit__in=units, role__in=roles_with(Capability.WRITE_ITEMS), is_active=True
                ),
            )
            record(
                actor,
                "solicitation_issued",
                f"solicitation:{solicitation.pk}",
                {"units": len(units)},
            )
        return solicitation

    return create_once(Solicitation, "issued_by", actor.pk, token, write)


def answer_received(sender: object, item: InfoItem, at: datetime, **_: object) -> None:
    """`submissions.signals.item_signed_off`: an item that answers a solicitation has left its
    unit, so the unit's answer is in. Runs inside the sign-off transaction."""
    if item.solicitation_id is None:
        return
    solicitation = Solicitation.objects.filter(pk=item.solicitation_id).first()
    if solicitation is not None:
        deadlines.meet_open(solicitation, item.unit_id, at)


# --- editorial policy ------------------------------------------------------------------------


def do_set_editorial_policy(
    actor: User, feedback_days: int, reminder_fractions: str, solicitation_days: int | None = None
) -> EditorialPolicy:
    """The section chief sets the feedback window (working days), the solicitation window
    offered by default (working days) and the reminder fractions. The windows apply to
    instructions and solicitations from now on; the fractions to every open editorial deadline
    from its next step (the engine reads the policy as it is)."""
    _need(actor, Capability.EDIT_EDITORIAL_POLICY)
    try:
        fractions = deadline_rules.parse_fractions(reminder_fractions)
    except ValueError:
        raise ActionError(_("Fractions are numbers between 0 and 1, e.g. 0.5,0.9.")) from None
    if solicitation_days is None:
        solicitation_days = EditorialPolicy.current().solicitation_days
    if feedback_days < 1 or solicitation_days < 1:
        raise ActionError(_("Feedback needs at least one day."))
    after = {
        "feedback_days": feedback_days,
        "solicitation_days": solicitation_days,
        "reminder_fractions": ",".join(f"{f:g}" for f in fractions),
    }
    with transaction.atomic():
        policy = EditorialPolicy.locked()
        save_change(actor, "editorial_policy_changed", policy, after, "editorial_policy")
    return policy
