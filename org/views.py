from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from org import actions
from org.duty import Desk, hours_for, route
from org.forms import (
    MAX_YEAR,
    MIN_YEAR,
    DutyShiftForm,
    ImportDaysForm,
    ImportKind,
    OfficeHoursForm,
    OfficeHoursPeriodForm,
    OfficialDaysForm,
    PublishYearForm,
    SecurityPolicyForm,
)
from org.http import AuthedRequest
from org.models import CalendarYear, DayKind, OfficeHours, OfficeHoursPeriod, SecurityPolicy
from org.network import reporting_units_status
from org.notice import ParsedDays, missing_festivals, parse_csv, parse_notice
from org.queries import calendar_runs, roster_weeks, shifts_now, year_tabs
from org.roles import Capability
from org.schedule import PeriodInput, week_start
from org.security import active_locks
from org.twofactor_views import ResetForm
from xinbao.core.inputs import parse_id


def _require(request: AuthedRequest, capability: Capability) -> None:
    if not request.user.can(capability):
        raise PermissionDenied


@require_safe
def units(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.VIEW_NETWORK)
    network = reporting_units_status()
    holes_only = request.GET.get("holes") == "1"
    return render(
        request,
        "org/units.html",
        {
            "statuses": network.holes if holes_only else network.units,
            "holes_only": holes_only,
            "total": len(network.units),
            "hole_count": len(network.holes),
            "silence_days": network.silent_after,
        },
    )


@require_http_methods(["GET", "POST"])
def security(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_SECURITY)
    # Read before the form: a rejected form copies its valid fields onto the policy in memory.
    locked, unknown = active_locks()
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in SecurityPolicyForm.Meta.fields}
        actions.do_set_security_policy(request.user, values)
        messages.success(request, _("The security policy was saved."))
        return redirect("org:security")
    return render(
        request,
        "org/security.html",
        {"form": form, "locked": locked, "unknown": unknown, "reset_form": ResetForm()},
    )


@require_POST
def unlock(request: AuthedRequest, username: str) -> HttpResponse:
    _require(request, Capability.MANAGE_SECURITY)
    actions.do_unlock_account(request.user, username)
    messages.success(request, _("Account %(name)s was unlocked.") % {"name": username})
    return redirect("org:security")


# --- the official calendar and office hours (system administrator) --------------------------


def _year_param(raw: str | None) -> int:
    today = timezone.localdate()
    try:
        year = int(raw or "")
    except ValueError:
        return today.year
    return year if MIN_YEAR <= year <= MAX_YEAR else today.year


def _calendar_url(year: int) -> str:
    return f"{reverse('org:calendar')}?year={year}"


