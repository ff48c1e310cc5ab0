from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import User
from roster.models import Employment, Post, RosterPolicy
from xinbao.core.inputs import Form, ModelForm


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic over User
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return user.full_name or user.get_username()


class PeopleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # over User
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        unit = user.unit.display_name if user.unit is not None else ""
        return f"{user.full_name or user.get_username()} {unit}".strip()


class _UnitPersonForm(Form):
    """A form whose `person` is chosen among the unit's people."""

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, PersonChoice)
        field.queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by(
            "full_name", "pk"
        )


class AppointForm(_UnitPersonForm):
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    person = PersonChoice(
        label=_("Person in the post"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody (end the post) —"),
    )
    employment = forms.ChoiceField(
        label=_("Full- or part-time"), choices=Employment.choices, initial=Employment.PART_TIME
    )
    phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class LeaveForm(_UnitPersonForm):
    person = PersonChoice(label=_("Person on leave"), queryset=User.objects.none())
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            raise forms.ValidationError(_("The leave's last day cannot be before its first day."))
        return data


class TrainingForm(Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=100)
    attendees = PeopleChoice(
        label=_("Attendees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, PeopleChoice)
        field.queryset = (
            User.objects.filter(pk__in=[p.pk for p in people])
            .select_related("unit")
            .order_by("unit__sort_order", "full_name", "pk")
        )


class RosterPolicyForm(ModelForm):
    class Meta:
        model = RosterPolicy
        fields = ["turnover_threshold"]
