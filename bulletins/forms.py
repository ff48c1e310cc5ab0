from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import Adoption, AdoptionLevel, IssueEntry, Publication
from submissions.models import InfoItem
from submissions.rules import Action as ItemAction
from xinbao.core.inputs import Form, ModelForm


class NewIssueForm(Form):
    issue_date = forms.DateField(
        label=_("Date of issue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_issue_date(self) -> date:
        value: date = self.cleaned_data["issue_date"]
        today = timezone.localdate()
        # Tomorrow's morning edition is often put together the evening before; anything
        # further out, or back in an earlier year, is a typo.
        if value > today + timedelta(days=7):
            raise forms.ValidationError(_("The date is more than a week ahead."))
        if value.year < today.year - 1:
            raise forms.ValidationError(_("The date is too far in the past."))
        return value


class EntryForm(ModelForm):
    """The text as it will read in the bulletin; the item keeps its own."""

    class Meta:
        model = IssueEntry
        fields = ["title", "body", "credit"]
        labels = {"title": _("Title"), "body": _("Text"), "credit": _("Source units")}
        help_texts = {
            "body": _("One paragraph per line."),
            "credit": _("Printed as “（来源：…）” under the entry."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = f"entry-{self.instance.pk}"
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"{prefix}-{name}"


class ReturnIssueForm(Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason.")},
    )


class AdoptForm(Form):
    """Record an adoption; only publications that have not adopted the item yet are offered."""

    publication = forms.ModelChoiceField(
        label=_("Publication"),
        # Bulletins compiled in xinbao record their adoptions when an issue is published.
        queryset=Publication.objects.filter(is_active=True, compiled_here=False),
        empty_label=None,
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, item_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item_id is not None:
            field = self.fields["publication"]
            used = Adoption.objects.filter(item_id=item_id).values("publication_id")
            field.queryset = field.queryset.exclude(pk__in=used)  # type: ignore[attr-defined]

    def clean_adopted_on(self) -> date:
        value: date = self.cleaned_data["adopted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The adoption date cannot be in the future."))
        return value


def adopt_form_for(item: InfoItem) -> AdoptForm | None:
    """The item page's adoption form, dated today; none when every publication that is
    recorded by hand has adopted the item already."""
    form = AdoptForm(
        prefix=ItemAction.ADOPT, item_id=item.pk, initial={"adopted_on": timezone.localdate()}
    )
    offered = form.fields["publication"].queryset  # type: ignore[attr-defined]
    if item.forwarded_at:
        # Sent upward: the adoption to record is most likely the province's.
        form.initial["publication"] = offered.exclude(level=AdoptionLevel.CITY).first()
    return form if offered.exists() else None
