"""Forms for the point table (积分规则). Views validate with these; `actions` writes."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from bulletins.models import Publication
from org.models import Unit
from scoring.models import (
    AWARD_FLOOR_DEFAULT,
    AwardTier,
    ReportPolicy,
    RuleKind,
    ScoreRule,
    UnitClass,
)
from xinbao.core.inputs import Form, ModelForm

# Kinds that reward a unit; every other kind is a penalty.
REWARD_KINDS = frozenset({RuleKind.ADOPTION, RuleKind.INSTRUCTION})
MULTIPLIER_MIN = Decimal(1)
MULTIPLIER_MAX = Decimal(10)


def _check_multiplier(value: Decimal) -> Decimal:
    if not MULTIPLIER_MIN <= value <= MULTIPLIER_MAX:
        raise forms.ValidationError(_("Between 1 and 10."))
    return value


class ScoreRuleForm(ModelForm):
    """One row of the point table; its kind, level and publication are fixed. Only adoption
    rows carry a multiplier; the zeroing row has a threshold instead of points."""

    class Meta:
        model = ScoreRule
        fields = ["points", "forwarded_multiplier", "threshold", "active", "note"]
        widgets = {
            "points": forms.NumberInput(attrs={"class": "num-input", "step": "0.01"}),
            "forwarded_multiplier": forms.NumberInput(attrs={"class": "num-input", "step": "0.01"}),
            "threshold": forms.NumberInput(attrs={"class": "num-input"}),
            "note": forms.TextInput(attrs={"class": "note-input"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        if kind != RuleKind.ADOPTION:
            del self.fields["forwarded_multiplier"]
        if kind == RuleKind.ZEROING:
            del self.fields["points"]
            threshold = self.fields["threshold"]
            threshold.required = True
            assert isinstance(threshold, forms.IntegerField)
            threshold.validators.append(MinValueValidator(1))
            threshold.widget.attrs["min"] = 1
        else:
            del self.fields["threshold"]

    def clean_points(self) -> Decimal:
        value: Decimal = self.cleaned_data["points"]
        if self.instance.kind in REWARD_KINDS:
            if value < 0:
                raise forms.ValidationError(_("Points for this kind must not be negative."))
        elif value > 0:
            raise forms.ValidationError(_("A penalty must be zero or negative."))
        return value

    def clean_forwarded_multiplier(self) -> Decimal:
        return _check_multiplier(self.cleaned_data["forwarded_multiplier"])


class PublicationRuleForm(Form):
    """A new adoption rule for one publication, overriding its level's default."""

    publication = forms.ModelChoiceField(
        label=_("Publication"), queryset=Publication.objects.none()
    )
    points = forms.DecimalField(label=_("Points"), max_digits=8, decimal_places=2)
    forwarded_multiplier = forms.DecimalField(
        label=_("Multiplier for forwarded items"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(1),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["publication"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = self.choices = Publication.objects.exclude(
            pk__in=ScoreRule.objects.filter(publication__isnull=False).values("publication_id")
        )

    def has_choices(self) -> bool:
        """Whether some publication still has no rule of its own."""
        return self.choices.exists()

    def clean_points(self) -> Decimal:
        value: Decimal = self.cleaned_data["points"]
        if value < 0:
            raise forms.ValidationError(_("Points for this kind must not be negative."))
        return value

    def clean_forwarded_multiplier(self) -> Decimal:
        return _check_multiplier(self.cleaned_data["forwarded_multiplier"])


class YearForm(Form):
    """The year a rule change is previewed on and applied to."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "inline"}),
    )


class UnitClassForm(ModelForm):
    class Meta:
        model = UnitClass
        fields = ["name", "monthly_quota", "sort_order", "award_floor"]


class NewUnitClassForm(UnitClassForm):
    """The blank row for a new class: left empty, it adds nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("name") and data.get("monthly_quota") is None:
            self.add_error("monthly_quota", _("A new class needs its monthly quota."))
        if data.get("monthly_quota") is not None and not data.get("name"):
            self.add_error("name", _("A new class needs a name."))
        if data.get("sort_order") is None:
            data["sort_order"] = 0
        if data.get("award_floor") is None:
            data["award_floor"] = Decimal(AWARD_FLOOR_DEFAULT)
        return data

    @property
    def adds(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("name"))


class AwardTierForm(ModelForm):
    remove = forms.BooleanField(label=_("Remove"), required=False)

    class Meta:
        model = AwardTier
        fields = ["name", "position", "places", "min_points"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = self.fields["places"]
        assert isinstance(places, forms.IntegerField)
        places.validators.append(MinValueValidator(1))
        places.widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("remove") and data.get("places") is None and data.get("min_points") is None:
            raise forms.ValidationError(
                _("Give the number of places, the minimum points, or both.")
            )
        return data


class NewAwardTierForm(AwardTierForm):
    """The blank row for a new tier of a class: left empty, it adds nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["remove"]
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        forms.ModelForm.clean(self)
        data = self.cleaned_data
        if not data.get("name"):
            if any(data.get(k) is not None for k in ("position", "places", "min_points")):
                self.add_error("name", _("A new award needs a name."))
            return data
        if data.get("position") is None:
            self.add_error("position", _("A new award needs its order."))
        if data.get("places") is None and data.get("min_points") is None:
            raise forms.ValidationError(
                _("Give the number of places, the minimum points, or both.")
            )
        return data

    @property
    def adds(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("name"))


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


class AssignmentForm(Form):
    """One reporting unit's class and the month its quota counts from."""

    unit_class = forms.ModelChoiceField(
        label=_("Class"),
        queryset=UnitClass.objects.none(),
        required=False,
        empty_label=_("(no class)"),
    )
    quota_from = forms.DateField(
        label=_("Quota counts from"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(),
    )

    def __init__(self, *args: Any, unit: Unit, classes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        field = self.fields["unit_class"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = classes

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("unit_class") is not None and data.get("quota_from") is None:
            self.add_error("quota_from", _("Give the month the quota counts from."))
        return data


class CircularForm(Form):
    """Which circular to make: a month or a quarter of a year, or (for the commendation and
    the evaluation) the year alone."""

    PERIOD_KINDS = (("month", _("Monthly")), ("quarter", _("Quarterly")))

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Period kind"), choices=PERIOD_KINDS, required=False)
    number = forms.IntegerField(
        label=_("Month or quarter"), min_value=1, max_value=12, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, number = data.get("kind"), data.get("number")
        if kind and number is None:
            raise forms.ValidationError(_("Choose the month or the quarter."))
        if kind == "quarter" and number is not None and number > 4:
            raise forms.ValidationError(_("A quarter is numbered 1 to 4."))
        return data

    def period_key(self) -> str:
        """The ledger's period key: "" (the year), "q1".."q4", or "1".."12"."""
        kind, number = self.cleaned_data.get("kind"), self.cleaned_data.get("number")
        if not kind:
            return ""
        return f"q{number}" if kind == "quarter" else str(number)


class ReportPolicyForm(ModelForm):
    class Meta:
        model = ReportPolicy
        fields = ["officer_places", "officer_min_points", "copy_to"]
        widgets = {
            "officer_places": forms.NumberInput(attrs={"class": "num-input"}),
            "officer_min_points": forms.NumberInput(attrs={"class": "num-input", "step": "0.01"}),
        }
