"""The unit scoreboard and each unit's ledger. Views validate and render; `actions` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.models import Unit
from org.roles import Capability
from scoring import actions, queries
from scoring.forms import PublicationRuleForm, ScoreRuleForm
from scoring.models import ScoreRule
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


@require_http_methods(["GET", "POST"])
def rule_table(request: AuthedRequest) -> HttpResponse:
    """The point table: everyone who reads the board reads it; the chief edits it."""
    _may_read(request)
    user = request.user
    editable = user.can(Capability.EDIT_DEADLINES)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    adding = request.method == "POST" and request.POST.get("action") == "add"
    rows = list(ScoreRule.objects.select_related("publication"))
    table_data = request.POST if request.method == "POST" and not adding else None
    forms = [ScoreRuleForm(table_data, instance=r, prefix=f"r{r.pk}") for r in rows]
    add_form = PublicationRuleForm(request.POST if adding else None, prefix="add")
    if adding:
        if add_form.is_valid():
            data = add_form.cleaned_data
            rule = actions.add_publication_rule(
                user,
                data["publication"],
                data["points"],
                data["forwarded_multiplier"],
                data["note"],
            )
            messages.success(
                request,
                _("Rule %(code)s added. It applies at the next ledger rebuild.")
                % {"code": rule.code},
            )
            return redirect("scoring:rules")
        messages.error(request, _("The new rule has errors; nothing was saved."))
    elif request.method == "POST":
        if all(f.is_valid() for f in forms):
            changed = actions.update_rules(
                user, [(f.instance, f.cleaned_data) for f in forms if f.has_changed()]
            )
            messages.success(
                request,
                _("%(n)s rule(s) saved. They apply at the next ledger rebuild.") % {"n": changed},
            )
            return redirect("scoring:rules")
        messages.error(request, _("Some rows of the point table have errors; nothing was saved."))
    return render(
        request,
        "scoring/rules.html",
        {
            "forms": forms,
            "add_form": add_form,
            "editable": editable,
            "may_add": editable and add_form.has_choices(),
            "period": queries.period_of(request.GET),
        },
    )
