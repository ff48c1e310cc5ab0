from django.contrib import admin

from bulletins.models import IssueCounter, Publication
from org.admin import AuditedAdmin


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "issuer", "compiled_here", "is_active", "sort_order"]
    list_filter = ["level", "compiled_here", "is_active"]
    filter_horizontal = ["readers"]


@admin.register(IssueCounter)
class IssueCounterAdmin(AuditedAdmin):
    """Where an office going live mid-year continues its paper series' numbering."""

    list_display = ["publication", "year", "last_number"]
    list_filter = ["publication"]
