from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accountability import access as accountability_access
from archive.visibility import can_search
from bulletins.queries import reads_bulletins
from bulletins.queries_editorial import instruction_seat, solicitation_seat
from duty import access as duty_access
from duty import queries as duty_queries
from emergencies.access import any_access
from federation.access import sees_federation
from notify.queries import inbox_label
from org.models import User
from org.roles import Capability


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    key: str


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees: each entry shows exactly when the page's own guard lets the user
    in — the capability table (`org/roles.py`) and the owning app's access rule, nothing else."""
    user = request.user
    if not isinstance(user, User):
        return {"nav_links": []}
    links = [NavLink(_("Home"), reverse("home"), "home")]
    if user.can(Capability.READ_SITUATION):
        links.append(NavLink(_("Morning view"), reverse("insight:morning"), "morning"))
    links.append(NavLink(inbox_label(user), reverse("notify:inbox"), "inbox"))
    if user.can(Capability.WRITE_ITEMS):
        links.append(NavLink(_("Our items"), reverse("submissions:list"), "items"))
        links.append(NavLink(_("Write an item"), reverse("submissions:create"), "new"))
    if user.can(Capability.SIGN_OFF):
        links.append(NavLink(_("Sign-off"), reverse("submissions:list"), "items"))
    if user.can(Capability.READ_SUBMITTED):
        links.append(NavLink(_("Review queue"), reverse("submissions:list"), "items"))
    if user.can(Capability.READ_ADOPTED):
        links.append(NavLink(_("Adopted information"), reverse("submissions:list"), "items"))
    if reads_bulletins(user):
        links.append(NavLink(_("Bulletins"), reverse("bulletins:home"), "bulletins"))
    if user.can(Capability.READ_RANKINGS):
        links.append(NavLink(_("Rankings"), reverse("scoring:board"), "scoring"))
    elif user.unit_id and user.can(Capability.READ_OWN_POINTS):
        links.append(
            NavLink(_("Our points"), reverse("scoring:unit", args=[user.unit_id]), "scoring")
        )
    if can_search(user):
        # The search, with the analysis pages (early signs, typical cases, quality) as tabs.
        links.append(NavLink(_("Information database"), reverse("archive:search"), "archive"))
    if instruction_seat(user):
        links.append(NavLink(_("Instructions"), reverse("bulletins:instructions"), "instructions"))
    if solicitation_seat(user):
        links.append(
            NavLink(_("Solicitations"), reverse("bulletins:solicitations"), "solicitations")
        )
    if any_access(user):
        links.append(NavLink(_("Emergencies"), reverse("emergencies:board"), "emergencies"))
    if accountability_access.is_section(user):
        links.append(NavLink(_("Violations"), reverse("accountability:queue"), "accountability"))
    elif accountability_access.is_unit_person(user):
        links.append(NavLink(_("Our violations"), reverse("accountability:mine"), "accountability"))
    if sees_federation(user):
        links.append(NavLink(_("Federation"), reverse("federation:messages"), "federation"))
    if user.can(Capability.VIEW_NETWORK):
        links.append(NavLink(_("Network"), reverse("org:units"), "units"))
    elif user.unit_id and user.can(Capability.READ_OWN_ROSTER):
        links.append(
            NavLink(_("Our roster"), reverse("roster:unit", args=[user.unit_id]), "roster")
        )
    if user.can(Capability.MANAGE_DUTY):
        links.append(NavLink(_("Duty roster"), reverse("org:duty"), "duty"))
    if duty_access.keeps_duty(user):
        links.append(NavLink(_("Duty office"), reverse("duty:log"), "duty_office"))
    if user.can(Capability.MANAGE_ORG):
        links.append(NavLink(_("Administration"), reverse("admin:index"), "admin"))
        links.append(NavLink(_("Outbound addresses"), reverse("notify:egress"), "egress"))
        links.append(NavLink(_("API rate limit"), reverse("apitokens:rate_limit"), "api"))
    if user.can(Capability.MANAGE_CALENDAR):
        links.append(NavLink(_("Working calendar"), reverse("org:calendar"), "calendar"))
    if user.can(Capability.MANAGE_SECURITY):
        links.append(NavLink(_("Security policy"), reverse("org:security"), "security"))
    if user.can(Capability.APPROVE_ACCOUNTS):
        links.append(NavLink(_("Account approvals"), reverse("org:proposals"), "proposals"))
    if user.can(Capability.READ_AUDIT):
        links.append(NavLink(_("Audit log"), reverse("audit:log"), "audit"))
    links.append(NavLink(_("Channels"), reverse("notify:channels"), "channels"))
    return {"nav_links": links, "nav_active": active_url(request.path, [n.url for n in links])}


def active_url(path: str, urls: list[str]) -> str | None:
    """The menu entry a page belongs to: the longest entry that is the page or a folder above
    it ("/" only for itself)."""
    inside = [u for u in urls if path == u or (u.endswith("/") and u != "/" and path.startswith(u))]
    return max(inside, key=len, default=None)


def zero_report(request: HttpRequest) -> dict[str, object]:
    """On a unit officer's home page during a zero-report period: today's report, owed or filed
    (asked on that page only, so no other page pays for it)."""
    user = request.user
    match = request.resolver_match
    if not isinstance(user, User) or match is None or match.view_name != "submissions:home":
        return {}
    if not duty_access.files_zero_reports(user):
        return {}
    owed = duty_queries.owed_today(user)
    if owed is None:
        return {}
    return {"zero_period": owed[0], "zero_filed": owed[1]}
