from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from duty.models import EntryKind
from emergencies.models import Incident, IncidentStatus
from org.models import Unit
from xinbao.core.inputs import Form


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EntryForm(Form):
    at = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    caller = forms.CharField(label=_("Who"), max_length=50, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=2000, widget=forms.Textarea)
    incident = forms.ModelChoiceField(
        label=_("Incident"),
        queryset=Incident.objects.filter(status=IncidentStatus.OPEN).order_by("-pk"),
        required=False,
    )


class HandoverForm(Form):
    matters = forms.CharField(
        label=_("Matters to hand over"), max_length=3000, required=False, widget=forms.Textarea
    )


class PeriodForm(Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    starts_on = forms.DateField(label=_("From"), widget=_date_input())
    ends_on = forms.DateField(label=_("To"), widget=_date_input())
    due_time = forms.TimeField(label=_("Due each day by"), initial=time(9, 0), widget=_time_input())
    reminder_minutes = forms.IntegerField(
        label=_("Reminder, minutes before"), min_value=0, max_value=720, initial=60
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.filter(is_reporting=True, is_active=True).order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every reporting unit."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The period ends before it begins."))
        return data


class ZeroReportForm(Form):
    has_matters = forms.TypedChoiceField(
        label=_("Today"),
        choices=[("0", _("Nothing to report")), ("1", _("There is something to report"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    text = forms.CharField(
        label=_("What there is to report"), max_length=2000, required=False, widget=forms.Textarea
    )
