from django.contrib import admin

from bulletins.models import Publication
from org.admin import AuditedAdmin


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "issuer", "is_active", "sort_order"]
    list_filter = ["level", "is_active"]
