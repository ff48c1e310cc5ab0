"""The network health page: one row per reporting unit, sortable by column (?sort=), with the
network's coverage month by month, and the same rows as .xlsx (audited)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from insight import actions, health
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.downloads import download
from xinbao.core.inputs import query_param


def _need_network(request: AuthedRequest) -> None:
    if not request.user.can(Capability.VIEW_NETWORK):
        raise PermissionDenied


def _chart(built: health.Health) -> dict[str, Any]:
    def pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    return {
        "kind": "line",
        "percent": True,
        "labels": [m.start.strftime("%m") for m in built.months],
        "series": [
            {
                "name": _("Units with a named officer"),
                "data": [pct(m.with_officer, m.units) for m in built.months],
            },
            {
                "name": _("Units that submitted"),
                "data": [pct(m.submitted, m.units) for m in built.months],
            },
        ],
    }


@require_safe
def network(request: AuthedRequest) -> HttpResponse:
    _need_network(request)
    built = health.build(timezone.now())
    rows, applied = health.sort(built.rows, query_param(request, "sort"))
    return render(
        request,
        "insight/network.html",
        {
            "health": built,
            "rows": rows,
            "sort": applied,
            "chart": _chart(built),
            "manages": request.user.can(Capability.MANAGE_ROSTER),
            "unstable": sum(1 for r in built.rows if r.unstable),
            "untrained": sum(1 for r in built.rows if r.untrained),
            "untrained_people": sum(len(r.untrained) for r in built.rows),
        },
    )


@require_safe
def network_xlsx(request: AuthedRequest) -> HttpResponse:
    _need_network(request)
    built = health.build(timezone.now())
    rows, applied = health.sort(built.rows, query_param(request, "sort"))
    content = actions.export_network_health(request.user, built, rows, applied)
    name = _("Network health %(year)s") % {"year": built.year}
    return download(content, health.XLSX_TYPE, f"{name}.xlsx", f"network-health-{built.year}")
