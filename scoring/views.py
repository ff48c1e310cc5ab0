"""The unit scoreboard and each unit's ledger. Views validate and render; `actions` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from org.models import Unit
from org.roles import Capability
from scoring import actions, queries
from xinbao.core.http import AuthedRequest


def _may_read(request: AuthedRequest) -> None:
    user = request.user
    if not (user.can(Capability.REVIEW) or user.can(Capability.READ_ADOPTED)):
        raise PermissionDenied


def _periods() -> list[tuple[str, str]]:
    return [
        ("", _("Whole year")),
        *((key, _("Quarter %(n)s") % {"n": key[1]}) for key in queries.QUARTERS),
        *((str(m), _("Month %(n)s") % {"n": m}) for m in range(1, 13)),
    ]


@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    _may_read(request)
    period = queries.period_of(request.GET)
    rows = queries.unit_totals(period)
    return render(
        request,
        "scoring/board.html",
        {
            "period": period,
            "periods": _periods(),
            "rows": rows,
            "grand_total": queries.grand_total(rows),
            "may_rebuild": request.user.can(Capability.EDIT_DEADLINES),
        },
    )


@require_GET
def unit_ledger(request: AuthedRequest, pk: int) -> HttpResponse:
    _may_read(request)
    unit = get_object_or_404(Unit, pk=pk)
    period = queries.period_of(request.GET)
    entries = list(
        queries.entries_in(period)
        .filter(unit=unit)
        .select_related("rule")
        .order_by("occurred_on", "source_kind", "source_id", "rule__code")
    )
    return render(
        request,
        "scoring/unit.html",
        {
            "unit": unit,
            "period": period,
            "periods": _periods(),
            "entries": entries,
            "total": sum(e.points for e in entries),
        },
    )


@require_POST
def rebuild_now(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.EDIT_DEADLINES):
        raise PermissionDenied
    period = queries.period_of(request.POST)
    result = actions.rebuild(period.year, actor=request.user)
    messages.success(
        request,
        _("Ledger rebuilt for %(year)s: %(n)s entries.")
        % {"year": period.year, "n": result.entries},
    )
    return redirect(f"{reverse('scoring:board')}?{period.querystring()}")
