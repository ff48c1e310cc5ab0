"""The system administrator's screens: units, accounts, publications. No reported content.

Accounts follow 三员分立 (org/actions_accounts.py): no password is typed in here, a reset
mails a one-time link to the person, and a change that grants access is a proposal the
security administrator decides."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import plain, record
from org import actions_accounts
from org.account_rules import ACCOUNT_FIELDS, split_change
from org.models import ProposalState, Unit, User, user_can
from org.roles import Capability, Role
from org.views_accounts import base_url
from xinbao.core import inputs
from xinbao.core.errors import ActionError


def _values(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Plain values of `fields` (a related row by its id, many rows by their ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
        else:
            values[name] = plain(getattr(obj, name))
    return values


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Every change made here leaves an entry in the audit chain with its before and after."""

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
        # The stored values, read before the row is overwritten; the entry is written once the
        # many-to-many fields are saved too (save_related), in the admin's transaction.
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        form._audit_before = _values(stored, form.changed_data) if stored else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            action = f"{obj._meta.model_name}_{'changed' if change else 'created'}"
            data: dict[str, Any] = {"after": _values(obj, form.changed_data)}
            if change:
                data["before"] = getattr(form, "_audit_before", {})
            record(request.user, action, f"{obj._meta.model_name}:{obj.pk} {obj}", data)


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
        "region_code",
        "is_hub",
        "is_reporting",
        "is_active",
    ]
    list_filter = ["level", "kind", "is_hub", "is_reporting", "is_active"]
    search_fields = ["name", "short_name", "code", "region_code"]
    autocomplete_fields = ["parent"]

    # A unit's officer is named and changed on the roster page only, which keeps the history
    # (who held the post when, and what they wrote then): one source of truth. The change form
    # shows the officer read-only, with the way to the roster.
    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "officer_on_roster"] if obj is not None else fields

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        # A new unit too: its officer is named on its roster once it exists.
        return [*(super().get_exclude(request, obj) or []), "officer"]

    @admin.display(description=_("named information officer"))
    def officer_on_roster(self, obj: Unit) -> str:
        name = obj.officer.full_name or obj.officer.username if obj.officer else "—"
        return format_html(
            '{} <div class="help">{} <a href="{}">{}</a></div>',
            name,
            gettext(
                "Changed on the unit's roster page only, which keeps who held the post and when."
            ),
            reverse("roster:unit", args=[obj.pk]),
            gettext("Open the roster"),
        )


class NewAccountForm(inputs.ModelForm):
    """A new account: who and where, and the role proposed for it. No password: the person
    sets their own through the link mailed once the security administrator approves."""

    role = forms.ChoiceField(
        label=_("Proposed role"),
        choices=Role.choices,
        help_text=_(
            "The account stays inactive until the security administrator approves this role."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "title", "phone", "email", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "The person's own address: the password link goes there."
        )


class AccountForm(inputs.ModelForm):
    new_role = forms.ChoiceField(
        label=_("Change the role to"),
        choices=[("", "—"), *Role.choices],
        required=False,
        help_text=_(
            "A role that can do more, re-activation, a move to another unit and a new e-mail "
            "address take effect when the security administrator approves them; a lower role "
            "and deactivation at once."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "title", "phone", "email", "unit", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user = self.instance
        if user.pk is None:
            return cleaned
        stored = User.objects.filter(pk=user.pk).first()
        if stored is None:
            return cleaned
        before = actions_accounts.account_values(stored)
        after = {f: cleaned[f] for f in ("email", "is_active") if f in cleaned}
        if "unit" in cleaned:
            after["unit"] = cleaned["unit"].pk if cleaned["unit"] is not None else None
        if cleaned.get("new_role"):
            after["role"] = cleaned["new_role"]
        _now, proposed = split_change(before, after)
        if proposed and stored.proposals.filter(state=ProposalState.PENDING).exists():
            raise forms.ValidationError(
                _(
                    "A change of this account is already awaiting the security "
                    "administrator's approval. Wait for the decision before proposing another."
                )
            )
        return cleaned


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin[User]):
    form = AccountForm
    add_form = NewAccountForm
    list_display = ["username", "full_name", "unit", "role", "phone", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__level"]
    search_fields = ["username", "full_name", "unit__name"]
    autocomplete_fields = ["unit"]
    actions = ["send_password_reset"]
    fieldsets = (
        (None, {"fields": ("username", "password_state")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Role"), {"fields": ("unit", "role", "new_role", "is_active", "pending")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Role"), {"fields": ("unit", "role")}),
    )
    readonly_fields = ["password_state", "role", "pending", "last_login", "date_joined"]

    @admin.display(description=_("Password"))
    def password_state(self, obj: User) -> str:
        if obj.pk is None:
            return ""
        if obj.is_service:
            return gettext("A federation link's own account: nobody logs in as it")
        if obj.must_change_password and not obj.has_usable_password():
            return gettext("Reset: waiting for the person to use the mailed link")
        if not obj.has_usable_password():
            return gettext("Not set yet")
        return gettext("Set by the person (use the action “Send a password reset link”)")

    @admin.display(description=_("Awaiting approval"))
    def pending(self, obj: User) -> str:
        proposal = obj.proposals.filter(state=ProposalState.PENDING).first() if obj.pk else None
        if proposal is None:
            return "—"
        return ", ".join(f"{k} → {v}" for k, v in proposal.after.items())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # 三员分立: nobody sets another person's password, not even here.
        raise PermissionDenied

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        data = form.cleaned_data
        values = {f: data[f] for f in ACCOUNT_FIELDS if f in data}
        if "unit" in values:
            values["unit"] = values["unit"].pk if values["unit"] is not None else None
        if change:
            if data.get("new_role"):
                values["role"] = data["new_role"]
            _applied, proposal = actions_accounts.do_change_account(_actor(request), obj.pk, values)
        else:
            user, proposal = actions_accounts.do_create_account(_actor(request), values)
            obj.pk = user.pk
            obj._state.adding = False
        obj.refresh_from_db()
        if proposal is not None:
            self.message_user(
                request,
                gettext(
                    "Proposed for approval: %(fields)s. It takes effect when the security "
                    "administrator approves it."
                )
                % {"fields": ", ".join(_field_label(f) for f in proposal.after)},
                messages.WARNING,
            )

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        form.save_m2m()  # audited by the account actions themselves

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ActionError as exc:
            # Refused by the account actions (nothing written): back to the form, with why.
            self.message_user(request, str(exc), messages.ERROR)
            return super().changeform_view(_as_get(request), object_id, form_url, extra_context)

    @admin.action(description=_("Send a password reset link"))
    def send_password_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                actions_accounts.do_request_password_reset(
                    _actor(request), user.pk, base_url(request)
                )
            except ActionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "A one-time link was mailed to %(name)s's own address; the current "
                        "password no longer works."
                    )
                    % {"name": user},
                    messages.SUCCESS,
                )


def _actor(request: HttpRequest) -> User:
    # The admin site lets in only holders of MANAGE_ORG (org/admin_site.py): a real account.
    assert isinstance(request.user, User)
    return request.user


def _field_label(name: str) -> str:
    return str(getattr(User._meta.get_field(name), "verbose_name", name))


def _as_get(request: HttpRequest) -> HttpRequest:
    request.method = "GET"
    return request


# Roles, not groups, carry permissions in xinbao.
admin.site.unregister(Group)


# django-otp registers its devices here; in the system administrator's hands they would let him
# remove or replace anyone's second factor. Resets are the security administrator's, on the
# security page, audited (org.twofactor.do_reset).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
