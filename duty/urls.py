from django.urls import path

from duty import views

app_name = "duty"

urlpatterns = [
    path("", views.log, name="log"),
    path("entries/", views.add_entry, name="entry_add"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/start/", views.start_handover, name="handover_start"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path("handovers/<int:pk>/sign/", views.sign_handover, name="handover_sign"),
    path("zero/", views.zero, name="zero"),
    path("zero/file/", views.file_zero, name="zero_file"),
    path("zero/periods/", views.periods, name="periods"),
    path("zero/periods/<int:pk>/", views.period, name="period"),
]
