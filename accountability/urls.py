from django.urls import path

from accountability import views, views_notices, views_secrecy

app_name = "accountability"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.mine, name="mine"),
    path("violations/new/", views.enter, name="enter"),
    path("violations/new/reports/", views.report_options, name="report_options"),
    path("violations/<int:pk>/", views.detail, name="violation"),
    path("violations/<int:pk>/explain/", views.explain, name="explain"),
    path("violations/<int:pk>/decide/", views.decide, name="decide"),
    path("notices/", views_notices.notices, name="notices"),
    path("notices/compile/", views_notices.compile_notice, name="compile"),
    path("notices/province/", views_notices.record_province_notice, name="province_notice"),
    path("notices/<int:pk>/", views_notices.notice, name="notice"),
    path("notices/<int:pk>/edit/", views_notices.edit_notice, name="edit_notice"),
    path("notices/<int:pk>/issue/", views_notices.issue_notice, name="issue_notice"),
    path("notices/<int:pk>/discard/", views_notices.discard_notice, name="discard_notice"),
    path("notices/<int:pk>/docx/", views_notices.notice_docx, name="notice_docx"),
    path("notices/<int:pk>/secrecy/", views_secrecy.set_secrecy, name="notice_secrecy"),
    path("eligibility/", views_notices.eligibility_table, name="eligibility"),
    path("eligibility/<int:unit_pk>/", views_notices.unit_eligibility, name="unit_eligibility"),
    path("eligibility/<int:unit_pk>/reinstate/", views_notices.reinstate, name="reinstate"),
    path("reinstatements/<int:pk>/revoke/", views_notices.revoke, name="revoke"),
    path("policy/", views_notices.policy, name="policy"),
]
