"""Read-side helpers. `visible_items` is the SQL form of `rules.can_view`."""

from django.db.models import Q, QuerySet
from django.http import Http404

from org.models import User
from org.roles import Capability
from submissions.models import InfoItem, ItemState
from submissions.rules import Actor, ItemFacts


def actor_of(user: User) -> Actor:
    return Actor(role=user.role, unit_id=user.unit_id, active=user.is_active)


def facts_of(item: InfoItem) -> ItemFacts:
    return ItemFacts(
        state=item.state,
        unit_id=item.unit_id,
        joint_unit_ids=frozenset(u.pk for u in item.joint_units.all()),
        ever_submitted=item.submitted_at is not None,
    )


def visibility_filter(user: User) -> Q:
    if not user.is_active:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if user.unit_id is not None:
        if user.can(Capability.WRITE_ITEMS):
            q |= Q(unit_id=user.unit_id)
        if user.can(Capability.SIGN_OFF):
            q |= Q(unit_id=user.unit_id) & ~Q(state=ItemState.DRAFT)
        if user.can(Capability.WRITE_ITEMS) or user.can(Capability.SIGN_OFF):
            q |= Q(joint_units=user.unit_id) & ~Q(state=ItemState.DRAFT)
    if user.can(Capability.READ_SUBMITTED):
        q |= Q(submitted_at__isnull=False)
    if user.can(Capability.READ_ADOPTED):
        q |= Q(state=ItemState.ADOPTED)
    return q


def visible_items(user: User) -> QuerySet[InfoItem]:
    qs = InfoItem.objects.filter(visibility_filter(user))
    if user.unit_id is not None:
        # The joint_units join can repeat a row; only unit members can match through it.
        qs = qs.distinct()
    return qs


def get_visible_item(user: User, pk: int) -> InfoItem:
    """The item if the user may see it; 404 otherwise, so ids cannot be probed."""
    try:
        return (
            visible_items(user)
            .select_related("unit", "author", "reviewer")
            .prefetch_related("joint_units", "tags")
            .get(pk=pk)
        )
    except InfoItem.DoesNotExist:
        raise Http404 from None
