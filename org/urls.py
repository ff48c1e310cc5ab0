from django.urls import path

from org import twofactor_views, views, views_accounts, views_banner, views_secrecy

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("security/", views.security, name="security"),
    path("security/secrecy/", views_secrecy.secrecy, name="secrecy"),
    path("security/unlock/<str:username>/", views.unlock, name="unlock"),
    path("accounts/proposals/", views_accounts.proposals, name="proposals"),
    path("accounts/proposals/<int:pk>/decide/", views_accounts.decide, name="decide"),
    path("security/two-factor/reset/", twofactor_views.reset, name="reset_two_factor"),
    path("calendar/", views.calendar, name="calendar"),
    path(
        "calendar/banner/dismiss/",
        views_banner.dismiss_calendar_banner,
        name="dismiss_calendar_banner",
    ),
    path("calendar/days/", views.calendar_add, name="calendar_add"),
    path("calendar/days/remove/", views.calendar_remove, name="calendar_remove"),
    path("calendar/publish/", views.calendar_publish, name="calendar_publish"),
    path("calendar/hours/", views.calendar_hours, name="calendar_hours"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/periods/", views.calendar_period_add, name="calendar_period_add"),
    path("calendar/periods/remove/", views.calendar_period_remove, name="calendar_period_remove"),
    path("duty/", views.duty, name="duty"),
    path("duty/shifts/", views.duty_add, name="duty_add"),
    path("duty/shifts/<int:pk>/delete/", views.duty_delete, name="duty_delete"),
    path("duty/repeat/", views.duty_repeat, name="duty_repeat"),
]
