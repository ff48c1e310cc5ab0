"""Adoptions (采用) and forwarding upward (上报): the writes that decide what an item earns.

`bulletins.rules.adoption_refusal` says which adoption may be recorded; every adoption — by hand
on the item's page, or from publishing an issue compiled here — is checked by it here, under the
item's lock, so no screen and no script records one the rule refuses."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.actions import record
from bulletins import rules
from bulletins.models import Adoption, Issue, IssueState, Publication, own_level
from bulletins.signals import adoption_recorded, item_forwarded
from org.models import Unit, User
from org.roles import Capability
from submissions import actions as submissions
from submissions.models import InfoItem
from submissions.rules import Action as ItemAction
from xinbao.core.errors import ActionError

REFUSALS: dict[rules.AdoptionRefusal, Promise] = {
    rules.AdoptionRefusal.NOT_FORWARDED: gettext_lazy(
        "A provincial or central publication can only adopt an item the section forwarded "
        "upward: forward it first."
    ),
    rules.AdoptionRefusal.BEFORE_FORWARDED: gettext_lazy(
        "The adoption or its issue is dated before the item was forwarded upward."
    ),
    rules.AdoptionRefusal.NO_UPPER_ISSUE: gettext_lazy(
        "A provincial or central adoption needs the number and the date of the issue that "
        "used the item."
    ),
    rules.AdoptionRefusal.UPPER_ISSUE_ON_CITY: gettext_lazy(
        "The issue number and date are only for a provincial or central publication."
    ),
    rules.AdoptionRefusal.IN_FUTURE: gettext_lazy("An adoption cannot be dated in the future."),
    rules.AdoptionRefusal.IN_PENDING_ISSUE: gettext_lazy(
        "An issue of this publication being compiled holds the item: its adoption is recorded "
        "when that issue is published."
    ),
}


@dataclass(frozen=True)
class UpperIssue:
    """The issue of a provincial or central publication that used an item."""

    number: str
    on: date


def forwarded_on(item: InfoItem) -> date | None:
    """The local date the item was sent upward, or None."""
    return timezone.localdate(item.forwarded_at) if item.forwarded_at is not None else None


def in_pending_issue(item_id: int, publication: Publication) -> bool:
    """Whether an unpublished issue of `publication` holds the item."""
    return (
        Issue.objects.filter(publication=publication, entries__item_id=item_id)
        .exclude(state=IssueState.PUBLISHED)
        .exists()
    )


def refusal_for(
    item: InfoItem,
    publication: Publication,
    adopted_on: date,
    upper_number: str = "",
    upper_on: date | None = None,
    issue: Issue | None = None,
) -> rules.AdoptionRefusal | None:
    """The rule's answer for this item and this adoption (the form asks it too)."""
    return rules.adoption_refusal(
        rules.AdoptionRequest(
            level=publication.level,
            adopted_on=adopted_on,
            today=timezone.localdate(),
            forwarded_on=forwarded_on(item),
            upper_issue_number=upper_number,
            upper_issue_date=upper_on,
            by_hand=issue is None,
            in_pending_issue=issue is None and in_pending_issue(item.pk, publication),
            own_level=own_level(),
        )
    )


def do_adopt(
    actor: User,
    item_id: int,
    publication: Publication,
    adopted_on: date,
    note: str = "",
    issue: Issue | None = None,
    upper: UpperIssue | None = None,
) -> Adoption:
    """Record that `publication` used the item (采用): by hand (a provincial or central one with
    `upper`, its issue), or from `do_publish` for an issue compiled here. The item becomes
    adopted in the same transaction; the points ledger counts the row at its next rebuild."""
    with transaction.atomic():
        item = submissions.lock_for(actor, item_id, ItemAction.ADOPT)
        if item.duplicate_of_id is not None:
            # Its unit is credited through the main record; adopting it too would count twice.
            raise ActionError(
                _("This item is merged into #%(pk)s as a duplicate: adopt that item instead.")
                % {"pk": item.duplicate_of_id}
            )
        if not publication.is_active and issue is None:
            raise ActionError(_("This publication is no longer active."))
        if Adoption.objects.filter(item=item, publication=publication).exists():
            raise ActionError(
                _("This item is already recorded as adopted by %(pub)s.") % {"pub": publication}
            )
        refusal = refusal_for(
            item,
            publication,
            adopted_on,
            upper.number if upper else "",
            upper.on if upper else None,
            issue,
        )
        if refusal is not None:
            raise ActionError(str(REFUSALS[refusal]))
        note = note.strip()
        number = upper.number.strip() if upper else ""
        said = " — ".join(x for x in (publication.name, number, note) if x)
        submissions.mark_adopted(actor, item, said)
        adoption = Adoption.objects.create(
            item=item,
            publication=publication,
            level=publication.level,
            adopted_on=adopted_on,
            recorded_by=actor,
            note=note,
            issue=issue,
            upper_issue_number=number,
            upper_issue_date=upper.on if upper else None,
        )
        record(
            actor,
            "adoption_recorded",
            f"item:{item.pk}",
            {
                "adoption": adoption.pk,
                "publication": publication.code,
                "level": publication.level,
                "issue": issue.pk if issue is not None else None,
                "upper_issue": adoption.upper_issue_label or None,
            },
        )
        adoption_recorded.send(sender=Adoption, adoption=adoption)
    return adoption


@dataclass(frozen=True)
class Forwarded:
    item: InfoItem
    # Sent to the upper office's own system (a federation link took it, in the same
    # transaction), not only marked: its adoption and instructions there come back by themselves.
    travels: bool


def do_forward_item(actor: User, item_id: int, to_unit: Unit) -> Forwarded:
    """Mark an item as sent up to the provincial (or central) office (上报), once. With a link
    to the upper office's own system, the item travels there too (federation, in this
    transaction)."""
    if not actor.can(Capability.REVIEW):
        raise ActionError(_("Your role cannot do this."))
    with transaction.atomic():
        item = InfoItem.objects.select_for_update().get(pk=item_id)
        if item.submitted_at is None:
            raise ActionError(_("Only an item that reached the section can be forwarded."))
        if item.forwarded_at is not None:
            raise ActionError(
                _("This item was already forwarded upward on %(day)s.")
                % {"day": timezone.localtime(item.forwarded_at).strftime("%Y-%m-%d %H:%M")}
            )
        now = timezone.now()
        InfoItem.objects.filter(pk=item.pk).update(forwarded_at=now, forwarded_to=to_unit)
        item.refresh_from_db()
        record(actor, "item_forwarded", f"item:{item.pk}", {"to": to_unit.code})
        answers = item_forwarded.send(sender=InfoItem, item=item, now=now)
    return Forwarded(item, any(bool(answer) for _receiver, answer in answers))
