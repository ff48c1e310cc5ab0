from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import Publication, Solicitation
from org.models import Unit
from submissions.actions import ItemContent, parse_tags
from submissions.models import Adoption, ItemKind, Verification
from xinbao.core.inputs import MAX_BODY_LENGTH, Form


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


class ItemForm(Form):
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
    solicitation = forms.ModelChoiceField(
        label=_("In answer to a solicitation"),
        queryset=Solicitation.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args: Any, own_unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_reporting=True, is_active=True)
        if own_unit_id is not None:
            units = units.exclude(pk=own_unit_id)
        self.fields["joint_units"].queryset = units  # type: ignore[attr-defined]
        # Solicitations addressed to the unit and still open, newest first.
        self.fields["solicitation"].queryset = (  # type: ignore[attr-defined]
            Solicitation.objects.filter(units=own_unit_id, due_at__gte=timezone.now()).order_by(
                "due_at"
            )
            if own_unit_id is not None
            else Solicitation.objects.none()
        )

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
            solicitation_id=data["solicitation"].pk if data.get("solicitation") else None,
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


class AttachForm(Form):
    attachments = MultipleFileField(
        label=_("Attachments"), error_messages={"required": _("Choose a file.")}
    )
