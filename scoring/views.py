"""The rankings, each unit's scorecard and the exports. Views validate and render; `actions`
writes. The point table and the classes are in `views_policy`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from org.http import AuthedRequest
from org.models import Unit
from org.roles import Capability
from scoring import actions, circular_docs, exports, live, queries, scorecard
from scoring.models import Circular, CircularKind, ClassAssignment
from xinbao.core.downloads import download

office_reader = queries.office_reader


def require_reader(request: AuthedRequest) -> None:
    if not office_reader(request.user):
        raise PermissionDenied


def _visible_unit(request: AuthedRequest, pk: int) -> Unit:
    return queries.scorecard_unit(request.user, pk)


def periods() -> list[tuple[str, str]]:
    return [
        ("", _("Whole year")),
        *((key, _("Quarter %(n)s") % {"n": key[1]}) for key in queries.QUARTERS),
        *((str(m), _("Month %(n)s") % {"n": m}) for m in range(1, 13)),
    ]


def period_label(period: queries.Period) -> str:
    return dict(periods())[period.key]


def issued_circulars(limit: int = 12) -> list[tuple[Circular, str, str]]:
    """The circulars numbered so far, newest first: each with its title and the link that
    downloads it (the .docx prints the number given)."""
    rows = []
    for circular in Circular.objects.all()[:limit]:
        if circular.kind == CircularKind.ADOPTION:
            period = queries.Period(circular.year, circular.period)
            kind, number = (
                ("quarter", circular.period[1:])
                if circular.period.startswith("q")
                else ("month", circular.period)
            )
            title = circular_docs.adoption_title(period)
            href = (
                f"{reverse('scoring:adoption_docx')}?year={circular.year}&kind={kind}"
                f"&number={number}"
            )
        elif circular.kind == CircularKind.COMMENDATION:
            title = circular_docs.commendation_title(circular.year)
            href = f"{reverse('scoring:commendation_docx')}?year={circular.year}"
        else:
            title = exports.evaluation_title(circular.year)
            href = f"{reverse('scoring:evaluation_docx')}?year={circular.year}"
        rows.append((circular, title, href))
    return rows


@require_safe
def board(request: AuthedRequest) -> HttpResponse:
    """The rankings of the period, class by class; awards on the annual one."""
    require_reader(request)
    period = queries.period_of(request.GET)
    boards = queries.rankings(period)
    return render(
        request,
        "scoring/board.html",
        {
            "period": period,
            "periods": periods(),
            "boards": boards,
            "ranked": any(board.places for board in boards),
            "year_over": queries.year_is_over(period.year),
            "tie_rule": exports.tie_rule(),
            # A thousand rows: the unit links are built from one reversed URL, not reversed
            # once per row.
            "unit_base": reverse("scoring:unit", args=[0]).removesuffix("0/"),
            "querystring": period.querystring(),
            "may_rebuild": request.user.can(Capability.EDIT_POINT_TABLE),
            "may_issue": request.user.can(Capability.ISSUE_NOTICES),
            "circular_numbers": range(1, 13),
            "issued_circulars": issued_circulars(),
            "freshness": live.freshness(),
        },
    )


@require_safe
def unit_ledger(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's scorecard: its figures, its chart, its quota months, violations, eligibility
    and every traced ledger line of the period."""
    unit = _visible_unit(request, pk)
    period = queries.period_of(request.GET)
    entries = scorecard.entries(unit, period)
    office = office_reader(request.user)
    place = None
    if office:
        place = next(
            (
                (p, board)
                for board in queries.rankings(period)
                for p in board.places
                if p.standing.unit == unit.pk
            ),
            None,
        )
    assignment = ClassAssignment.objects.filter(unit=unit).select_related("unit_class").first()
    return render(
        request,
        "scoring/unit.html",
        {
            "unit": unit,
            "period": period,
            "periods": periods(),
            "entries": entries,
            "total": sum(e.points for e in entries),
            "chart": scorecard.chart(unit, period.year),
            "adoption": scorecard.adoption_rate(unit, period),
            "timeliness": scorecard.timeliness(unit, period),
            "quota": scorecard.quota_status(unit, period.year, entries),
            "assignment": assignment,
            "violations": scorecard.violations(unit, period.year),
            "verdict": scorecard.verdict(unit, period.year),
            "place": place,
            "office": office,
            "freshness": live.freshness(),
        },
    )


@require_POST
def rebuild_now(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.EDIT_POINT_TABLE):
        raise PermissionDenied
    period = queries.period_of(request.POST)
    result = actions.rebuild(period.year, actor=request.user)
    messages.success(
        request,
        _("Ledger rebuilt for %(year)s: %(n)s entries.")
        % {"year": period.year, "n": result.entries},
    )
    return redirect(f"{reverse('scoring:board')}?{period.querystring()}")


def _fallback(stem: str, period: queries.Period) -> str:
    """The ASCII name for a client that cannot read the Chinese one: ranking-2026-q1."""
    return "-".join(part for part in (stem, str(period.year), period.key) if part)


@require_safe
def board_xlsx(request: AuthedRequest) -> HttpResponse:
    require_reader(request)
    period = queries.period_of(request.GET)
    content = exports.rankings_xlsx(
        period, period_label(period), queries.rankings(period), timezone.localdate()
    )
    return download(
        content,
        exports.XLSX_TYPE,
        f"{exports.ranking_name(period)}.xlsx",
        _fallback("ranking", period),
    )


@require_safe
def unit_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _visible_unit(request, pk)
    period = queries.period_of(request.GET)
    entries = scorecard.entries(unit, period)
    content = exports.scorecard_xlsx(
        unit,
        period,
        period_label(period),
        entries,
        scorecard.quota_status(unit, period.year, entries),
        timezone.localdate(),
    )
    return download(
        content,
        exports.XLSX_TYPE,
        f"{exports.scorecard_name(unit, period)}.xlsx",
        _fallback(f"scorecard-{unit.code}", period),
    )


@require_safe
def evaluation_docx(request: AuthedRequest) -> HttpResponse:
    """The annual evaluation summary of a year, as a Word document."""
    require_reader(request)
    year = queries.period_of(request.GET).year
    content = exports.evaluation_docx(year, timezone.localdate())
    return download(
        content,
        exports.DOCX_TYPE,
        f"{exports.evaluation_title(year)}.docx",
        f"evaluation-{year}",
    )
