"""The system administrator's part of the emergencies app: the GB/T 35561 code table only
(reference data, no reported content). Changes are audited (org.admin.AuditedAdmin)."""

from django.contrib import admin

from emergencies.models import CategoryCode
from org.admin import AuditedAdmin


@admin.register(CategoryCode)
class CategoryCodeAdmin(AuditedAdmin):
    """Where a code's number is corrected against the standard's text (and marked verified)."""

    list_display = ["code", "name", "category", "parent", "verified", "is_active"]
    list_filter = ["category", "verified", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
