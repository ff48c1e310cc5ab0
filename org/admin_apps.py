from django.contrib.admin.apps import AdminConfig


class XinbaoAdminConfig(AdminConfig):
    """The admin belongs to the system administrator role, not to Django's is_staff flag."""

    default_site = "org.admin_site.SystemAdminSite"
