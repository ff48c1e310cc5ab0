"""The office's own name: one piece of data, the hub unit's name in the unit directory.

A bulletin's 编印单位 and a criticism notice's 发文机关 both print it, so the two never read
differently (江城市委办公室 on one, 中共江城市委办公室 on the other). The system administrator
edits it with the unit (`/admin/`), audited like every change there."""

from org.models import UnitLevel, hub_unit


def office_name() -> str:
    """The municipal office's full name, e.g. 中共江城市委办公室; blank before the directory
    has its city-level Party office."""
    hub = hub_unit()
    return hub.name if hub is not None else ""


def office_level() -> str:
    """The level of the office this instance belongs to (org.models.UnitLevel): a city's, a
    province's; a city's before the directory has its office, as the system was first built."""
    hub = hub_unit()
    return hub.level if hub is not None else UnitLevel.CITY
