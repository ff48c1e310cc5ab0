"""Who sees which incident: the section, the duty office and leaders see all; a unit's officer
and head see the incidents their unit answers for. `visible_incidents` is the SQL twin."""

from collections.abc import Set

from django.db.models import QuerySet
from django.http import Http404

from emergencies.models import Incident
from org.models import User
from org.roles import Capability, has_capability


def can_view(role: str, unit_id: int | None, responsible: Set[int]) -> bool:
    if has_capability(role, Capability.WATCH_EMERGENCIES):
        return True
    unit_role = has_capability(role, Capability.REPORT_EMERGENCIES) or has_capability(
        role, Capability.SIGN_OFF
    )
    return unit_role and unit_id is not None and unit_id in responsible


def visible_incidents(user: User) -> QuerySet[Incident]:
    if not user.is_active:
        return Incident.objects.none()
    if user.can(Capability.WATCH_EMERGENCIES):
        return Incident.objects.all()
    if user.unit_id is not None and (
        user.can(Capability.REPORT_EMERGENCIES) or user.can(Capability.SIGN_OFF)
    ):
        return Incident.objects.filter(
            pk__in=Incident.responsible_units.through.objects.filter(unit_id=user.unit_id).values(
                "incident_id"
            )
        )
    return Incident.objects.none()


def get_visible_incident(user: User, pk: int) -> Incident:
    try:
        return visible_incidents(user).select_related("category_code").get(pk=pk)
    except Incident.DoesNotExist:
        raise Http404 from None


def any_access(user: User) -> bool:
    return user.can(Capability.WATCH_EMERGENCIES) or (
        user.unit_id is not None
        and (user.can(Capability.REPORT_EMERGENCIES) or user.can(Capability.SIGN_OFF))
    )


def may_open_incident(user: User) -> bool:
    """The section and the duty office take a unit's first report by phone; a unit's officer
    writes its own."""
    return user.can(Capability.LOG_CALLS) or (
        user.can(Capability.REPORT_EMERGENCIES) and user.unit_id is not None
    )


def may_log_sightings(user: User) -> bool:
    return user.can(Capability.LOG_CALLS)


def may_handle_candidates(user: User) -> bool:
    return user.can(Capability.HANDLE_INCIDENTS)
