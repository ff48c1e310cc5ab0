from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("security/", views.security, name="security"),
    path("security/unlock/<str:username>/", views.unlock, name="unlock"),
]
