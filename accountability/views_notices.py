"""Criticism notices (compile, edit, issue, record the province's, read, .docx), eligibility
(the section's table, a unit's verdict, reinstatement) and the policy page. Views validate and
render; `actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability import access, actions, export, queries
from accountability import actions_notices as notice_actions
from accountability.actions_secrecy import may_mark
from accountability.forms import (
    CompileForm,
    IssueForm,
    NoticeEditForm,
    NoticePolicyForm,
    ProvinceNoticeForm,
    ReasonForm,
    RuleForm,
)
from accountability.issuers import issuer_names
from accountability.models import (
    CriticismNotice,
    EligibilityRule,
    Issuer,
    NoticePolicy,
    NoticeStatus,
    Reinstatement,
    Violation,
    ViolationKind,
)
from org.forms_secrecy import SecrecyForm
from org.guards import guarded
from org.http import AuthedRequest
from org.models import Unit
from xinbao.core.docx import DOCX_TYPE
from xinbao.core.downloads import download
from xinbao.core.inputs import EARLIEST_DATE, latest_date, parse_id, parse_int


def year_of(params: Any) -> int:
    this_year = timezone.localdate().year
    year = parse_id(params.get("year")) or this_year
    return min(max(year, 2000), 2100)


def _need_issuer(request: AuthedRequest) -> None:
    if not access.may_issue(request.user):
        raise PermissionDenied


def get_visible_notice(request: AuthedRequest, pk: int) -> CriticismNotice:
    notice = access.visible_notices(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


# --- notices -----------------------------------------------------------------------------------


@require_safe
def notices(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.any_access(user):
        raise PermissionDenied
    year = year_of(request.GET)
    rows = (
        access.visible_notices(user)
        .filter(year=year)
        .prefetch_related("units")
        .order_by("status", "-issued_on", "-pk")
    )
    return render(
        request,
        "accountability/notices.html",
        {
            "rows": rows,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "is_section": access.is_section(user),
            "may_compile": access.may_issue(user),
            "compilable": queries.compilable().count() if access.may_issue(user) else 0,
        },
    )


def _choices(notice: CriticismNotice | None, year: int | None = None) -> Any:
    """Violations an own notice may name: untaken confirmed ones, and its own."""
    free = queries.compilable(year)
    if notice is None:
        return free
    own = Violation.objects.filter(notices=notice)
    return (
        (free | own)
        .distinct()
        .select_related("unit", "incident", "item")
        .order_by("unit__sort_order", "occurred_on")
    )


@require_http_methods(["GET", "POST"])
def compile_notice(request: AuthedRequest) -> HttpResponse:
    """The chief picks confirmed violations; a draft notice is written from them."""
    _need_issuer(request)
    # A year the page can list by; anything else (27080130, ²) lists every year.
    year = parse_int(request.GET.get("year"), EARLIEST_DATE.year, latest_date().year)
    form = CompileForm(request.POST or None, choices=_choices(None))
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_actions.do_draft_notice(
                request.user,
                [v.pk for v in form.cleaned_data["violations"]],
                form.cleaned_data["send_to_all"],
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft written from the violations. Edit it, then issue."))
            return redirect("accountability:notice", pk=notice.pk)
    if request.method == "GET" and year is not None:
        form.fields["violations"].queryset = _choices(None, year)  # type: ignore[attr-defined]
    return render(request, "accountability/compile.html", {"form": form, "year": year or ""})


@require_safe
def notice(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_visible_notice(request, pk)
    editable = (
        access.may_issue(user) and item.issuer == Issuer.OWN and item.status == NoticeStatus.DRAFT
    )
    context: dict[str, Any] = {
        "notice": item,
        "paper": export.layout(item),
        "units": queries.notice_units(item),
        "violations": queries.notice_violations(item)
        if access.is_section(user)
        else [v for v in queries.notice_violations(item) if v.unit_id == user.unit_id],
        "editable": editable,
        "is_section": access.is_section(user),
    }
    if editable:
        context["edit_form"] = NoticeEditForm(
            instance=item,
            choices=_choices(item),
            initial={"violations": [v.pk for v in context["violations"]]},
        )
        context["issue_form"] = IssueForm(initial={"issued_on": timezone.localdate()})
    if access.may_issue(user) and may_mark(item):
        context["secrecy_form"] = SecrecyForm(initial={"secrecy": item.secrecy})
    return render(request, "accountability/notice.html", context)


@require_POST
def edit_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    _need_issuer(request)
    item = get_visible_notice(request, pk)
    form = NoticeEditForm(request.POST, instance=item, choices=_choices(item))
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice_actions.do_edit_notice(
                request.user,
                item.pk,
                notice_actions.NoticeText(
                    title=data["title"],
                    body=data["body"],
                    issuing_office=data["issuing_office"],
                    recipients=data["recipients"],
                    send_to_all=data["send_to_all"],
                    violation_ids=[v.pk for v in data["violations"]],
                    copy_to=data["copy_to"],
                ),
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("accountability:notice", pk=item.pk)
    else:
        messages.error(request, _("The draft has errors; nothing was saved."))
    item.refresh_from_db()
    return render(
        request,
        "accountability/notice.html",
        {
            "notice": item,
            "paper": export.layout(item),
            "units": queries.notice_units(item),
            "violations": queries.notice_violations(item),
            "editable": True,
            "is_section": True,
            "edit_form": form,
            "issue_form": IssueForm(initial={"issued_on": timezone.localdate()}),
        },
        status=400,
    )


@require_POST
def issue_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    _need_issuer(request)
    item = get_visible_notice(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("accountability:notice", pk=item.pk)
    try:
        issued = notice_actions.do_issue_notice(
            request.user, item.pk, form.cleaned_data["issued_on"]
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Issued as %(number)s and sent to the units.") % {"number": issued.doc_number},
        )
    return redirect("accountability:notice", pk=item.pk)


@require_POST
def discard_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    _need_issuer(request)
    item = get_visible_notice(request, pk)
    try:
        notice_actions.do_discard_notice(request.user, item.pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("accountability:notice", pk=item.pk)
    messages.success(request, _("Draft discarded; its violations can go into another notice."))
    return redirect("accountability:notices")


@require_safe
def notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_visible_notice(request, pk)
    data = export.build_docx(item)
    filename = f"{export.layout(item).file_stem}.docx"
    fallback = f"notice-{item.issuer}-{item.year}-{item.number or item.pk}"
    if not item.doc_number:
        fallback += "-draft"
    return download(data, DOCX_TYPE, filename, fallback)


@require_http_methods(["GET", "POST"])
def record_province_notice(request: AuthedRequest) -> HttpResponse:
    _need_issuer(request)
    form = ProvinceNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = notice_actions.do_record_province_notice(
                request.user,
                notice_actions.ProvinceNotice(
                    doc_number=data["doc_number"],
                    issued_on=data["issued_on"],
                    title=data["title"],
                    body=data["body"],
                    issuing_office=data["issuing_office"],
                    units=list(data["units"]),
                    violation_ids=[v.pk for v in data["violations"]],
                    send_to_all=data["send_to_all"],
                ),
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Upper-level notice recorded and sent to the units."))
            return redirect("accountability:notice", pk=item.pk)
    return render(request, "accountability/province_notice.html", {"form": form})


# --- eligibility -------------------------------------------------------------------------------


@require_safe
def eligibility_table(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.is_section(user):
        if access.is_unit_person(user):
            return redirect("accountability:unit_eligibility", unit_pk=user.unit_id)
        raise PermissionDenied
    year = year_of(request.GET)
    rows = queries.eligibility_table(year)
    return render(
        request,
        "accountability/eligibility.html",
        {
            "rows": rows,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            **_rule_context(),
            "disqualified": sum(1 for r in rows if not r.verdict.eligible),
        },
    )


def _rule_context() -> dict[str, Any]:
    rule = EligibilityRule.current()
    kinds = [str(label) for value, label in ViolationKind.choices if value in rule.kinds]
    return {"rule": rule, "rule_kinds": kinds, "issuers": issuer_names()}


def _visible_unit(request: AuthedRequest, unit_pk: int) -> Unit:
    user = request.user
    if not access.can_see_unit(user.role if user.is_active else "", user.unit_id, unit_pk):
        raise Http404
    return get_object_or_404(Unit, pk=unit_pk)


@require_safe
@guarded(access.may_see_unit, hide=True)
def unit_eligibility(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    unit = _visible_unit(request, unit_pk)
    year = year_of(request.GET)
    verdict = queries.eligibility(year, [unit.pk])[unit.pk]
    may_reinstate = access.may_reinstate(request.user)
    return render(
        request,
        "accountability/unit_eligibility.html",
        {
            "unit": unit,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "verdict": verdict,
            "behind": queries.notices_naming(unit, year, verdict),
            "reinstatements": queries.reinstatements_of(unit, year),
            **_rule_context(),
            "may_reinstate": may_reinstate,
            "reinstate_form": ReasonForm()
            if may_reinstate and verdict.disqualified_by_rule and not verdict.reinstated
            else None,
            "revoke_form": ReasonForm(prefix="revoke") if may_reinstate else None,
            "is_section": access.is_section(request.user),
        },
    )


def _back_to_unit(unit_pk: int, year: int) -> HttpResponse:
    return redirect(
        f"{reverse('accountability:unit_eligibility', kwargs={'unit_pk': unit_pk})}?year={year}"
    )


@require_POST
def reinstate(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    if not access.may_reinstate(request.user):
        raise PermissionDenied
    unit = _visible_unit(request, unit_pk)
    year = year_of(request.POST)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reinstatement needs the reason for the decision."))
        return _back_to_unit(unit.pk, year)
    try:
        actions.do_reinstate(request.user, unit, year, form.cleaned_data["reason"])
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Eligibility restored by your decision; the unit was told."))
    return _back_to_unit(unit.pk, year)


@require_POST
def revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    if not access.may_reinstate(request.user):
        raise PermissionDenied
    reinstatement = get_object_or_404(Reinstatement, pk=pk)
    form = ReasonForm(request.POST, prefix="revoke")
    if not form.is_valid():
        messages.error(request, _("Revoking needs a reason."))
        return _back_to_unit(reinstatement.unit_id, reinstatement.year)
    try:
        actions.do_revoke_reinstatement(request.user, reinstatement.pk, form.cleaned_data["reason"])
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reinstatement revoked; the rule decides again."))
    return _back_to_unit(reinstatement.unit_id, reinstatement.year)


# --- policy ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    """The eligibility rule and how own notices are headed: the section reads, the chief
    edits; every change is audited with its before and after."""
    user = request.user
    if not access.is_section(user):
        raise PermissionDenied
    may_edit = {"rule": access.may_edit_rule(user), "notice": access.may_issue(user)}
    which = request.POST.get("form") if request.method == "POST" else None
    if which and not may_edit.get(which, False):
        raise PermissionDenied
    rule, notice_policy = EligibilityRule.current(), NoticePolicy.current()
    rule_form = RuleForm(request.POST if which == "rule" else None, instance=rule, prefix="rule")
    policy_form = NoticePolicyForm(
        request.POST if which == "notice" else None, instance=notice_policy, prefix="notice"
    )
    form = rule_form if which == "rule" else policy_form if which == "notice" else None
    if form is not None:
        if form.is_valid():
            try:
                if form is rule_form:
                    actions.do_update_rule(user, form.cleaned_data)
                else:
                    actions.do_update_notice_policy(user, form.cleaned_data)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved. The change is in the audit log."))
                return redirect("accountability:policy")
        messages.error(request, _("The form has errors; nothing was saved."))
    for key, f in (("rule", rule_form), ("notice", policy_form)):
        if not may_edit[key]:
            for field in f.fields.values():
                field.disabled = True
    return render(
        request,
        "accountability/policy.html",
        {
            "rule_form": rule_form,
            "policy_form": policy_form,
            "editable": any(may_edit.values()),
            "rule_editable": may_edit["rule"],
            "notice_editable": may_edit["notice"],
        },
    )
