from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ManyToManyField
from django.http import HttpRequest

from bulletins.models import IssueCounter, IssueTotal, Publication
from org.actions_secrecy import check_secrecy
from org.admin import AuditedAdmin
from org.models import User
from org.roles import Capability, roles_with
from xinbao.core.errors import ActionError
from xinbao.core.inputs import ModelForm


class PublicationForm(ModelForm):
    # Every field, as the admin shows them; this form adds the check on the 密级.
    class Meta:
        model = Publication
        fields = "__all__"

    def clean_default_secrecy(self) -> str:
        """Never above the deployment's ceiling: refused with the rule quoted."""
        level: str = self.cleaned_data["default_secrecy"]
        try:
            return check_secrecy(level)
        except ActionError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    form = PublicationForm
    list_display = ["name", "code", "level", "issuer", "compiled_here", "is_active", "sort_order"]
    list_filter = ["level", "compiled_here", "is_active"]
    filter_horizontal = ["readers"]

    def formfield_for_manytomany(
        self, db_field: "ManyToManyField[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "readers":
            # Only a role that may read content can be listed (no administrator, 三员分立).
            kwargs["queryset"] = User.objects.filter(
                role__in=roles_with(Capability.RECEIVE_BULLETINS), is_active=True
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(IssueCounter)
class IssueCounterAdmin(AuditedAdmin):
    """Where an office going live mid-year continues its paper series' numbering."""

    list_display = ["publication", "year", "last_number"]
    list_filter = ["publication"]


@admin.register(IssueTotal)
class IssueTotalAdmin(AuditedAdmin):
    """Where an office going live continues its paper series' running number (总第X期)."""

    list_display = ["publication", "last_total"]
