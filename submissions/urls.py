from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("", views.item_list, name="list"),
    path("items.xlsx", views.item_list_xlsx, name="list_xlsx"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/revisions/<int:number>/", views.revision, name="revision"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
