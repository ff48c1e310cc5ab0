from django.urls import path

from roster import views

app_name = "roster"

urlpatterns = [
    path("unit/<int:pk>/", views.unit, name="unit"),
    path("unit/<int:pk>/appoint/", views.appoint, name="appoint"),
    path("unit/<int:pk>/leave/", views.leave, name="leave"),
    path("leave/<int:pk>/cancel/", views.cancel_leave, name="cancel_leave"),
    path("training/", views.training, name="training"),
    path("policy/", views.policy, name="policy"),
]
