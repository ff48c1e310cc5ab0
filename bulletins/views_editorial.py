"""Screens of the editorial loop's deadlines: leader instructions (批示) with the units'
feedback, and solicitations (约稿). Views validate and render; `bulletins.actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bulletins import actions
from bulletins.forms_editorial import (
    UNIT_GROUPS,
    EditorialPolicyForm,
    FeedbackForm,
    InstructionForm,
    RecordedInstructionForm,
    SolicitationForm,
    target_units,
)
from bulletins.models import (
    AdoptionLevel,
    EditorialPolicy,
    FollowUpTask,
    IssueEntry,
    Solicitation,
    TaskStatus,
)
from bulletins.queries_editorial import (
    ANSWER_LABELS,
    FEEDBACK_LABELS,
    TASK_FILTERS,
    Seat,
    answers,
    feedback_line,
    filter_tasks,
    instruction_seat,
    instructions_of_leader,
    row_status,
    solicitation_seat,
    solicitations_for_unit,
    solicitations_with_counts,
    task_status,
    tasks,
)
from bulletins.rules import AnswerStatus, urgency
from org.http import AuthedRequest
from org.models import Unit, User
from org.roles import Capability
from submissions.models import InfoItem
from submissions.queries import get_visible_item, visible_items
from xinbao.core.inputs import parse_id, query_param
from xinbao.core.once import ALREADY_SAVED

PAGE_SIZE = 25
INSTRUCTION_PREFIX = "instr"


# --- instructions on an item -----------------------------------------------------------------


def instruction_form_for(
    user: User, data: Any = None
) -> InstructionForm | RecordedInstructionForm | None:
    """A leader writes (写批示); the section records one received on paper (登记批示)."""
    seat = instruction_seat(user)
    if seat == Seat.LEADER:
        return InstructionForm(data, prefix=INSTRUCTION_PREFIX)
    if seat == Seat.SECTION:
        return RecordedInstructionForm(data, prefix=INSTRUCTION_PREFIX)
    return None


def _entry_of(item: InfoItem, raw: str | None) -> IssueEntry | None:
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(
        IssueEntry.objects.select_related("issue__publication"), pk=pk, item=item
    )


@require_http_methods(["GET", "POST"])
def instruct(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an instruction on an item (or on its entry in a bulletin: ?entry=<id>)."""
    user = request.user
    item = get_visible_item(user, pk)
    form = instruction_form_for(user, request.POST or None)
    if form is None:
        raise PermissionDenied
    entry = _entry_of(item, request.POST.get("entry") or request.GET.get("entry"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_instruction(
                user,
                item.pk,
                data["text"],
                data["instructed_on"],
                level=data.get("level") or "",
                leader_name=data.get("leader_name") or "",
                entry_id=entry.pk if entry else None,
                token=form.token,
            )
        except actions.AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("submissions:detail", pk=item.pk)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Instruction recorded; the source units were asked for feedback.")
            )
            return redirect("submissions:detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "bulletins/instructions_new.html",
        {
            "item": item,
            "form": form,
            "entry": entry,
            "leader": not isinstance(form, RecordedInstructionForm),
        },
        status=status,
    )


# --- the instruction board -------------------------------------------------------------------


@require_safe
def instruction_board(request: AuthedRequest) -> HttpResponse:
    seat = instruction_seat(request.user)
    if seat == Seat.SECTION:
        return _section_board(request)
    if seat == Seat.UNIT:
        return _unit_board(request)
    if seat == Seat.LEADER:
        return _leader_board(request)
    raise PermissionDenied


def _own_unit(user: User) -> int:
    """The unit of a unit-seat user (the seat guarantees it has one)."""
    if user.unit_id is None:
        raise PermissionDenied
    return user.unit_id


def _int_or_none(raw: str | None) -> int | None:
    return parse_id(raw)


def _section_board(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    state = request.GET.get("state", "")
    state = state if state in TASK_FILTERS else ""
    unit_id = _int_or_none(request.GET.get("unit"))
    level = request.GET.get("level", "")
    level = level if level in AdoptionLevel.values else ""
    q = query_param(request)
    base = filter_tasks(tasks(), now, unit_id=unit_id, level=level, q=q)
    counts = base.aggregate(
        open=Count("pk", filter=Q(status=TaskStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_at__lt=now)),
        answered=Count("pk", filter=Q(status=TaskStatus.ANSWERED)),
        late=Count("pk", filter=Q(status=TaskStatus.ANSWERED, filed_at__gt=F("due_at"))),
    )
    open_rows: list[dict[str, Any]] = []
    if state in ("", "open", "overdue"):
        open_qs = filter_tasks(base, now, state=state or "open").order_by("due_at", "pk")
        open_rows = [{"task": t, "urgency": urgency(t.due_at, now)} for t in open_qs]
    answered_page = None
    if state in ("", "answered", "late"):
        answered_qs = filter_tasks(base, now, state=state or "answered").order_by("-filed_at")
        answered_page = Paginator(answered_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "seat": "section",
        "open_rows": open_rows,
        "answered_page": answered_page,
        "counts": counts,
        "state": state,
        "unit_id": unit_id,
        "level": level,
        "q": q,
        "units": Unit.objects.filter(follow_up_tasks__isnull=False).distinct(),
        "levels": AdoptionLevel.choices,
        "policy": EditorialPolicy.current(),
        "can_edit_policy": request.user.can(Capability.EDIT_EDITORIAL_POLICY),
        "now": now,
    }
    return render(request, "bulletins/instructions.html", context)


def _unit_board(request: AuthedRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    own = tasks().filter(unit_id=_own_unit(user))
    open_rows = [
        {
            "task": t,
            "urgency": urgency(t.due_at, now),
            "form": FeedbackForm(prefix=f"t{t.pk}"),
        }
        for t in own.filter(status=TaskStatus.OPEN).order_by("due_at", "pk")
    ]
    answered_page = Paginator(
        own.filter(status=TaskStatus.ANSWERED).order_by("-filed_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "seat": "unit",
        "open_rows": open_rows,
        "answered_page": answered_page,
        "now": now,
    }
    return render(request, "bulletins/instructions.html", context)


def _leader_board(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(instructions_of_leader(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "instruction": i,
            "tasks": [feedback_line(t, now) for t in i.tasks.all()],
        }
        for i in page
    ]
    context = {"seat": "leader", "page": page, "rows": rows, "now": now}
    return render(request, "bulletins/instructions.html", context)


def _visible_task(user: User, pk: int) -> FollowUpTask:
    task = get_object_or_404(tasks().select_related("instruction__leader"), pk=pk)
    seat = instruction_seat(user)
    if (
        seat == Seat.SECTION
        or (seat == Seat.UNIT and task.unit_id == user.unit_id)
        or (seat == Seat.LEADER and task.instruction.leader_id == user.pk)
    ):
        return task
    raise Http404


@require_http_methods(["GET", "POST"])
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One unit's follow-up on one instruction; its unit files the feedback here."""
    user = request.user
    task = _visible_task(user, pk)
    may_file = (
        task.status == TaskStatus.OPEN
        and task.unit_id == user.unit_id
        and instruction_seat(user) == Seat.UNIT
    )
    form = FeedbackForm(request.POST or None, prefix=f"t{task.pk}") if may_file else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_file_feedback(user, task.pk, form.cleaned_data["feedback"])
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Feedback filed. The section has it now."))
                return redirect("bulletins:instructions")
    now = timezone.now()
    status = task_status(task, now)
    context = {
        "task": task,
        "form": form,
        "status": status,
        "status_label": FEEDBACK_LABELS[status],
        "urgency": urgency(task.due_at, now) if task.status == TaskStatus.OPEN else "",
    }
    code = 400 if request.method == "POST" else 200
    return render(request, "bulletins/instructions_task.html", context, status=code)


@require_http_methods(["GET", "POST"])
def editorial_policy(request: AuthedRequest) -> HttpResponse:
    """The feedback window and the reminder fractions; the section chief edits them."""
    user = request.user
    if instruction_seat(user) != Seat.SECTION:
        raise PermissionDenied
    editable = user.can(Capability.EDIT_EDITORIAL_POLICY)
    policy = EditorialPolicy.current()
    form = EditorialPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_set_editorial_policy(
                    user,
                    form.cleaned_data["feedback_days"],
                    form.cleaned_data["reminder_fractions"],
                    form.cleaned_data["solicitation_days"],
                )
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Editorial policy saved."))
                return redirect("bulletins:editorial_policy")
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "bulletins/instructions_policy.html",
        {"form": form, "editable": editable, "policy": policy},
        status=400 if request.method == "POST" else 200,
    )


# --- solicitations ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def solicitation_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    seat = solicitation_seat(user)
    if seat is None:
        raise PermissionDenied
    now = timezone.now()
    if seat == Seat.UNIT:
        if request.method == "POST":
            raise PermissionDenied  # only the section issues solicitations
        page = Paginator(
            solicitations_for_unit(_own_unit(user)).order_by("-due_at", "-pk"), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        rows = []
        for s in page:
            for own in s.own_rows:  # type: ignore[attr-defined]
                status = row_status(own, now)
                rows.append({"s": s, "status": status, "label": ANSWER_LABELS[status]})
        return render(
            request,
            "bulletins/solicitations.html",
            {
                "seat": "unit",
                "page": page,
                "rows": rows,
                "now": now,
                "can_write": user.can(Capability.WRITE_ITEMS),
            },
        )
    form = SolicitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            solicitation = actions.do_issue_solicitation(
                user,
                data["topic"],
                data["requirements"],
                data["due_at"],
                data["target_units"],
                token=form.token,
            )
        except actions.AlreadySaved as done:
            messages.info(request, ALREADY_SAVED)
            return redirect("bulletins:solicitation", pk=done.obj.pk)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Solicitation issued to %(n)s units.") % {"n": len(data["target_units"])},
            )
            return redirect("bulletins:solicitation", pk=solicitation.pk)
    page = Paginator(solicitations_with_counts().order_by("-issued_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "s": s,
            "missed": s.n_open if s.due_at < now else 0,  # type: ignore[attr-defined]
            "pending": s.n_open if s.due_at >= now else 0,  # type: ignore[attr-defined]
            "urgency": urgency(s.due_at, now),
        }
        for s in page
    ]
    groups = {
        key: list(target_units().filter(kind__in=kinds).values_list("pk", flat=True))
        for key, (_label, kinds) in UNIT_GROUPS.items()
    }
    return render(
        request,
        "bulletins/solicitations.html",
        {
            "seat": "section",
            "form": form,
            "page": page,
            "rows": rows,
            "groups": groups,
            "now": now,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def solicitation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    seat = solicitation_seat(user)
    if seat is None:
        raise PermissionDenied
    solicitation = get_object_or_404(Solicitation.objects.select_related("issued_by"), pk=pk)
    now = timezone.now()
    if seat == Seat.UNIT:
        unit_id = _own_unit(user)
        if not solicitation.expected.filter(unit_id=unit_id).exists():
            raise Http404
        lines = answers(solicitation, visible_items(user), now, unit_id=unit_id)
    else:
        lines = answers(solicitation, visible_items(user), now)
    tally = {status: 0 for status in AnswerStatus}
    for line in lines:
        tally[line.status] += 1
    context = {
        "s": solicitation,
        "seat": seat.value,
        "lines": lines,
        "tally": [(ANSWER_LABELS[s], n, s.value) for s, n in tally.items() if n],
        "open": solicitation.due_at >= now,
        "can_write": seat == Seat.UNIT
        and user.can(Capability.WRITE_ITEMS)
        and solicitation.due_at >= now,
        "now": now,
    }
    return render(request, "bulletins/solicitation_detail.html", context)
