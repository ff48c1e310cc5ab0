from django.urls import path

from federation import views

app_name = "federation"
urlpatterns = [
    path("", views.messages_page, name="messages"),
    path("inbox/", views.inbox, name="inbox"),
    path("links/", views.links, name="links"),
    path("links/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("links/<int:pk>/edit/", views.edit, name="edit"),
    path("policy/", views.policy, name="policy"),
    path("outbound/<int:pk>/resend/", views.resend, name="resend"),
]
