"""The scoring policy pages: the point table with its preview, the unit classes with their
quotas and award tiers, and which class each unit is in. Everyone who reads the rankings
reads these; the section chief edits them (every change audited, all or nothing)."""

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from org.http import AuthedRequest
from org.models import Unit
from org.roles import Capability
from scoring import actions, queries
from scoring.facts import RULE_VALUES
from scoring.forms import (
    AssignmentForm,
    AwardTierForm,
    NewAwardTierForm,
    NewUnitClassForm,
    PublicationRuleForm,
    ScoreRuleForm,
    UnitClassForm,
    YearForm,
)
from scoring.models import ClassAssignment, ScoreRule, SourceKind, UnitClass
from scoring.preview import Preview, preview
from scoring.views import require_reader
from xinbao.core.inputs import parse_id

PREVIEW_LINES = 200  # changed lines listed on the page; the rest are counted


def _editable(request: AuthedRequest) -> bool:
    editable = request.user.can(Capability.EDIT_POINT_TABLE)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    return editable


def _overrides(forms: list[ScoreRuleForm]) -> dict[str, dict[str, Any]]:
    return {f.instance.code: dict(f.cleaned_data) for f in forms}


def fingerprint(year: int, overrides: dict[str, dict[str, Any]]) -> str:
    """What was previewed — the stored table, the proposed values and the year: applying
    checks that none of them changed since."""
    stored = list(ScoreRule.objects.order_by("pk").values_list(*RULE_VALUES))
    text = json.dumps([year, overrides, stored], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _preview_rows(result: Preview) -> dict[str, Any]:
    """The preview as the page lists it, names looked up once."""
    class_names = dict(UnitClass.objects.values_list("pk", "name"))
    sources = dict(SourceKind.choices)
    return {
        "unit_rows": [(u, class_names.get(u.class_id or 0, "")) for u in result.units],
        "line_rows": [
            (c, result.names.get(c.unit, ""), sources.get(c.source_kind, c.source_kind))
            for c in result.lines[:PREVIEW_LINES]
        ],
    }


@require_http_methods(["GET", "POST"])
def rule_table(request: AuthedRequest) -> HttpResponse:
    """The point table. The chief previews a change on a year, then applies it (saved,
    audited, and the year rebuilt); or adds a rule for one publication."""
    require_reader(request)
    user = request.user
    editable = _editable(request)
    action = request.POST.get("action", "")
    adding = action == "add"
    period = queries.period_of(request.GET)
    rows = queries.point_table()
    table_data = request.POST if request.method == "POST" and not adding else None
    forms = [ScoreRuleForm(table_data, instance=r, prefix=f"r{r.pk}") for r in rows]
    year_form = YearForm(table_data, initial={"year": period.year})
    add_form = PublicationRuleForm(request.POST if adding else None, prefix="add")
    result, stamp = None, ""
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
                _("Rule %(code)s added. The rankings count it within seconds.")
                % {"code": rule.code},
            )
            return redirect("scoring:rules")
        messages.error(request, _("The new rule has errors; nothing was saved."))
    elif request.method == "POST":
        valid = year_form.is_valid() & all([f.is_valid() for f in forms])
        if not valid:
            messages.error(
                request, _("Some rows of the point table have errors; nothing was saved.")
            )
        else:
            year = year_form.cleaned_data["year"]
            overrides = _overrides(forms)
            stamp = fingerprint(year, overrides)
            if action == "apply" and request.POST.get("previewed") == stamp:
                changed, rebuilt = actions.apply_rules(
                    user, [(f.instance, f.cleaned_data) for f in forms if f.has_changed()], year
                )
                messages.success(
                    request,
                    _(
                        "%(n)s rule(s) saved; the ledger of %(year)s was rebuilt: "
                        "%(entries)s entries."
                    )
                    % {"n": changed, "year": year, "entries": rebuilt.entries},
                )
                return redirect(f"{reverse('scoring:board')}?year={year}")
            if action == "apply":
                messages.error(
                    request,
                    _("The table or the year changed since the preview; preview it again."),
                )
            result = preview(year, overrides)
    return render(
        request,
        "scoring/rules.html",
        {
            "forms": forms,
            "year_form": year_form,
            "add_form": add_form,
            "editable": editable,
            "may_add": editable and add_form.has_choices(),
            "period": period,
            "preview": result,
            "stamp": stamp if result else "",
            **(_preview_rows(result) if result else {}),
        },
    )


