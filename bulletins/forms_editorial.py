"""Forms of the editorial loop: instructions, feedback, solicitations and their policy."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import AdoptionLevel, EditorialPolicy, own_level
from deadlines.fields import ReminderPointsField
from org.duty import working_days_due
from org.models import Unit, UnitKind
from xinbao.core.inputs import Form, ModelForm
from xinbao.core.once import OnceForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InstructionForm(OnceForm):
    """A leader writes an instruction in xinbao: the text and its date."""

    text = forms.CharField(
        label=_("Instruction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("The instruction text is required.")},
    )
    instructed_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("instructed_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_instructed_on(self) -> date:
        value: date = self.cleaned_data["instructed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class RecordedInstructionForm(InstructionForm):
    """An editor records an instruction received on paper: who gave it, at which level."""

    leader_name = forms.CharField(
        label=_("Leader"),
        max_length=60,
        error_messages={"required": _("Name the leader who gave the instruction.")},
    )
    level = forms.ChoiceField(label=_("Level"), choices=AdoptionLevel.choices)

    field_order = ["leader_name", "level", "text", "instructed_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # This office's own leaders first: a city's office's, a province's.
        kwargs.setdefault("initial", {}).setdefault("level", own_level())
        super().__init__(*args, **kwargs)


class FeedbackForm(Form):
    feedback = forms.CharField(
        label=_("Feedback"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the unit did on the instruction, and with what result."),
        error_messages={"required": _("The feedback text is required.")},
    )


# Quick selections of target units, by kind.
UNIT_GROUPS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "districts": (_("All districts and counties"), (UnitKind.DISTRICT, UnitKind.COUNTY)),
    "departments": (_("All municipal departments"), (UnitKind.DEPARTMENT,)),
}


def target_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_reporting=True, is_active=True)


class SolicitationForm(OnceForm):
    topic = forms.CharField(label=_("Topic"), max_length=120)
    requirements = forms.CharField(
        label=_("Requirements"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the office needs: angle, facts and figures, length."),
    )
    due_at = forms.DateTimeField(label=_("Deadline"), widget=DATETIME)
    groups = forms.MultipleChoiceField(
        label=_("Quick selection"),
        choices=[(key, label) for key, (label, _kinds) in UNIT_GROUPS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Target units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = target_units()  # type: ignore[attr-defined]
        if not self.is_bound:
            # The policy's working days on the official calendar, at the office's closing.
            due = working_days_due(
                timezone.localdate(), EditorialPolicy.current().solicitation_days
            )
            self.initial.setdefault("due_at", timezone.localtime(due).replace(tzinfo=None))

    def clean_due_at(self) -> datetime:
        value: datetime = self.cleaned_data["due_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("units") or [])
        kinds = [k for g in data.get("groups") or [] for k in UNIT_GROUPS[g][1]]
        if kinds:
            chosen += list(target_units().filter(kind__in=kinds))
        units = list({u.pk: u for u in chosen}.values())
        if not units and not self.has_error("units"):
            self.add_error("units", _("Choose the units asked."))
        data["target_units"] = units
        return data


class EditorialPolicyForm(ModelForm):
    reminder_fractions = ReminderPointsField(
        label=_("Reminders"),
        help_text=_("Reminders go out when these percentages of the window have passed."),
    )

    class Meta:
        model = EditorialPolicy
        fields = ["feedback_days", "solicitation_days", "reminder_fractions"]
        help_texts = {
            "feedback_days": _(
                "Working days on the official calendar: feedback is due when the office closes "
                "on the last of them, counted from the day after the instruction's date."
            ),
            "solicitation_days": _(
                "Working days on the official calendar: the deadline a new solicitation is "
                "offered, at the office's closing time on the last of them."
            ),
        }

    def clean_feedback_days(self) -> int:
        value: int = self.cleaned_data["feedback_days"]
        if not 1 <= value <= 90:
            raise forms.ValidationError(_("Between 1 and 90 days."))
        return value

    def clean_solicitation_days(self) -> int:
        value: int = self.cleaned_data["solicitation_days"]
        if not 1 <= value <= 90:
            raise forms.ValidationError(_("Between 1 and 90 days."))
        return value
