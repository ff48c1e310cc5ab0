from django.urls import path

from emergencies import views, views_grading

app_name = "emergencies"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new_incident, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report/", views.add_report, name="add_report"),
    path("<int:pk>/level/", views.change_level, name="level"),
    path("<int:pk>/reapply/", views.reapply_policy, name="reapply"),
    path("<int:pk>/sensitive/", views_grading.set_sensitive, name="sensitive"),
    path("<int:pk>/code/", views_grading.set_category_code, name="category_code"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/section-call/", views.section_call, name="section_call"),
    path("reports/<int:report_id>/sign-off/", views.sign_off, name="sign_off"),
    path("sightings/", views.sightings, name="sightings"),
    path("sightings/<int:pk>/", views.sighting, name="sighting"),
    path("sightings/<int:pk>/match/", views.match_sighting, name="match"),
    path("candidates/", views.candidates, name="candidates"),
    path("policy/", views.deadline_policy, name="policy"),
    path("policy/matching/", views.matching_policy, name="matching_policy"),
    path("policy/thresholds/", views_grading.thresholds, name="thresholds"),
    path("policy/supplement/", views_grading.supplement_windows, name="supplement_windows"),
    path("policy/sensitive/", views_grading.sensitive_policy, name="sensitive_policy"),
]