def _calendar_page(
    request: AuthedRequest,
    year: int,
    *,
    days_form: OfficialDaysForm | None = None,
    publish_form: PublishYearForm | None = None,
    hours_form: OfficeHoursForm | None = None,
    import_form: ImportDaysForm | None = None,
    period_form: OfficeHoursPeriodForm | None = None,
    preview: ParsedDays | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    years = {y.year: y for y in CalendarYear.objects.all()}
    hours = OfficeHours.current()
    runs = calendar_runs(year)
    holiday_names = {r.name for r in runs if r.kind == DayKind.HOLIDAY}
    publish_initial = {
        "year": year,
        "published_on": _date_param(request.GET.get("issued")) or today,
        "notice_number": request.GET.get("number", "")[:40],
    }
    return render(
        request,
        "org/calendar.html",
        {
            "year": year,
            "missing": missing_festivals(holiday_names),
            "import_form": import_form or ImportDaysForm(),
            "period_form": period_form or OfficeHoursPeriodForm(),
            "periods": OfficeHoursPeriod.objects.all(),
            "preview": preview,
            "entered": years.get(year),
            "tabs": year_tabs(today, set(years)),
            "runs": runs,
            "holiday_count": sum(len(r.days) for r in runs if r.kind == DayKind.HOLIDAY),
            "workday_count": sum(len(r.days) for r in runs if r.kind == DayKind.WORKDAY),
            "days_form": days_form or OfficialDaysForm(initial={"kind": DayKind.HOLIDAY}),
            "publish_form": publish_form or PublishYearForm(initial=publish_initial),
            "hours_form": hours_form
            or OfficeHoursForm(
                initial={
                    "morning_start": hours.morning_start,
                    "morning_end": hours.morning_end,
                    "afternoon_start": hours.afternoon_start,
                    "afternoon_end": hours.afternoon_end,
                }
            ),
        },
    )


@require_safe
def calendar(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    return _calendar_page(request, _year_param(request.GET.get("year")))


@require_POST
def calendar_add(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    form = OfficialDaysForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            days = actions.do_add_official_days(
                request.user, data["start"], data["end"], data["kind"], data["name"]
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d day entered: %(name)s.",
                    "%(count)d days entered: %(name)s.",
                    len(days),
                )
                % {"count": len(days), "name": data["name"]},
            )
            return redirect(_calendar_url(data["start"].year))
    return _calendar_page(request, _year_param(request.POST.get("year")), days_form=form)


@require_POST
def calendar_remove(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    raw = request.POST.get("day", "")
    try:
        day = actions.do_remove_official_day(request.user, parse_id(raw) or 0)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect(_calendar_url(_year_param(request.POST.get("year"))))
    messages.success(
        request, _("%(date)s was removed from the calendar.") % {"date": day.date.isoformat()}
    )
    return redirect(_calendar_url(day.date.year))


@require_POST
def calendar_publish(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    form = PublishYearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            actions.do_publish_calendar_year(
                request.user,
                year,
                form.cleaned_data["published_on"],
                form.cleaned_data["notice_number"],
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The official calendar of %(year)s is published.") % {"year": year},
            )
            return redirect(_calendar_url(year))
    return _calendar_page(request, _year_param(request.POST.get("year")), publish_form=form)


@require_POST
def calendar_hours(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    form = OfficeHoursForm(request.POST)
    year = _year_param(request.POST.get("year"))
    if form.is_valid():
        try:
            actions.do_set_office_hours(request.user, **form.cleaned_data)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The office hours were saved."))
            return redirect(_calendar_url(year))
    return _calendar_page(request, year, hours_form=form)


def _date_param(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


@require_POST
def calendar_import(request: AuthedRequest) -> HttpResponse:
    """Paste the notice (or a CSV), see the days it gives, then confirm: the first post shows
    the preview and saves nothing; the confirming post reads the same text again and saves."""
    _require(request, Capability.MANAGE_CALENDAR)
    year = _year_param(request.POST.get("year"))
    form = ImportDaysForm(request.POST, request.FILES)
    if not form.is_valid():
        return _calendar_page(request, year, import_form=form)
    data = form.cleaned_data
    if data["source"] == ImportKind.CSV:
        parsed = parse_csv(data["text"])
    else:
        parsed = parse_notice(data["text"], year)
    shown = parsed.year or year
    if request.POST.get("confirm") != "1" or not parsed.ok:
        # Carry the text read (a file's too) into the confirming post.
        confirm_form = ImportDaysForm(initial={"source": data["source"], "text": data["text"]})
        return _calendar_page(request, shown, import_form=confirm_form, preview=parsed)
    try:
        days = actions.do_import_official_days(request.user, parsed.days, data["source"])
    except actions.ActionError as exc:
        form.add_error(None, str(exc))
        return _calendar_page(request, shown, import_form=form, preview=parsed)
    messages.success(
        request,
        ngettext("%(count)d day entered.", "%(count)d days entered.", len(days))
        % {"count": len(days)},
    )
    query: dict[str, str | int] = {"year": shown}
    if parsed.number:
        query["number"] = parsed.number
    if parsed.issued_on:
        query["issued"] = parsed.issued_on.isoformat()
    return redirect(f"{reverse('org:calendar')}?{urlencode(query)}#publish")


@require_POST
def calendar_period_add(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    year = _year_param(request.POST.get("year"))
    form = OfficeHoursPeriodForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        name = data.pop("name")
        try:
            actions.do_add_office_hours_period(request.user, name, PeriodInput(**data))
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The period %(name)s was saved.") % {"name": name})
            return redirect(_calendar_url(year))
    return _calendar_page(request, year, period_form=form)


@require_POST
def calendar_period_remove(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_CALENDAR)
    year = _year_param(request.POST.get("year"))
    try:
        row = actions.do_remove_office_hours_period(
            request.user, parse_id(request.POST.get("period", "")) or 0
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The period %(name)s was removed.") % {"name": row.name})
    return redirect(_calendar_url(year))


# --- the duty roster (duty office) ----------------------------------------------------------


def _week_param(raw: str | None) -> date:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        day = today
    return week_start(day if MIN_YEAR <= day.year <= MAX_YEAR else today)


def _duty_url(monday: date) -> str:
    return f"{reverse('org:duty')}?week={monday.isoformat()}"


def _duty_page(
    request: AuthedRequest, monday: date, form: DutyShiftForm | None = None
) -> HttpResponse:
    now = timezone.now()
    routing = route(now)
    current = shifts_now(now)
    if form is None:
        today = timezone.localdate()
        tomorrow = today + timedelta(days=1)
        form = DutyShiftForm(
            initial={
                "starts_at": datetime.combine(today, hours_for(today).afternoon_end),
                "ends_at": datetime.combine(tomorrow, hours_for(tomorrow).morning_start),
            }
        )
    this_monday = week_start(timezone.localdate())
    return render(
        request,
        "org/duty.html",
        {
            "routing": routing,
            "to_duty_office": routing.desk == Desk.DUTY,
            "current": current,
            "gap": routing.desk == Desk.DUTY and not current,
            "weeks": roster_weeks(monday, now),
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "this_monday": this_monday,
            "form": form,
        },
    )


@require_safe
def duty(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_DUTY)
    return _duty_page(request, _week_param(request.GET.get("week")))


@require_POST
def duty_add(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_DUTY)
    form = DutyShiftForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shift = actions.do_add_duty_shift(
                request.user,
                data["person"],
                data["starts_at"],
                data["ends_at"],
                data["is_leader"],
                data["note"],
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The shift of %(person)s was added.") % {"person": shift.person}
            )
            return redirect(_duty_url(week_start(timezone.localtime(shift.starts_at).date())))
    return _duty_page(request, _week_param(request.POST.get("week")), form)


@require_POST
def duty_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Capability.MANAGE_DUTY)
    try:
        actions.do_delete_duty_shift(request.user, pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The shift was deleted."))
    return redirect(_duty_url(_week_param(request.POST.get("week"))))


@require_POST
def duty_repeat(request: AuthedRequest) -> HttpResponse:
    """Copy the week before `target` into it; back to the page as it was shown."""
    _require(request, Capability.MANAGE_DUTY)
    target = _week_param(request.POST.get("target"))
    result = actions.do_repeat_week(request.user, target)
    copied = ngettext(
        "%(count)d shift copied from the week before.",
        "%(count)d shifts copied from the week before.",
        result.copied,
    ) % {"count": result.copied}
    if result.skipped:
        copied += " " + ngettext(
            "%(count)d skipped (overlapping, already past, or off the roster).",
            "%(count)d skipped (overlapping, already past, or off the roster).",
            result.skipped,
        ) % {"count": result.skipped}
    messages.success(request, copied)
    return redirect(_duty_url(_week_param(request.POST.get("week") or target.isoformat())))
