"""The archive's analysis: the morning view (态势), early signs, typical cases, the 全广新准
report, the policy, and the merge and typical-case buttons of item and incident pages."""

from django.urls import path

from insight import views, views_network

app_name = "insight"

urlpatterns = [
    path("morning/", views.morning, name="morning"),
    path("trends/", views.trends, name="trends"),
    path("typical/", views.typical, name="typical"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("policy/", views.policy, name="policy"),
    path("network/", views_network.network, name="network"),
    path("network.xlsx", views_network.network_xlsx, name="network_xlsx"),
    path("items/<int:pk>/merge/", views.merge, {"page": views.ITEM_PAGE}, name="merge_item"),
    path("items/<int:pk>/unmerge/", views.unmerge, {"page": views.ITEM_PAGE}, name="unmerge_item"),
    path("items/<int:pk>/typical/", views.mark_typical, name="mark_typical"),
    path(
        "incidents/<int:pk>/merge/",
        views.merge,
        {"page": views.INCIDENT_PAGE},
        name="merge_incident",
    ),
    path(
        "incidents/<int:pk>/unmerge/",
        views.unmerge,
        {"page": views.INCIDENT_PAGE},
        name="unmerge_incident",
    ),
]
