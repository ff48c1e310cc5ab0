from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.roles import Capability


class SystemAdminSite(admin.AdminSite):
    site_header = _("xinbao administration")
    site_title = _("xinbao administration")
    index_title = _("Units, accounts and publications")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.can(Capability.MANAGE_ORG))


class XinbaoAdminConfig(AdminConfig):
    """The admin belongs to the system administrator role, not to Django's is_staff flag."""

    default_site = "org.admin_site.SystemAdminSite"
