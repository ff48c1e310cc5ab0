"""The system administrator's screens: units, accounts, publications. No reported content."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import record
from org.models import Unit, User, user_can
from org.roles import Capability
from xinbao.core import inputs


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Every change made here leaves an entry in the audit chain."""

    form: type[ModelForm[Any]] = inputs.ModelForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Capability.MANAGE_ORG)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_can(request.user, Capability.MANAGE_ORG)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_can(request.user, Capability.MANAGE_ORG)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_can(request.user, Capability.MANAGE_ORG)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: history must keep pointing at its rows

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = f"{obj._meta.model_name}_{'changed' if change else 'created'}"
            changed = sorted(form.changed_data)
            if "password" in changed:
                changed = [*(f for f in changed if f != "password"), "password (not recorded)"]
            record(
                request.user, action, f"{obj._meta.model_name}:{obj.pk} {obj}", {"fields": changed}
            )


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = [
        "name",
        "code",
        "level",
        "kind",
        "parent",
        "officer",
        "phone",
        "is_reporting",
        "is_active",
    ]
    list_filter = ["level", "kind", "is_reporting", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent", "officer"]


class AccountForm(inputs.CleanInput, UserChangeForm[User]):
    pass


class NewAccountForm(inputs.CleanInput, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin[User]):
    form = AccountForm
    add_form = NewAccountForm
    list_display = ["username", "full_name", "unit", "role", "phone", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__level"]
    search_fields = ["username", "full_name", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Role"), {"fields": ("unit", "role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Role"), {"fields": ("unit", "role")}),
    )
    readonly_fields = ["last_login", "date_joined"]


# Roles, not groups, carry permissions in xinbao.
admin.site.unregister(Group)


# django-otp registers its devices here; in the system administrator's hands they would let him
# remove or replace anyone's second factor. Resets are the security administrator's, on the
# security page, audited (org.twofactor.do_reset).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
