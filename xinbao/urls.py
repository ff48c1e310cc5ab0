from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from org import twofactor_views
from org import views_accounts as org_accounts
from org.forms import LoginForm
from xinbao.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    # Django's form views would also take PUT as a POST; only what the pages send is accepted.
    path(
        "accounts/login/",
        require_http_methods(["GET", "POST"])(
            auth_views.LoginView.as_view(
                authentication_form=LoginForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_accounts.password_change, name="password_change"),
    path("accounts/password/set/<str:token>/", org_accounts.password_set, name="password_set"),
    path("accounts/two-factor/", twofactor_views.account, name="two_factor"),
    path("accounts/two-factor/verify/", twofactor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", twofactor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/codes/", twofactor_views.renew_codes, name="two_factor_codes"),
    path("accounts/two-factor/off/", twofactor_views.turn_off, name="two_factor_off"),
    path("accounts/api-tokens/", include("api.urls_pages")),
    path("i18n/setlang/", login_not_required(require_POST(set_language)), name="set_language"),
    path("items/", include("submissions.urls")),
    path("org/", include("org.urls")),
    path("roster/", include("roster.urls")),
    path("audit/", include("audit.urls")),
    path("notify/", include("notify.urls")),
    path("emergencies/", include("emergencies.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("scoring/", include("scoring.urls")),
    path("accountability/", include("accountability.urls")),
    path("duty/", include("duty.urls")),
    path("archive/insight/", include("insight.urls")),
    path("archive/", include("archive.urls")),
    path("api/", include("api.urls")),
    path("federation/", include("federation.urls")),
    path("admin/", admin.site.urls),
]

# Django's "not found" page, except under /api/, which answers in the API's JSON error shape.
handler404 = "api.not_found.not_found"
