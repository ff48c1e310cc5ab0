"""Who may do what to an item, in which state. Pure functions over plain data.

This module is the single source of truth for the item lifecycle and item permissions; the
views, the query filters (`submissions.queries`) and the tests all ask it.
"""

from collections.abc import Set
from dataclasses import dataclass, field
from enum import StrEnum

from org.roles import Capability, has_capability
from submissions.models import ItemState as S


class Action(StrEnum):
    REVISE = "revise"  # the unit edits its own text
    SUBMIT = "submit"  # officer sends the item to the unit head
    WITHDRAW = "withdraw"  # officer takes it back before sign-off
    SIGN_OFF = "sign_off"  # unit head approves; the item leaves the unit
    REFUSE = "refuse"  # unit head sends it back to the officer
    START_REVIEW = "start_review"  # an editor takes the item
    EDIT = "edit"  # an editor edits (a new revision; the original is kept)
    VERIFY = "verify"  # 去伪存真: verified or disputed, with a note
    ADOPT = "adopt"  # used by a publication
    RETURN = "return"  # back to the unit with a reason
    FILE = "file"  # kept in the archive without adoption
    ATTACH = "attach"  # add an attachment


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    capability: Capability
    own_unit: bool  # the actor must belong to the item's (lead) unit
    needs_comment: bool = False


_IN_SECTION = frozenset({S.SUBMITTED, S.UNDER_REVIEW})

TRANSITIONS: dict[Action, Transition] = {
    Action.REVISE: Transition(
        frozenset({S.DRAFT, S.RETURNED}), None, Capability.WRITE_ITEMS, own_unit=True
    ),
    Action.SUBMIT: Transition(
        frozenset({S.DRAFT, S.RETURNED}), S.AWAITING_SIGNOFF, Capability.WRITE_ITEMS, True
    ),
    Action.WITHDRAW: Transition(
        frozenset({S.AWAITING_SIGNOFF}), S.DRAFT, Capability.WRITE_ITEMS, True
    ),
    Action.ATTACH: Transition(
        frozenset({S.DRAFT, S.RETURNED}), None, Capability.WRITE_ITEMS, own_unit=True
    ),
    Action.SIGN_OFF: Transition(
        frozenset({S.AWAITING_SIGNOFF}), S.SUBMITTED, Capability.SIGN_OFF, True
    ),
    Action.REFUSE: Transition(
        frozenset({S.AWAITING_SIGNOFF}), S.RETURNED, Capability.SIGN_OFF, True, needs_comment=True
    ),
    Action.START_REVIEW: Transition(
        frozenset({S.SUBMITTED}), S.UNDER_REVIEW, Capability.REVIEW, own_unit=False
    ),
    Action.EDIT: Transition(_IN_SECTION, S.UNDER_REVIEW, Capability.REVIEW, own_unit=False),
    Action.VERIFY: Transition(
        _IN_SECTION | {S.ADOPTED, S.FILED}, None, Capability.REVIEW, own_unit=False
    ),
    # An adopted item can be adopted again by another publication (e.g. the province).
    Action.ADOPT: Transition(
        _IN_SECTION | {S.ADOPTED}, S.ADOPTED, Capability.REVIEW, own_unit=False
    ),
    Action.RETURN: Transition(
        _IN_SECTION, S.RETURNED, Capability.REVIEW, own_unit=False, needs_comment=True
    ),
    Action.FILE: Transition(_IN_SECTION, S.FILED, Capability.REVIEW, own_unit=False),
}


@dataclass(frozen=True)
class Actor:
    role: str
    unit_id: int | None
    active: bool = True


@dataclass(frozen=True)
class ItemFacts:
    state: str
    unit_id: int
    joint_unit_ids: Set[int] = field(default_factory=frozenset)
    ever_submitted: bool = False


def can_view(actor: Actor, item: ItemFacts) -> bool:
    """The visibility rule. `submissions.queries.visible_items` is its SQL twin."""
    if not actor.active:
        return False
    if actor.unit_id is not None and actor.unit_id == item.unit_id:
        if has_capability(actor.role, Capability.WRITE_ITEMS):
            return True  # the unit's officers see all its items, drafts included
        if has_capability(actor.role, Capability.SIGN_OFF):
            return item.state != S.DRAFT
    unit_role = has_capability(actor.role, Capability.WRITE_ITEMS) or has_capability(
        actor.role, Capability.SIGN_OFF
    )
    if unit_role and actor.unit_id is not None and actor.unit_id in item.joint_unit_ids:
        return item.state != S.DRAFT
    if has_capability(actor.role, Capability.READ_SUBMITTED):
        return item.ever_submitted
    if has_capability(actor.role, Capability.READ_ADOPTED):
        return item.state == S.ADOPTED
    return False


def allowed(actor: Actor, item: ItemFacts, action: Action) -> bool:
    if not can_view(actor, item):
        return False
    rule = TRANSITIONS[action]
    if item.state not in rule.sources:
        return False
    if not has_capability(actor.role, rule.capability):
        return False
    return not (rule.own_unit and actor.unit_id != item.unit_id)


def allowed_actions(actor: Actor, item: ItemFacts) -> list[Action]:
    return [action for action in Action if allowed(actor, item, action)]


def next_state(current: str, action: Action) -> str:
    target = TRANSITIONS[action].target
    return current if target is None else target
