"""Reading the log: the auditor's filters (time range, actor, action, object) as one form and
one queryset, shared by the page and the export."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.labels import action_label
from audit.models import AuditEntry
from xinbao.core import inputs

# The export's ceiling: narrow the filters to export more than this many entries.
EXPORT_LIMIT = 100_000


class FilterForm(inputs.Form):
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target = forms.CharField(label=_("Object"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        choices = sorted(((c, action_label(c)) for c in codes), key=lambda pair: pair[1])
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All actions")), *choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


def _local_midnight(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def filtered(cleaned: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Entries matching the cleaned filters, newest first. Dates are whole local days; the
    object matches a whole pointer (`item:4` finds `issue:3 item:4`, not `item:42`)."""
    entries = AuditEntry.objects.order_by("-seq")
    if cleaned.get("since"):
        entries = entries.filter(at__gte=_local_midnight(cleaned["since"]))
    if cleaned.get("until"):
        entries = entries.filter(at__lt=_local_midnight(cleaned["until"] + timedelta(days=1)))
    if cleaned.get("actor"):
        entries = entries.filter(actor_name=cleaned["actor"])
    if cleaned.get("action"):
        entries = entries.filter(action=cleaned["action"])
    target = cleaned.get("target")
    if target:
        entries = entries.filter(
            Q(target=target)
            | Q(target__startswith=f"{target} ")
            | Q(target__endswith=f" {target}")
            | Q(target__contains=f" {target} ")
        )
    return entries


def filter_facts(cleaned: dict[str, Any]) -> dict[str, str]:
    """The filters in force, as the export's audit row states them."""
    return {k: str(v) for k, v in cleaned.items() if v}
