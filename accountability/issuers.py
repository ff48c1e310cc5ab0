"""Who issues the two kinds of criticism notice an instance holds, by name.

A notice is either this office's own (本级通报, `Issuer.OWN`: the hub unit issues and numbers
it) or one received from the level above (上级通报, `Issuer.UPPER`: recorded with its own
number). The stored values stay "city" and "province", as the system was first built for a
city's office; what they mean is relative to the instance, so a province's office reads its own
notices as 本级 and the centre's as 上级. Texts that name the issuer read the names here at
render time (被中共江城市委办公室通报2次), and fall back to 本级/上级 before the directory holds
the office."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from org.models import hub_unit, upper_office


@dataclass(frozen=True)
class IssuerNames:
    own: str  # the hub office's name, e.g. 中共江城市委办公室
    upper: str  # the office above it, e.g. 中共江南省委办公厅


def issuer_names() -> IssuerNames:
    hub = hub_unit()
    upper = upper_office()
    return IssuerNames(
        own=hub.name if hub is not None else _("the office at this level"),
        upper=upper.name if upper is not None else _("the office above"),
    )
