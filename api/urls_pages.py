"""The API's pages, under the account menu: `/accounts/api-tokens/`."""

from django.urls import path

from api import views

app_name = "apitokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("rate-limit/", views.rate_limit, name="rate_limit"),
]
