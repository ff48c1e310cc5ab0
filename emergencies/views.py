"""Emergency screens. Views validate and render; `actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from deadlines.models import ExpectStatus
from emergencies import (
    actions,
    actions_level,
    actions_sightings,
    actions_upward,
    labels,
    matching,
    numbering,
    policy,
    queries,
    rules,
    supplement,
)
from emergencies.access import (
    any_access,
    get_visible_incident,
    may_handle_candidates,
    may_log_sightings,
    may_open_incident,
    visible_incidents,
)
from emergencies.forms import (
    CategoryCodeForm,
    DeadlineRuleForm,
    FollowupForm,
    ForwardForm,
    LevelForm,
    MatchingPolicyForm,
    PhoneFollowupForm,
    PhoneInitialForm,
    SectionCallForm,
    SightingForm,
    WrittenInitialForm,
)
from emergencies.forms_grading import SensitiveForm
from emergencies.models import (
    CandidateStatus,
    DeadlineRule,
    ExpectKind,
    Incident,
    IncidentReport,
    IncidentStatus,
    MatchingPolicy,
    ReportState,
    Sighting,
    SightingStatus,
    SupplementWindow,
    ViolationCandidate,
)
from org.duty import route, years_without_calendar
from org.guards import guarded
from org.http import AuthedRequest
from org.models import upper_office
from org.roles import Capability
from xinbao.core.inputs import INT_MAX, parse_id, parse_int
from xinbao.core.once import ALREADY_SAVED


def _need(request: AuthedRequest, capability: Capability) -> None:
    if not request.user.can(capability):
        raise PermissionDenied


@require_safe
@guarded(any_access)
def board(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    incidents = queries.board_rows(
        visible_incidents(request.user).filter(status=IncidentStatus.OPEN)
    )
    rows = [
        {"incident": inc, "urgency": queries.urgency(inc.next_due, now)}  # type: ignore[attr-defined]
        for inc in incidents
    ]
    awaiting = IncidentReport.objects.none()
    if request.user.can(Capability.SIGN_OFF) and request.user.unit_id is not None:
        awaiting = IncidentReport.objects.filter(
            unit_id=request.user.unit_id, state=ReportState.AWAITING_SIGNOFF
        ).select_related("incident", "unit")
    context = {
        "rows": rows,
        "now": now,
        "awaiting": awaiting,
        "desk": route(now),
        "recent_closed": visible_incidents(request.user)
        .filter(status=IncidentStatus.CLOSED)
        .order_by("-closed_at")[:10],
        "open_candidates": ViolationCandidate.objects.filter(status=CandidateStatus.OPEN).count()
        if request.user.can(Capability.HANDLE_INCIDENTS)
        else None,
    }
    template = (
        "emergencies/_board_rows.html"
        if request.headers.get("HX-Request")
        else "emergencies/board.html"
    )
    return render(request, template, context)


def _already_saved(request: AuthedRequest, done: actions.AlreadySaved) -> HttpResponse:
    """The same report form posted again: to the incident its report was saved on."""
    assert isinstance(done.obj, IncidentReport)
    messages.info(request, ALREADY_SAVED)
    return redirect("emergencies:detail", pk=done.obj.incident_id)


@require_http_methods(["GET", "POST"])
@guarded(may_open_incident)
def new_incident(request: AuthedRequest) -> HttpResponse:
    user = request.user
    by_phone = user.can(Capability.LOG_CALLS)
    form_class = PhoneInitialForm if by_phone else WrittenInitialForm
    initial = {"known_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [data["unit"]] if by_phone else [user.unit]
        facts = actions.IncidentFacts(
            title=data["title"],
            category=data["category"],
            place=data["place"],
            occurred_at=data["occurred_at"],
            known_at=data["known_at"],
            units=units,
            level=data.get("level") or "",
            subtype=data.get("subtype") or "",
            sensitive=bool(data.get("sensitive")),
            category_code=data.get("category_code") or "",
        )
        try:
            call = form.call() if isinstance(form, PhoneInitialForm) else None
            report = actions.do_open_incident(user, facts, form.content(), call, token=form.token)
        except actions.AlreadySaved as done:
            return _already_saved(request, done)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            if call:
                messages.success(
                    request, _("Phone report logged; the unit's written report is now expected.")
                )
            else:
                messages.success(
                    request, _("Initial report saved: your unit head must sign it off now.")
                )
            return redirect("emergencies:detail", pk=report.incident_id)
    return render(request, "emergencies/new.html", {"form": form, "by_phone": by_phone})


@require_safe
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    incident = get_visible_incident(user, pk)
    reports = list(
        IncidentReport.objects.filter(incident=incident).select_related(
            "unit", "author", "signed_off_by"
        )
    )
    now = timezone.now()
    expected_rows = incident.expected.select_related("unit").order_by("due_at")
    if not user.can(Capability.WATCH_EMERGENCIES):
        # A unit sees what it owes, not the office's own duties upward.
        expected_rows = expected_rows.exclude(
            kind__in=[ExpectKind.FORWARD, ExpectKind.SECTION_PHONE]
        )
    expected = list(expected_rows)
    picture = queries.picture(reports)
    units = list(incident.responsible_units.all())
    # Levels are suggested only where thresholds are published for the category (Decree 493
    # for production-safety accidents), counting the missing with the dead.
    thresholds = policy.thresholds(incident.category)
    suggested = rules.suggest_level(
        thresholds,
        picture["deaths"],
        picture["serious_injuries"],
        picture["direct_loss"],
        missing=picture["missing"],
    )
    can_report = user.can(Capability.REPORT_EMERGENCIES) and user.unit_id in {u.pk for u in units}
    can_log = user.can(Capability.LOG_CALLS)
    context: dict[str, Any] = {
        "incident": incident,
        "reports": [(r, queries.report_label(r)) for r in reports],
        "expected": [
            (e, queries.urgency(e.due_at, now) if e.status == ExpectStatus.OPEN else e.status)
            for e in expected
        ],
        "picture": picture,
        "timeline": queries.timeline(incident, reports),
        "units": units,
        "suggested": suggested,
        "suggested_label": dict(incident._meta.get_field("level").choices or []).get(
            suggested or "", ""
        ),
        "now": now,
        "can_report": can_report and incident.status == IncidentStatus.OPEN,
        "can_log": can_log and incident.status == IncidentStatus.OPEN,
        # 补报 after the final report, within Decree 493 art. 13's window.
        "can_supplement": (can_log or can_report) and supplement.open_for(incident, now),
        "supplement_until": supplement.window_end(incident),
        "section_call_form": SectionCallForm() if can_log else None,
        "section_calls": list(incident.section_calls.select_related("recorded_by")),
        "can_handle": user.can(Capability.HANDLE_INCIDENTS),
        "can_sign": [
            r
            for r in reports
            if r.state == ReportState.AWAITING_SIGNOFF
            and user.can(Capability.SIGN_OFF)
            and r.unit_id == user.unit_id
        ],
        "level_form": LevelForm(initial={"level": incident.level}),
        "forward_form": _forward_form(incident, reports, picture),
        "policy_rule": policy.rule_for(incident),
        "no_thresholds": not thresholds,
        "on_strictest": policy.on_strictest(incident),
        "sensitive_form": SensitiveForm(initial={"sensitive": not incident.sensitive}),
        "code_form": CategoryCodeForm(
            initial={"category_code": getattr(incident.category_code, "code", "")},
            category=incident.category,
        )
        if user.can(Capability.HANDLE_INCIDENTS)
        else None,
    }
    return render(request, "emergencies/detail.html", context)


def _forward_form(
    incident: Incident, reports: list[IncidentReport], picture: dict[str, Any]
) -> ForwardForm:
    lines = [
        incident.title,
        f"{timezone.localtime(incident.occurred_at):%Y-%m-%d %H:%M} {incident.place}",
    ]
    lines += [r.summary for r in reports if r.state == ReportState.RECEIVED]
    for field, label in (
        ("deaths", _("Deaths")),
        ("serious_injuries", _("Seriously injured")),
        ("injuries", _("Injured")),
        ("missing", _("Missing")),
    ):
        if picture[field] is not None:
            lines.append(f"{label}{_(': ')}{picture[field]}")
    if picture["measures"]:
        lines.append(f"{_('Measures taken')}{_(': ')}{picture['measures']}")
    province = upper_office()
    return ForwardForm(
        initial={"text": "\n".join(lines), "to_unit": province.pk if province else None}
    )


@require_http_methods(["GET", "POST"])
def add_report(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    incident = get_visible_incident(user, pk)
    by_phone = user.can(Capability.LOG_CALLS)
    if not by_phone and not user.can(Capability.REPORT_EMERGENCIES):
        raise PermissionDenied
    units = incident.responsible_units.all()
    closed = incident.status != IncidentStatus.OPEN
    form: FollowupForm = (
        PhoneFollowupForm(request.POST or None, units=units, closed=closed)
        if by_phone
        else FollowupForm(request.POST or None, closed=closed)
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = form.call() if isinstance(form, PhoneFollowupForm) else None
            actions.do_add_report(
                user,
                incident.pk,
                form.cleaned_data["kind"],
                form.content(),
                unit=form.cleaned_data.get("unit"),
                call=call,
                token=form.token,
            )
        except actions.AlreadySaved as done:
            return _already_saved(request, done)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Report recorded."))
            return redirect("emergencies:detail", pk=incident.pk)
    filed_as = ""
    if not by_phone and user.unit is not None and not closed:
        # What a follow-up written now is filed as: the unit's first written report is its
        # written initial report (after a phone one), later ones 续报N.
        kind, n = numbering.kind_and_number(incident, user.unit, "followup", "written")
        filed_as = labels.report_label(kind, n, "written")
    return render(
        request,
        "emergencies/report_form.html",
        {
            "form": form,
            "incident": incident,
            "by_phone": by_phone,
            "filed_as": filed_as,
            "closed": closed,
            "supplement_until": supplement.window_end(incident) if closed else None,
            "article_13": supplement.ARTICLE_13,
        },
    )


@require_POST
def section_call(request: AuthedRequest, pk: int) -> HttpResponse:
    """The duty officer records the section's own phone report upward."""
    incident = get_visible_incident(request.user, pk)
    _need(request, Capability.LOG_CALLS)
    form = SectionCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whom you called and when."))
    else:
        try:
            actions_upward.do_record_section_call(
                request.user,
                incident.pk,
                form.cleaned_data["called_whom"],
                form.cleaned_data["called_at"],
                form.cleaned_data["note"],
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The section's call upward is recorded."))
    return redirect("emergencies:detail", pk=incident.pk)


@require_POST
def sign_off(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(IncidentReport, pk=report_id)
    get_visible_incident(request.user, report.incident_id)
    try:
        actions.do_sign_off_report(request.user, report.pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Signed off: the office has received the report."))
    return redirect("emergencies:detail", pk=report.incident_id)


@require_POST
def change_level(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = get_visible_incident(request.user, pk)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
    else:
        try:
            actions_level.do_change_level(
                request.user, incident.pk, form.cleaned_data["level"], form.cleaned_data["reason"]
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Level changed; open deadlines were recomputed."))
    return redirect("emergencies:detail", pk=incident.pk)


@require_POST
def reapply_policy(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = get_visible_incident(request.user, pk)
    try:
        actions_level.do_reapply_policy(request.user, incident.pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The current deadline table now applies to this incident."))
    return redirect("emergencies:detail", pk=incident.pk)


@require_POST
def forward(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = get_visible_incident(request.user, pk)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The forwarded text is required."))
    else:
        try:
            actions_level.do_forward(
                request.user, incident.pk, form.cleaned_data["to_unit"], form.cleaned_data["text"]
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Forwarded upward."))
    return redirect("emergencies:detail", pk=incident.pk)


@require_http_methods(["GET", "POST"])
@guarded(may_log_sightings)
def sightings(request: AuthedRequest) -> HttpResponse:
    form = SightingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sighting = actions_sightings.do_record_sighting(
                request.user,
                source_kind=data["source_kind"],
                source=data["source"],
                seen_at=data["seen_at"],
                text=data["text"],
                place=data.get("place") or "",
                category=data.get("category") or "",
                unit=data.get("unit"),
                token=form.token,
            )
        except actions.AlreadySaved as done:
            messages.info(request, ALREADY_SAVED)
            return redirect("emergencies:sighting", pk=done.obj.pk)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sighting recorded. Check the proposed matches."))
            return redirect("emergencies:sighting", pk=sighting.pk)
    unmatched = Sighting.objects.filter(status=SightingStatus.UNMATCHED).select_related("unit")
    recent = Sighting.objects.exclude(status=SightingStatus.UNMATCHED).select_related(
        "unit", "incident"
    )[:20]
    return render(
        request,
        "emergencies/sightings.html",
        {"form": form, "unmatched": unmatched, "recent": recent},
    )


@require_safe
def sighting(request: AuthedRequest, pk: int) -> HttpResponse:
    _need(request, Capability.LOG_CALLS)
    s = get_object_or_404(Sighting.objects.select_related("unit", "incident"), pk=pk)
    proposals = []
    if s.status == SightingStatus.UNMATCHED:
        proposals = matching.proposals_for(s)
    watch = s.expected.select_related("unit").first()
    return render(
        request, "emergencies/sighting.html", {"s": s, "proposals": proposals, "watch": watch}
    )


@require_POST
def match_sighting(request: AuthedRequest, pk: int) -> HttpResponse:
    _need(request, Capability.LOG_CALLS)
    incident_id = parse_id(request.POST.get("incident"))
    try:
        actions_sightings.do_match_sighting(request.user, pk, incident_id)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    except Incident.DoesNotExist:
        messages.error(request, _("No such incident."))
    else:
        messages.success(
            request, _("Sighting matched.") if incident_id else _("Sighting dismissed.")
        )
    return redirect("emergencies:sighting", pk=pk)


@require_safe
@guarded(may_handle_candidates)
def candidates(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", CandidateStatus.OPEN)
    rows = ViolationCandidate.objects.select_related(
        "unit", "incident", "expected", "violation"
    ).order_by("-created_at")
    if status in CandidateStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "emergencies/candidates.html",
        {"rows": rows[:200], "status": status, "statuses": CandidateStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@guarded(any_access)
def deadline_policy(request: AuthedRequest) -> HttpResponse:
    user = request.user
    editable = user.can(Capability.EDIT_DEADLINES)
    rows = list(DeadlineRule.objects.all())
    forms = [DeadlineRuleForm(request.POST or None, instance=r, prefix=f"r{r.pk}") for r in rows]
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if all(f.is_valid() for f in forms):
            edits = {
                f.instance.pk: {k: f.cleaned_data[k] for k in DeadlineRuleForm.Meta.fields}
                for f in forms
                if f.has_changed()
            }
            try:
                changed = actions_level.do_save_deadline_rules(user, edits)
            except actions.ActionError as exc:
                raise PermissionDenied(str(exc)) from exc
            messages.success(
                request,
                _(
                    "%(n)s rule(s) saved. New incidents use them; "
                    "open incidents keep theirs unless re-applied."
                )
                % {"n": changed},
            )
            return redirect("emergencies:policy")
        messages.error(request, _("Some rows have errors; nothing was saved."))
    return render(
        request,
        "emergencies/policy.html",
        {
            "forms": forms,
            "editable": editable,
            "missing_years": years_without_calendar(timezone.localdate().year),
            "matching": MatchingPolicyForm(instance=MatchingPolicy.current()),
            "windows": SupplementWindow.objects.all(),
        },
    )


@require_POST
def matching_policy(request: AuthedRequest) -> HttpResponse:
    """The matching window, edited beside the deadline table."""
    _need(request, Capability.EDIT_DEADLINES)
    hours = parse_int(request.POST.get("window_hours", ""), 0, INT_MAX)
    try:
        matching.do_set_window(request.user, hours)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Matching window saved. New proposals use it."))
    return redirect("emergencies:policy")
