from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.models import user_can
from org.roles import Capability


class SystemAdminSite(admin.AdminSite):
    site_header = _("xinbao administration")
    site_title = _("xinbao administration")
    index_title = _("Units, accounts and publications")

    def has_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Capability.MANAGE_ORG)
