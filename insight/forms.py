"""Forms of the archive's analysis pages. Views validate with these; `actions` writes."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insight.actions import POLICY_FIELDS
from insight.models import InsightPolicy
from insight.report import MAX_DAYS, Period
from submissions.models import TypicalCase
from xinbao.core.inputs import Form, ModelForm

# The browser's date picker reads and writes ISO dates, whatever the page's language.
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(Form):
    start = forms.DateField(label=_("From"), widget=_DATE)
    end = forms.DateField(label=_("To"), widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period must end on or after its first day."))
            if end - start > timedelta(days=MAX_DAYS - 1):
                raise forms.ValidationError(
                    _("A period can be at most %(days)s days long.") % {"days": MAX_DAYS}
                )
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class MergeForm(Form):
    """Two records found alike: which one stays the main record."""

    other = forms.IntegerField(min_value=1)
    keep = forms.ChoiceField(choices=[("this", "this"), ("other", "other")])


class TypicalForm(Form):
    typical = forms.ChoiceField(
        label=_("Typical case"),
        choices=[("", _("Not a typical case")), *TypicalCase.choices],
        required=False,
    )
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


# (lowest, highest) allowed for each number of the policy.
POLICY_RANGES: dict[str, tuple[Any, Any]] = {
    "duplicate_window_days": (1, 90),
    "duplicate_threshold": (Decimal("0.05"), Decimal("0.95")),
    "trend_baseline_weeks": (2, 52),
    "trend_min_count": (1, 1000),
    "trend_z": (Decimal("0.5"), Decimal("20")),
    "silent_days": (1, 365),
}


class PolicyForm(ModelForm):
    class Meta:
        model = InsightPolicy
        fields = list(POLICY_FIELDS)
        widgets = {"trend_stop_words": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (low, high) in POLICY_RANGES.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Between %(low)s and %(high)s.") % {"low": low, "high": high},
                )
        return data
