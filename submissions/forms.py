from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.forms_secrecy import secrecy_field
from org.models import Unit
from org.secrecy import Secrecy
from submissions import hooks
from submissions.actions import ItemContent, parse_tags
from submissions.models import ItemKind, Verification
from xinbao.core.inputs import MAX_BODY_LENGTH, Form
from xinbao.core.once import OnceForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ItemForm(OnceForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("The title is required.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=MAX_BODY_LENGTH,
        help_text=_("One paragraph per line. Lead with the fact: who, what, when, where."),
        error_messages={"required": _("The body is required.")},
    )
    occurred_on = forms.DateField(
        label=_("Date of the event"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Separate with commas, e.g. 安全生产，防汛"),
    )
    joint_units = forms.ModelMultipleChoiceField(
        label=_("Joint units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
        help_text=_("Other units that wrote this item with you share its credit."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    solicitation = forms.TypedChoiceField(
        label=_("In answer to a solicitation"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, own_unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_reporting=True, is_active=True)
        if own_unit_id is not None:
            units = units.exclude(pk=own_unit_id)
        self.fields["joint_units"].queryset = units  # type: ignore[attr-defined]
        # Solicitations addressed to the unit and still open (bulletins registers them).
        offered = hooks.open_solicitations(own_unit_id) if own_unit_id is not None else []
        self.offers_solicitation = bool(offered)
        self.fields["solicitation"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")),
            *offered,
        ]
        self.fields["secrecy"] = secrecy_field()

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if len(body.strip()) < 20:
            raise forms.ValidationError(
                _("The body is too short to be information (20 characters at least).")
            )
        return body

    def clean_occurred_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("occurred_on")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the event cannot be in the future."))
        return value

    def clean_tags(self) -> list[str]:
        tags = parse_tags(self.cleaned_data.get("tags") or "")
        if len(tags) > 10:
            raise forms.ValidationError(_("At most 10 tags."))
        return tags

    def content(self) -> ItemContent:
        data = self.cleaned_data
        return ItemContent(
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            tags=data["tags"],
            joint_units=list(data["joint_units"]),
            occurred_on=data.get("occurred_on"),
            solicitation_id=data.get("solicitation"),
            secrecy=data.get("secrecy") or Secrecy.PUBLIC,
        )


class EditForm(Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Body"), widget=forms.Textarea(attrs={"rows": 16}), max_length=MAX_BODY_LENGTH
    )
    comment = forms.CharField(
        label=_("Note on the edit"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. shortened, title sharpened")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secrecy"] = secrecy_field()


class CommentForm(Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(Form):
    comment = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
    )


class VerifyForm(Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(Verification.VERIFIED, _("Verified")), (Verification.DISPUTED, _("Disputed"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachForm(Form):
    attachments = MultipleFileField(
        label=_("Attachments"), error_messages={"required": _("Choose a file.")}
    )
