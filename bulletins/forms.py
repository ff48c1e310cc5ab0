from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import IssueEntry
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
