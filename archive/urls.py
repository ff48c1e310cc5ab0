"""The information database (信息库): search, filter counts, saved searches."""

from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("count/", views.total_count, name="count"),
    path("facets/", views.facet_counts, name="facets"),
    path("saved/", views.save_search, name="save"),
    path("saved/<int:pk>/", views.change_saved, name="saved"),
]