@require_http_methods(["GET", "POST"])
def classes(request: AuthedRequest) -> HttpResponse:
    """Unit classes with their monthly quotas, and each class's award tiers."""
    require_reader(request)
    editable = _editable(request)
    action = request.POST.get("action", "")
    class_rows = queries.classes_with_tiers()
    posted = request.POST if action == "classes" else None
    class_forms = [UnitClassForm(posted, instance=c, prefix=f"c{c.pk}") for c in class_rows]
    new_class = NewUnitClassForm(posted, prefix="newclass")
    tier_forms: dict[int, tuple[list[AwardTierForm], NewAwardTierForm]] = {}
    for c in class_rows:
        data = request.POST if action == f"tiers-{c.pk}" else None
        tier_forms[c.pk] = (
            [AwardTierForm(data, instance=t, prefix=f"t{t.pk}") for t in c.award_tiers.all()],
            NewAwardTierForm(data, prefix=f"newtier{c.pk}"),
        )
    members = dict(
        ClassAssignment.objects.order_by()
        .values("unit_class")
        .annotate(n=Count("pk"))
        .values_list("unit_class", "n")
    )
    if request.method == "POST":
        if action == "classes":
            if all([f.is_valid() for f in class_forms]) & new_class.is_valid():
                actions.save_classes(
                    request.user,
                    [(f.instance, f.cleaned_data) for f in class_forms if f.has_changed()],
                    new_class.cleaned_data if new_class.adds else None,
                )
                messages.success(
                    request, _("Classes saved. The rankings count them within seconds.")
                )
                return redirect("scoring:classes")
            messages.error(request, _("Some classes have errors; nothing was saved."))
        elif action.startswith("remove-") and parse_id(action.removeprefix("remove-")):
            unit_class = get_object_or_404(UnitClass, pk=parse_id(action.removeprefix("remove-")))
            if ClassAssignment.objects.filter(unit_class=unit_class).exists():
                messages.error(request, _("Units are in this class: move them out first."))
            else:
                actions.remove_class(request.user, unit_class)
                messages.success(request, _("Class removed."))
            return redirect("scoring:classes")
        elif action.startswith("tiers-") and parse_id(action.removeprefix("tiers-")):
            unit_class = get_object_or_404(UnitClass, pk=parse_id(action.removeprefix("tiers-")))
            forms, new = tier_forms[unit_class.pk]
            if all([f.is_valid() for f in forms]) & new.is_valid():
                keep = [f for f in forms if not f.cleaned_data.get("remove")]
                actions.save_tiers(
                    request.user,
                    unit_class,
                    [(f.instance, f.cleaned_data) for f in keep if f.has_changed()],
                    [f.instance for f in forms if f.cleaned_data.get("remove")],
                    new.cleaned_data if new.adds else None,
                )
                messages.success(request, _("Awards of %(name)s saved.") % {"name": unit_class})
                return redirect("scoring:classes")
            messages.error(request, _("Some awards have errors; nothing was saved."))
        else:
            messages.error(request, _("Nothing was saved."))
    return render(
        request,
        "scoring/classes.html",
        {
            "rows": [
                (f, tier_forms[f.instance.pk], members.get(f.instance.pk, 0)) for f in class_forms
            ],
            "new_class": new_class,
            "editable": editable,
            "period": queries.period_of(request.GET),
        },
    )


@require_http_methods(["GET", "POST"])
def assignments(request: AuthedRequest) -> HttpResponse:
    """Which class each reporting unit is in, and from which month its quota counts."""
    require_reader(request)
    editable = _editable(request)
    units = list(
        Unit.objects.filter(is_reporting=True, is_active=True).select_related(
            "score_class__unit_class"
        )
    )
    choices = UnitClass.objects.all()
    data = request.POST if request.method == "POST" else None
    forms = []
    for unit in units:
        current = getattr(unit, "score_class", None)
        initial = (
            {"unit_class": current.unit_class_id, "quota_from": current.quota_from}
            if current
            else {}
        )
        forms.append(
            AssignmentForm(data, unit=unit, classes=choices, prefix=f"u{unit.pk}", initial=initial)
        )
    if data is not None:
        if all([f.is_valid() for f in forms]):
            changed = actions.assign_units(
                request.user,
                [
                    (f.unit, f.cleaned_data["unit_class"], f.cleaned_data["quota_from"])
                    for f in forms
                    if f.has_changed()
                ],
            )
            messages.success(
                request,
                _("%(n)s unit(s) changed class. The rankings count the change within seconds.")
                % {"n": changed},
            )
            return redirect("scoring:assignments")
        messages.error(request, _("Some units have errors; nothing was saved."))
    return render(
        request,
        "scoring/assignments.html",
        {"forms": forms, "editable": editable, "period": queries.period_of(request.GET)},
    )
