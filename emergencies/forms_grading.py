"""Forms for grading and timing beyond the deadline table: the level thresholds, the
sensitive-events rule, the 补报 windows and an incident's sensitive mark."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from emergencies.actions_grading import MAX_LOSS
from emergencies.models import (
    MAX_SUPPLEMENT_DAYS,
    LevelThreshold,
    SensitivePolicy,
    SupplementWindow,
)
from xinbao.core.inputs import INT_MAX, Form, ModelForm

PEOPLE_ERRORS = {
    "min_value": _("At least 1 person."),
    "max_value": _("Too large a number."),
    "invalid": _("Enter a whole number of people."),
    "required": _("Enter a whole number of people."),
}


class ThresholdForm(ModelForm):
    deaths = forms.IntegerField(
        label=_("Deaths (including missing) from"),
        min_value=1,
        max_value=INT_MAX,
        error_messages=PEOPLE_ERRORS,
    )
    serious_injuries = forms.IntegerField(
        label=_("Seriously injured from"),
        min_value=1,
        max_value=INT_MAX,
        error_messages=PEOPLE_ERRORS,
    )
    loss_10k_yuan = forms.DecimalField(
        label=_("Direct loss from (10k yuan)"),
        min_value=Decimal("0.01"),
        max_value=MAX_LOSS,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "min_value": _("At least 0.01 (10k yuan)."),
            "max_value": _("Too large an amount."),
            "invalid": _("Enter an amount in 10k yuan, such as 1000 or 0.5."),
            "required": _("Enter an amount in 10k yuan, such as 1000 or 0.5."),
            "max_digits": _("Too large an amount."),
            "max_decimal_places": _("At most two decimal places."),
            "max_whole_digits": _("Too large an amount."),
        },
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    class Meta:
        model = LevelThreshold
        fields = ["deaths", "serious_injuries", "loss_10k_yuan", "source"]


DAYS_ERRORS = {
    "min_value": _("At least 1 day."),
    "max_value": _("At most %(limit_value)s days."),
    "invalid": _("Enter a whole number of days."),
    "required": _("Enter a whole number of days."),
}


class SupplementWindowForm(ModelForm):
    """One 补报 window: how many days after the event casualty changes are still taken."""

    days = forms.IntegerField(
        label=_("Within (days)"),
        min_value=1,
        max_value=MAX_SUPPLEMENT_DAYS,
        error_messages=DAYS_ERRORS,
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    class Meta:
        model = SupplementWindow
        fields = ["days", "source"]


class SensitivePolicyForm(ModelForm):
    class Meta:
        model = SensitivePolicy
        fields = ["strictest_when_sensitive"]


class SensitiveForm(Form):
    """Mark an incident sensitive, or take the mark off, with the reason."""

    sensitive = forms.BooleanField(label=_("Sensitive event"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason.")},
    )
