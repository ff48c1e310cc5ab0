from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins import rules
from bulletins.actions_adoption import REFUSALS, UpperIssue, refusal_for
from bulletins.models import (
    Adoption,
    AdoptionLevel,
    IssueEntry,
    IssueState,
    Publication,
    own_level,
)
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
    """Record an adoption by hand. Nothing is preselected: the editor names the publication.

    The office's own publications come first, then those of the levels above, grouped by
    level; a publication that adopted the item already, or whose issue being compiled holds it,
    is not offered. Upper ones are offered only for an item forwarded upward
    (`bulletins.rules.offered_levels`), and need the number and date of their issue."""

    publication = forms.ModelChoiceField(
        label=_("Publication"),
        queryset=Publication.objects.filter(is_active=True),
        empty_label=_("— choose the publication that used it —"),
        error_messages={
            "required": _("Please choose the publication that adopted the item."),
            "invalid_choice": _("This publication has adopted the item already or is inactive."),
        },
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    upper_issue_number = forms.CharField(
        label=_("Issue number"),
        required=False,
        max_length=40,
        help_text=_("Provincial or central publications only: as printed, e.g. 2026年第123期."),
    )
    upper_issue_date = forms.DateField(
        label=_("Date of the issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Provincial or central publications only."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, item: InfoItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.forwarded = item.forwarded_at is not None
        self.own_level = own_level()
        field = self.fields["publication"]
        levels = rules.offered_levels(self.forwarded, self.own_level)
        used = Adoption.objects.filter(item_id=item.pk).values("publication_id")
        pending = IssueEntry.objects.filter(item_id=item.pk).exclude(
            issue__state=IssueState.PUBLISHED
        )
        # Any active publication that has not adopted it validates, so that a post naming one
        # the rule refuses gets the rule's reason; only those the rule allows are listed.
        choosable = Publication.objects.filter(is_active=True).exclude(pk__in=used)
        field.queryset = choosable  # type: ignore[attr-defined]
        offered = choosable.filter(level__in=levels).exclude(
            pk__in=pending.values("issue__publication_id")
        )
        self.offered = sorted(offered, key=lambda p: (rules.level_rank(p.level), p.sort_order))
        labels = {value: str(label) for value, label in AdoptionLevel.choices}
        groups: list[tuple[str, list[tuple[int, str]]]] = []
        for pub in self.offered:
            if not groups or groups[-1][0] != labels[pub.level]:
                groups.append((labels[pub.level], []))
            groups[-1][1].append((pub.pk, pub.name))
        field.choices = [("", field.empty_label), *groups]  # type: ignore[attr-defined]
        if not self.forwarded:
            # Only a provincial or central adoption has an upper issue, and none is offered.
            del self.fields["upper_issue_number"], self.fields["upper_issue_date"]

    def clean_adopted_on(self) -> date:
        value: date = self.cleaned_data["adopted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The adoption date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        publication: Publication | None = data.get("publication")
        if publication is None or "adopted_on" not in data:
            return data
        if not rules.is_upper(publication.level, self.own_level):
            # Left over from a provincial choice the editor changed: a city adoption has none.
            data["upper_issue_number"], data["upper_issue_date"] = "", None
        refusal = refusal_for(
            self.item,
            publication,
            data["adopted_on"],
            (data.get("upper_issue_number") or "").strip(),
            data.get("upper_issue_date"),
        )
        if refusal is not None:
            field = {
                rules.AdoptionRefusal.NO_UPPER_ISSUE: (
                    "upper_issue_date" if data.get("upper_issue_number") else "upper_issue_number"
                ),
                rules.AdoptionRefusal.IN_FUTURE: "upper_issue_date",
                rules.AdoptionRefusal.BEFORE_FORWARDED: "adopted_on",
                rules.AdoptionRefusal.NOT_FORWARDED: "publication",
                rules.AdoptionRefusal.IN_PENDING_ISSUE: "publication",
            }.get(refusal)
            self.add_error(field, str(REFUSALS[refusal]))
        return data

    @property
    def upper(self) -> UpperIssue | None:
        """The upper publication's issue as entered (a valid form has both or neither)."""
        number = self.cleaned_data.get("upper_issue_number") or ""
        on: date | None = self.cleaned_data.get("upper_issue_date")
        return UpperIssue(number, on) if number and on is not None else None


def adopt_form_for(item: InfoItem) -> AdoptForm | None:
    """The item page's adoption form, dated today, nothing chosen; none when no publication is
    left to offer."""
    form = AdoptForm(
        prefix=ItemAction.ADOPT, item=item, initial={"adopted_on": timezone.localdate()}
    )
    return form if form.offered else None


class PublicationSettingsForm(ModelForm):
    """What a publication prints around its entries (the 简报 convention)."""

    class Meta:
        model = Publication
        fields = ["issuer", "internal_mark", "report_to", "send_to", "issue_to", "copies"]
        help_texts = {
            "report_to": _("The offices above, e.g. 省委办公厅."),
            "send_to": _("The leaders it is sent to, e.g. 市委常委，市人大常委会、市政府主要领导."),
            "issue_to": _("The units it goes down to, e.g. 各区、县（市）委办公室，市直各单位."),
            "copies": _("Printed as （共印N份）; blank prints no line."),
        }
