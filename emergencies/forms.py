from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.fields import EscalationStepsField, ReminderPointsField
from emergencies import rules
from emergencies.actions import ActionError, PhoneCall, ReportContent, category_code_for
from emergencies.models import (
    MAX_DEADLINE_MINUTES,
    Category,
    CategoryCode,
    DeadlineRule,
    Level,
    MatchingPolicy,
    ReportKind,
    SourceKind,
)
from org.models import Unit, upper_units
from org.roles import Capability, roles_with
from xinbao.core.inputs import INT_MAX, Form, ModelForm
from xinbao.core.once import OnceForm

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _not_future(value: datetime | None) -> datetime | None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError(_("This time is in the future."))
    return value


# A count of people: what the model's column holds (the same bound as its validators).
COUNT: dict[str, Any] = {"min_value": 0, "max_value": INT_MAX, "required": False}


def reporting_units() -> Any:
    return Unit.objects.filter(is_reporting=True, is_active=True)


class ContentFields(OnceForm):
    """The report's content. 'Brief first': what, casualties and measures are the core."""

    summary = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say briefly what happened.")},
    )
    deaths = forms.IntegerField(label=_("Deaths"), **COUNT)
    serious_injuries = forms.IntegerField(label=_("Seriously injured"), **COUNT)
    injuries = forms.IntegerField(label=_("Injured"), **COUNT)
    missing = forms.IntegerField(
        label=_("Missing"),
        help_text=_(
            "Counted with the deaths when a level is suggested (deaths including missing)."
        ),
        **COUNT,
    )
    direct_loss = forms.DecimalField(
        label=_("Direct loss (10k yuan)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        required=False,
    )
    cause = forms.CharField(label=_("Cause, if known"), max_length=2000, required=False)
    trend = forms.CharField(label=_("Trend"), max_length=2000, required=False)
    on_site = forms.CharField(label=_("Who is on site"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)

    CONTENT = (
        "summary",
        "deaths",
        "serious_injuries",
        "injuries",
        "missing",
        "direct_loss",
        "measures",
        "cause",
        "trend",
        "on_site",
        "contact",
    )

    def content(self) -> ReportContent:
        data = self.cleaned_data
        return ReportContent(
            summary=data["summary"],
            deaths=data.get("deaths"),
            serious_injuries=data.get("serious_injuries"),
            injuries=data.get("injuries"),
            missing=data.get("missing"),
            direct_loss=data.get("direct_loss"),
            cause=data.get("cause") or "",
            measures=data.get("measures") or "",
            trend=data.get("trend") or "",
            on_site=data.get("on_site") or "",
            contact=data.get("contact") or "",
        )


class InitialCore(ContentFields):
    """A first report must carry casualties and measures, even if they are zero / 'none yet'."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("deaths") is None
            and data.get("injuries") is None
            and data.get("serious_injuries") is None
        ):
            self.add_error("deaths", _("State casualties, even if there are none (0)."))
        if not (data.get("measures") or "").strip():
            self.add_error("measures", _("State the measures taken so far."))
        return data


def category_code_choices(category: str = "") -> list[Any]:
    """The active GB/T 35561 codes grouped under their class, for a <select> with optgroups
    (only `category`'s when given)."""
    groups: dict[str, list[tuple[str, str]]] = {value: [] for value in Category.values}
    rows = CategoryCode.objects.filter(is_active=True).order_by("code")
    for row in rows.filter(category=category) if category else rows:
        groups[row.category].append((row.code, f"{row.code} {row.name}"))
    return [
        ("", _("Not yet known")),
        *[(Category(value).label, rows) for value, rows in groups.items() if rows],
    ]


class IncidentFields(Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose…")), *Category.choices],
        error_messages={"required": _("Choose a category.")},
    )
    category_code = forms.ChoiceField(
        label=_("Category code (GB/T 35561)"),
        required=False,
        help_text=_("The national code of the event's type; it must belong to the category."),
        error_messages={"invalid_choice": _("Choose a code from the list.")},
    )
    subtype = forms.CharField(
        label=_("Type"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. fire, flood, road accident")}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("Not graded / not yet known")), *Level.choices],
        required=False,
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive event"),
        required=False,
        help_text=_(
            "Sensitive information is reported irrespective of the grading standards: "
            "it is held to the strictest deadlines of its category while the office's rule says so."
        ),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DT)
    known_at = forms.DateTimeField(label=_("Known at"), widget=DT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = category_code_choices()  # type: ignore[attr-defined]

    def clean_occurred_at(self) -> datetime | None:
        return _not_future(self.cleaned_data.get("occurred_at"))

    def clean_known_at(self) -> datetime | None:
        return _not_future(self.cleaned_data.get("known_at"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == Category.SOCIAL and data.get("level"):
            self.add_error("level", _("Social security events are not graded by level."))
        code, category = data.get("category_code"), data.get("category")
        if code and category:
            try:
                category_code_for(category, code)
            except ActionError as exc:
                self.add_error("category_code", str(exc))
        occurred, known = data.get("occurred_at"), data.get("known_at")
        if occurred and known and occurred > known:
            self.add_error("known_at", _("It cannot have become known before it happened."))
        return data


class WrittenInitialForm(IncidentFields, InitialCore):
    """An officer's written initial report for their own unit (首报)."""


class CallFields(Form):
    unit = forms.ModelChoiceField(label=_("Reporting unit"), queryset=Unit.objects.none())
    caller = forms.CharField(label=_("Caller"), max_length=50)
    caller_phone = forms.CharField(label=_("Caller's number"), max_length=30)
    called_at = forms.DateTimeField(label=_("Call time"), widget=DT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_units()  # type: ignore[attr-defined]
        self.fields["called_at"].initial = _now_local()

    def clean_called_at(self) -> datetime | None:
        return _not_future(self.cleaned_data.get("called_at"))

    def call(self) -> PhoneCall:
        data = self.cleaned_data
        return PhoneCall(data["caller"], data["caller_phone"], data["called_at"])


class PhoneInitialForm(CallFields, IncidentFields, InitialCore):
    """The duty office logs a unit's phone report (电话首报)."""


class FollowupForm(ContentFields):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[
            (ReportKind.FOLLOWUP, _("Follow-up report")),
            (ReportKind.FINAL, _("Final report")),
        ],
        widget=forms.RadioSelect,
        initial=ReportKind.FOLLOWUP,
    )

    def __init__(self, *args: Any, closed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if closed:
            # After the final report only a supplementary report (补报) is taken.
            kind = self.fields["kind"]
            kind.choices = [(ReportKind.SUPPLEMENTARY, _("Supplementary report"))]  # type: ignore[attr-defined]
            kind.initial = ReportKind.SUPPLEMENTARY


class SectionCallForm(Form):
    """The section's own phone report upward (向省委电话报告)."""

    called_whom = forms.CharField(label=_("Called whom"), max_length=100)
    called_at = forms.DateTimeField(label=_("Time of the call"), widget=DT)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["called_at"].initial = _now_local()

    def clean_called_at(self) -> datetime | None:
        return _not_future(self.cleaned_data.get("called_at"))


class PhoneFollowupForm(CallFields, FollowupForm):
    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CategoryCodeForm(Form):
    """An incident's code set or corrected later: only its own category's codes are offered."""

    category_code = forms.ChoiceField(
        label=_("Category code (GB/T 35561)"),
        error_messages={
            "required": _("Choose a code from the list."),
            "invalid_choice": _("Choose a code from the list."),
        },
    )

    def __init__(self, *args: Any, category: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = category_code_choices(category)
        self.fields["category_code"].choices = choices  # type: ignore[attr-defined]


class LevelForm(Form):
    level = forms.ChoiceField(
        label=_("New level"), choices=[("", _("Not graded")), *Level.choices], required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForwardForm(Form):
    to_unit = forms.ModelChoiceField(
        label=_("Forward to"), queryset=Unit.objects.none(), empty_label=None
    )
    text = forms.CharField(
        label=_("Text to forward"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The units above this office's level: a city's forwards to the province or the
        # centre, a province's to the centre.
        self.fields["to_unit"].queryset = upper_units()  # type: ignore[attr-defined]


class SightingForm(OnceForm):
    source_kind = forms.ChoiceField(label=_("Channel"), choices=SourceKind.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. 江城晚报 website, 12345 work order no.")}
        ),
    )
    seen_at = forms.DateTimeField(label=_("Seen at"), widget=DT)
    text = forms.CharField(
        label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Unknown")), *Category.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Its reporting clock starts at the sighting if nothing matches."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_units()  # type: ignore[attr-defined]
        self.fields["seen_at"].initial = _now_local()

    def clean_seen_at(self) -> datetime | None:
        return _not_future(self.cleaned_data.get("seen_at"))


# An escalation step can only reach people who can open the board and act on it.
ESCALATION_ROLES = roles_with(Capability.WATCH_EMERGENCIES)


class DeadlineRuleForm(ModelForm):
    reminder_fractions = ReminderPointsField(label=_("Reminders"))
    escalation = EscalationStepsField(ESCALATION_ROLES, MAX_DEADLINE_MINUTES, label=_("Escalation"))

    class Meta:
        model = DeadlineRule
        fields = [
            "phone_minutes",
            "written_minutes",
            "followup_hours",
            "followup_times",
            "forward_minutes",
            "section_phone_minutes",
            "reminder_fractions",
            "escalation",
        ]

    def clean_written_minutes(self) -> int:
        value: int = self.cleaned_data["written_minutes"]
        if not 1 <= value <= 7 * 24 * 60:
            raise forms.ValidationError(_("Between 1 minute and 7 days."))
        return value

    def clean_followup_times(self) -> str:
        raw: str = self.cleaned_data.get("followup_times") or ""
        try:
            times = rules.parse_times(raw)
        except ValueError as exc:
            raise forms.ValidationError(
                _("“%(part)s” is not a time like 08:00.") % {"part": exc}
            ) from None
        return ",".join(t.strftime("%H:%M") for t in times)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        phone, written = data.get("phone_minutes"), data.get("written_minutes")
        if phone and written and phone > written:
            self.add_error(
                "phone_minutes", _("The phone report cannot be due after the written one.")
            )
        return data


class MatchingPolicyForm(ModelForm):
    class Meta:
        model = MatchingPolicy
        fields = ["window_hours"]
