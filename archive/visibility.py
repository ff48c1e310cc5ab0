"""Who may find which document: the apps' own visibility rules, as tokens.

Each document carries grant tokens that say which kinds of reader may see it; a reader holds
the grants their role, unit and reading lists give them; a document is found only when the two
meet. The tokens restate, and are tested against, the rules of the source apps:

- routine items: `submissions.rules.can_view` (twin of `submissions.queries.visible_items`);
- incidents and their reports: `emergencies.access` — reports are seen with their incident;
- bulletin entries: `bulletins.queries.visible_issues` — the section sees every issue, readers
  the published issues of the publications they may read;
- criticism notices: `accountability.access.can_see_notice` (twin of `visible_notices`) — the
  section sees every notice, a unit's people the issued ones sent to every unit or naming it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from org.models import User
from org.roles import Capability

# Document side -------------------------------------------------------------------------------

GRANT = "g"  # every grant token begins so
ITEM_OWN = "gia"  # + unit: the unit's officers see every item of their unit, drafts too
ITEM_UNIT = "gin"  # + unit: a unit's people see its (and its joint) items once out of draft
ITEM_SUBMITTED = "gis"  # every item that has left its unit: the section, the duty office
ITEM_ADOPTED = "gid"  # adopted items: leaders
EMERGENCY_ALL = "gea"
EMERGENCY_UNIT = "ger"  # + unit: incidents a unit answers for, with their reports
BULLETIN_ALL = "gbc"  # every issue in every state: the section compiles them
BULLETIN_PUBLISHED = "gbp"  # + publication: a published issue's readers
NOTICE_ALL = "gnc"  # drafts included: the section
NOTICE_EVERY_UNIT = "gnall"  # issued and sent to all units
NOTICE_UNIT = "gnu"  # + unit: issued and naming the unit
EVERYTHING = "xall"  # on every document: the operator's view (command line only)


@dataclass(frozen=True)
class Grants:
    """What a reader may see, as index tokens. Empty: nothing."""

    tokens: frozenset[str]
    operator: bool = False

    @property
    def none(self) -> bool:
        return not self.tokens

    @classmethod
    def everything(cls) -> "Grants":
        """The operator's view of the command line: every document."""
        return cls(frozenset({EVERYTHING}), operator=True)


def _notice_unit_role(user: User) -> bool:
    # The same rule as `accountability.access.visible_notices`.
    return user.unit_id is not None and user.can(Capability.ANSWER_VIOLATIONS)


def grants_for(user: User) -> Grants:
    if not user.is_active:
        return Grants(frozenset())
    tokens: set[str] = set()
    unit = user.unit_id
    if unit is not None:
        if user.can(Capability.WRITE_ITEMS):
            tokens |= {f"{ITEM_OWN}{unit}", f"{ITEM_UNIT}{unit}"}
        if user.can(Capability.SIGN_OFF):
            tokens.add(f"{ITEM_UNIT}{unit}")
        if user.can(Capability.REPORT_EMERGENCIES) or user.can(Capability.SIGN_OFF):
            tokens.add(f"{EMERGENCY_UNIT}{unit}")
    if user.can(Capability.READ_SUBMITTED):
        tokens.add(ITEM_SUBMITTED)
    if user.can(Capability.READ_ADOPTED):
        tokens.add(ITEM_ADOPTED)
    if user.can(Capability.WATCH_EMERGENCIES):
        tokens.add(EMERGENCY_ALL)
    if user.can(Capability.READ_VIOLATIONS):
        tokens.add(NOTICE_ALL)
    if user.can(Capability.REVIEW):
        tokens.add(BULLETIN_ALL)
    else:
        from bulletins.queries import readable_publications

        pubs = readable_publications(user).values_list("pk", flat=True)
        tokens |= {f"{BULLETIN_PUBLISHED}{p}" for p in pubs}
    if _notice_unit_role(user):
        tokens |= {NOTICE_EVERY_UNIT, f"{NOTICE_UNIT}{unit}"}
    return Grants(frozenset(tokens))


def can_search(user: User) -> bool:
    """The search page and its menu entry; what it finds is `grants_for`'s business."""
    return user.can(Capability.SEARCH_ARCHIVE)


# Document side helpers -----------------------------------------------------------------------


def item_grants(
    unit_id: int, joint_ids: Iterable[int], state: str, submitted: bool, adopted: bool
) -> list[str]:
    tokens = [f"{ITEM_OWN}{unit_id}"]
    if state != "draft":
        tokens += [f"{ITEM_UNIT}{u}" for u in sorted({unit_id, *joint_ids})]
    if submitted:
        tokens.append(ITEM_SUBMITTED)
    if adopted:
        tokens.append(ITEM_ADOPTED)
    return tokens


def emergency_grants(responsible: Iterable[int]) -> list[str]:
    return [EMERGENCY_ALL] + [f"{EMERGENCY_UNIT}{u}" for u in sorted(set(responsible))]


def entry_grants(published: bool, publication_id: int) -> list[str]:
    return [BULLETIN_ALL] + ([f"{BULLETIN_PUBLISHED}{publication_id}"] if published else [])


def notice_grants(issued: bool, to_all: bool, units: Iterable[int]) -> list[str]:
    tokens = [NOTICE_ALL]
    if issued:
        if to_all:
            tokens.append(NOTICE_EVERY_UNIT)
        tokens += [f"{NOTICE_UNIT}{u}" for u in sorted(set(units))]
    return tokens
