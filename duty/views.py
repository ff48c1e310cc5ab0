"""The duty office's pages: a shift's log, the handovers, today's zero reports and their
periods. Thin: the writes are in duty.actions and duty.actions_zero."""

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from duty import access, actions, actions_zero, queries, rules
from duty.forms import EntryForm, HandoverForm, PeriodForm, ZeroReportForm
from duty.models import Handover, ZeroPeriod
from org.guards import guarded
from org.http import AuthedRequest
from org.models import DutyShift, User
from xinbao.core.errors import ActionError
from xinbao.core.inputs import parse_id


def _keeps_duty(user: User, pk: int | None = None) -> bool:
    return access.keeps_duty(user)


def _heads(user: User, pk: int | None = None) -> bool:
    return access.heads_duty_office(user)


def _opens_zero(user: User) -> bool:
    return access.opens_zero_reports(user)


def _files_zero(user: User) -> bool:
    return access.files_zero_reports(user)


def _log_page(request: AuthedRequest, shift: DutyShift | None, form: EntryForm) -> HttpResponse:
    now = timezone.now()
    handover = Handover.objects.filter(outgoing_shift=shift).first() if shift else None
    context = {
        "shift": shift,
        "lines": queries.log_lines(shift) if shift else [],
        "shifts": queries.recent_shifts(now),
        "form": form,
        "handover": handover,
        # Signed by both officers: the log is closed, no form to add to it.
        "closed": handover is not None and handover.signed_at is not None,
    }
    return render(request, "duty/log.html", context, status=400 if form.errors else 200)


@require_safe
@guarded(_keeps_duty)
def log(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    pk = parse_id(request.GET.get("shift", ""))
    shift: DutyShift | None
    if pk is not None:
        shift = get_object_or_404(DutyShift.objects.select_related("person"), pk=pk)
    else:
        shift = queries.shift_of(request.user, now)
    # An entry's time lies in its shift: a past shift's form starts at the shift's end.
    at = min(now, shift.ends_at) if shift else now
    initial = {"at": timezone.localtime(at).replace(second=0, microsecond=0, tzinfo=None)}
    return _log_page(request, shift, EntryForm(initial=initial))


@require_POST
@guarded(_keeps_duty)
def add_entry(request: AuthedRequest) -> HttpResponse:
    pk = parse_id(request.POST.get("shift", ""))
    shift = get_object_or_404(DutyShift.objects.select_related("person"), pk=pk or 0)
    form = EntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        entry = actions.Entry(
            at=data["at"],
            kind=data["kind"],
            summary=data["summary"],
            caller=data["caller"],
            unit=data["unit"],
            phone=data["phone"],
            incident=data["incident"],
        )
        try:
            actions.add_entry(request.user, shift, entry)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The entry was added to the duty log."))
            return redirect(f"{reverse('duty:log')}?shift={shift.pk}")
    return _log_page(request, shift, form)


def _handovers_page(request: AuthedRequest, form: HandoverForm) -> HttpResponse:
    rows = Handover.objects.select_related("outgoing", "incoming", "outgoing_shift")[:100]
    context = {
        "handovers": rows,
        "form": form,
        "shift": queries.shift_of(request.user, timezone.now()),
    }
    return render(request, "duty/handovers.html", context, status=400 if form.errors else 200)


@require_safe
@guarded(_keeps_duty)
def handovers(request: AuthedRequest) -> HttpResponse:
    return _handovers_page(request, HandoverForm())


@require_POST
@guarded(_keeps_duty)
def start_handover(request: AuthedRequest) -> HttpResponse:
    """A refused handover is shown again with what was typed (a redirect would lose it)."""
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            handover = actions.start_handover(request.user, form.cleaned_data["matters"])
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Handover started: the incoming duty officer signs it here.")
            )
            return redirect("duty:handover", pk=handover.pk)
    return _handovers_page(request, form)


@require_safe
@guarded(_keeps_duty)
def handover(request: AuthedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        Handover.objects.select_related("outgoing", "incoming", "outgoing_shift"), pk=pk
    )
    due = rules.next_shift_due(
        [c for c in row.carried if c.get("kind") == "deadline"], row.started_at
    )
    context = {
        "handover": row,
        "incoming_people": actions.incoming_people(row),
        "incidents": [c for c in row.carried if c.get("kind") == "incident"],
        "deadlines": due.shown,
        "later": due.rest,
        "window_hours": int(rules.NEXT_SHIFT_WINDOW.total_seconds() // 3600),
    }
    return render(request, "duty/handover.html", context)


@require_POST
@guarded(_keeps_duty)
def sign_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    get_object_or_404(Handover, pk=pk)
    try:
        actions.sign_handover(request.user, pk)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handover signed: you are on duty."))
    return redirect("duty:handover", pk=pk)


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@require_safe
@guarded(_opens_zero)
def zero(request: AuthedRequest) -> HttpResponse:
    """The duty office's grid of the day's zero reports; a unit's officer's own report."""
    now = timezone.now()
    today = timezone.localtime(now).date()
    if access.keeps_duty(request.user):
        day = _day(request.GET.get("day"), today)
        context = {
            "grid": queries.grid(day, now),
            "today": today,
            "periods": queries.upcoming_periods(today),
            "may_edit": access.heads_duty_office(request.user),
        }
        return render(request, "duty/zero_grid.html", context)
    return _file_page(request, ZeroReportForm())


def _file_page(request: AuthedRequest, form: ZeroReportForm) -> HttpResponse:
    owed = queries.owed_today(request.user)
    context = {
        "owed": owed,
        "form": form,
        "periods": queries.upcoming_periods(timezone.localdate()),
    }
    return render(request, "duty/zero_file.html", context, status=400 if form.errors else 200)


@require_POST
@guarded(_files_zero)
def file_zero(request: AuthedRequest) -> HttpResponse:
    form = ZeroReportForm(request.POST)
    if form.is_valid():
        try:
            actions_zero.file_report(
                request.user, form.cleaned_data["has_matters"], form.cleaned_data["text"]
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Today's zero report was filed."))
            return redirect("duty:zero")
    return _file_page(request, form)


def _period_data(form: PeriodForm) -> actions_zero.PeriodData:
    d = form.cleaned_data
    return actions_zero.PeriodData(
        name=d["name"],
        starts_on=d["starts_on"],
        ends_on=d["ends_on"],
        due_time=d["due_time"],
        reminder_minutes=d["reminder_minutes"],
        units=list(d["units"]),
    )


def _save_period(
    request: AuthedRequest, form: PeriodForm, period: ZeroPeriod | None
) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        actions_zero.save_period(request.user, _period_data(form), period)
    except ActionError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("The zero-report period was saved."))
    return redirect("duty:periods")


@require_http_methods(["GET", "POST"])
@guarded(_heads)
def periods(request: AuthedRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    done = _save_period(request, form, None)
    if done is not None:
        return done
    context = {"periods": ZeroPeriod.objects.prefetch_related("units"), "form": form}
    return render(request, "duty/periods.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@guarded(_heads)
def period(request: AuthedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ZeroPeriod, pk=pk)
    initial = {
        "name": row.name,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "due_time": row.due_time,
        "reminder_minutes": row.reminder_minutes,
        "units": list(row.units.all()),
    }
    form = PeriodForm(request.POST or None, initial=initial)
    done = _save_period(request, form, row)
    if done is not None:
        return done
    context = {"period": row, "form": form}
    return render(request, "duty/period.html", context, status=400 if form.errors else 200)
