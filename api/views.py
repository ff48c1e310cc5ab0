"""The API's pages: a person's own tokens, and the rate limit (system administrator). Views
validate and render; `api.actions` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import actions, rules
from api.forms import RateLimitForm, TokenForm
from api.models import ApiPolicy, ApiToken
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.errors import ActionError


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """One's own tokens; a new one's secret is shown on the answer to its creation, once."""
    user = request.user
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.do_create_token(
                user,
                form.cleaned_data["name"],
                form.cleaned_data["scope"],
                form.expires_in_days(),
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    now = timezone.now()
    rows = [
        (
            token,
            rules.usable(
                rules.TokenFacts(token.scope, token.expires_at, token.revoked_at, user.is_active),
                now,
            ),
        )
        for token in ApiToken.objects.filter(owner=user)
    ]
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "made": made,
            "rows": rows,
            "limit": ApiPolicy.current().requests_per_minute,
            "may_set_limit": user.can(Capability.MANAGE_ORG),
        },
    )


@require_POST
def revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        token = actions.do_revoke_token(request.user, pk)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("apitokens:list")


@require_http_methods(["GET", "POST"])
def rate_limit(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.MANAGE_ORG):
        raise PermissionDenied
    policy = ApiPolicy.current()
    form = RateLimitForm(
        request.POST or None, initial={"requests_per_minute": policy.requests_per_minute}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_rate_limit(request.user, form.cleaned_data["requests_per_minute"])
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The API's rate limit was saved."))
            return redirect("apitokens:rate_limit")
    return render(request, "api/rate_limit.html", {"form": form, "policy": policy})
