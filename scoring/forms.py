"""Forms for the point table (积分规则). Views validate with these; `actions` writes."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bulletins.models import Publication
from scoring.models import RuleKind, ScoreRule

# Kinds that reward a unit; every other kind is a penalty.
REWARD_KINDS = frozenset({RuleKind.ADOPTION, RuleKind.INSTRUCTION})
MULTIPLIER_MIN = Decimal(1)
MULTIPLIER_MAX = Decimal(10)


def _check_multiplier(value: Decimal) -> Decimal:
    if not MULTIPLIER_MIN <= value <= MULTIPLIER_MAX:
        raise forms.ValidationError(_("Between 1 and 10."))
    return value


class ScoreRuleForm(forms.ModelForm):
    """One row of the point table; its kind, level and publication are fixed."""

    class Meta:
        model = ScoreRule
        fields = ["points", "forwarded_multiplier", "active", "note"]

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


class PublicationRuleForm(forms.Form):
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
