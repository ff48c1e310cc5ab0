from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability import rules
from accountability.models import (
    CriticismNotice,
    EligibilityRule,
    NoticePolicy,
    Violation,
    ViolationKind,
    ViolationStatus,
)
from emergencies.models import Incident, IncidentReport
from org.models import Unit, upper_office
from submissions.models import InfoItem
from xinbao.core.inputs import Form, ModelForm, parse_id
from xinbao.core.once import OnceForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def reporting_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_reporting=True, is_active=True).order_by("sort_order", "code")


def _not_future(value: date) -> None:
    if value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


class ViolationChoice(forms.ModelMultipleChoiceField[Violation]):
    def label_from_instance(self, obj: Any) -> str:
        v: Violation = obj
        about = v.incident.title if v.incident else v.item.title if v.item else v.summary
        late = _("%(n)s min late") % {"n": v.minutes_late} if v.minutes_late is not None else ""
        parts = [v.unit.name, str(v.get_kind_display()), about, late, f"{v.occurred_on:%Y-%m-%d}"]
        return " · ".join(p for p in parts if p)


class ExplanationForm(OnceForm):
    text = forms.CharField(
        label=_("Your explanation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened on your side; the section chief reads it before deciding."),
        error_messages={"required": _("Write the explanation first.")},
    )


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(rules.CONFIRM, _("Confirm")), (rules.WAIVE, _("Waive"))],
        widget=forms.RadioSelect,
    )
    serious = forms.BooleanField(label=_("Serious (情况严重)"), required=False)
    important = forms.BooleanField(label=_("Important emergency information"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to waive; recorded with a confirmation too."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == rules.WAIVE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A waiver needs a reason."))
        return data


class IncidentChoice(forms.ModelChoiceField[Incident]):
    def label_from_instance(self, obj: Any) -> str:
        incident: Incident = obj
        return f"{timezone.localtime(incident.clock_start):%Y-%m-%d} {incident.title}"


class ReportChoice(forms.ModelChoiceField[IncidentReport]):
    def label_from_instance(self, obj: Any) -> str:
        from emergencies.queries import report_label

        report: IncidentReport = obj
        return f"{report.unit.name} {report_label(report)} {report.created_at:%m-%d %H:%M}"


class EntryForm(OnceForm):
    """A false or concealed report, entered by the section with its evidence."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in (ViolationKind.FALSE, ViolationKind.CONCEALED)],
        widget=forms.RadioSelect,
    )
    incident = IncidentChoice(
        label=_("Incident"),
        queryset=Incident.objects.none(),
        required=False,
        help_text=_("The emergency the report was about, if it is in xinbao."),
    )
    report = ReportChoice(
        label=_("Report at fault"),
        queryset=IncidentReport.objects.none(),
        required=False,
        help_text=_("Choose the incident first; its reports then appear here."),
    )
    item = forms.IntegerField(
        label=_("Item number"),
        min_value=1,
        required=False,
        help_text=_("Or a routine item: its number in xinbao."),
    )
    summary = forms.CharField(
        label=_("About"),
        max_length=200,
        required=False,
        help_text=_("Or, when neither is in xinbao, what it is about in a few words."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, validators=[_not_future])
    serious = forms.BooleanField(label=_("Serious (情况严重)"), required=False)
    important = forms.BooleanField(
        label=_("Important emergency information"), required=False, initial=True
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("The evidence is required.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_units()  # type: ignore[attr-defined]
        self.fields["incident"].queryset = Incident.objects.order_by(  # type: ignore[attr-defined]
            "-clock_start"
        )
        incident_id = self.data.get("incident") or self.initial.get("incident")
        self.fields["report"].queryset = reports_of(incident_id)  # type: ignore[attr-defined]

    def clean_item(self) -> InfoItem | None:
        number = self.cleaned_data.get("item")
        if number is None:
            return None
        item = InfoItem.objects.filter(pk=number).first()
        if item is None:
            raise forms.ValidationError(_("There is no item with this number."))
        return item


def reports_of(incident_id: Any) -> QuerySet[IncidentReport]:
    pk = parse_id(incident_id)
    if pk is None:
        return IncidentReport.objects.none()
    return IncidentReport.objects.filter(incident_id=pk).select_related("unit")


class CompileForm(Form):
    violations = ViolationChoice(
        label=_("Confirmed violations"),
        queryset=Violation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the confirmed violations the notice names.")},
    )
    send_to_all = forms.BooleanField(label=_("Send to all reporting units"), required=False)

    def __init__(self, *args: Any, choices: QuerySet[Violation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violations"].queryset = choices  # type: ignore[attr-defined]


class NoticeEditForm(ModelForm):
    violations = ViolationChoice(
        label=_("Violations named"),
        queryset=Violation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the confirmed violations the notice names.")},
    )

    class Meta:
        model = CriticismNotice
        fields = ["title", "issuing_office", "recipients", "copy_to", "body", "send_to_all"]
        labels = {"body": _("Text"), "send_to_all": _("Send to all reporting units")}
        help_texts = {"body": _("One paragraph per line.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, choices: QuerySet[Violation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violations"].queryset = choices  # type: ignore[attr-defined]
        self.fields["issuing_office"].required = True


class IssueForm(Form):
    issued_on = forms.DateField(label=_("Date issued"), widget=DATE, validators=[_not_future])


class ProvinceNoticeForm(Form):
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_("As printed on the notice, e.g. 省委办通〔年份〕5号."),
    )
    issued_on = forms.DateField(label=_("Date issued"), widget=DATE, validators=[_not_future])
    issuing_office = forms.CharField(label=_("Issuing authority"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("The notice's text, or the passages that concern the city's units."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units named"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name the units the notice criticises.")},
    )
    violations = ViolationChoice(
        label=_("Violations it names"),
        queryset=Violation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Confirmed violations of the units named."),
    )
    send_to_all = forms.BooleanField(label=_("Send to all reporting units"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = reporting_units()  # type: ignore[attr-defined]
        self.fields["violations"].queryset = (  # type: ignore[attr-defined]
            Violation.objects.filter(status=ViolationStatus.CONFIRMED)
            .select_related("unit", "incident", "item")
            .order_by("unit__sort_order", "-occurred_on")
        )
        province = upper_office()
        if province is not None and not self.is_bound:
            self.initial.setdefault("issuing_office", province.name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        units = {u.pk for u in data.get("units") or ()}
        stray = [v for v in data.get("violations") or () if v.unit_id not in units]
        if stray:
            self.add_error(
                "violations", _("Every violation linked must be of one of the units named.")
            )
        return data


class RuleForm(ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Violation kinds that count"),
        choices=ViolationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of violation that counts.")},
    )

    class Meta:
        model = EligibilityRule
        fields = [
            "provincial_notices",
            "municipal_notices",
            "kinds",
            "serious_only",
            "important_only",
        ]
        help_texts = {
            "provincial_notices": _("0: upper-level notices never disqualify."),
            "municipal_notices": _("0: the office's own notices never disqualify."),
        }


class NoticePolicyForm(ModelForm):
    class Meta:
        model = NoticePolicy
        fields = ["doc_prefix", "recipients"]


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
    )


class QueueFilter(Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ViolationStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *ViolationKind.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("Any unit")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_units()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
