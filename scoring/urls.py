from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.board, name="board"),
    path("units/<int:pk>/", views.unit_ledger, name="unit"),
    path("rebuild/", views.rebuild_now, name="rebuild"),
    path("rules/", views.rule_table, name="rules"),
]
