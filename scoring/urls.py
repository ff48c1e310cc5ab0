from django.urls import path

from scoring import views, views_circulars, views_policy

app_name = "scoring"

urlpatterns = [
    path("", views.board, name="board"),
    path("ranking.xlsx", views.board_xlsx, name="board_xlsx"),
    path("evaluation.docx", views.evaluation_docx, name="evaluation_docx"),
    path("circular.docx", views_circulars.adoption_docx, name="adoption_docx"),
    path("commendation.docx", views_circulars.commendation_docx, name="commendation_docx"),
    path("circulars/issue/", views_circulars.issue, name="issue_circular"),
    path("officers/", views_circulars.officers, name="officers"),
    path("units/<int:pk>/", views.unit_ledger, name="unit"),
    path("units/<int:pk>/scorecard.xlsx", views.unit_xlsx, name="unit_xlsx"),
    path("rebuild/", views.rebuild_now, name="rebuild"),
    path("rules/", views_policy.rule_table, name="rules"),
    path("classes/", views_policy.classes, name="classes"),
    path("classes/units/", views_policy.assignments, name="assignments"),
]
