"""The federation's pages (the outbox and inbox for the section, the links and policy for the
system administrator) and the signed inbox other instances post to. Views validate and render;
`federation.actions` and `federation.inbound` write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from federation import actions, inbound
from federation.access import sees_federation
from federation.forms import LinkEditForm, LinkForm, PolicyForm, RotateForm
from federation.models import (
    FederationPolicy,
    InboundMessage,
    Link,
    OutboundMessage,
    OutboundStatus,
    Refusal,
)
from federation.wording import explain
from org.guards import guarded
from org.http import AuthedRequest
from org.models import User
from org.roles import Capability
from xinbao.core.errors import ActionError

PAGE = 100


def keeps_links(user: User, **url_kwargs: object) -> bool:
    """The system administrator keeps the links and their secrets."""
    return user.can(Capability.MANAGE_ORG)


@csrf_exempt
@login_not_required
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """Where other instances post signed messages: the signature is the authentication."""
    outcome = inbound.receive(
        request.method or "POST",
        request.path,
        request.headers,
        request.body,
        timezone.now(),
        request.META.get("REMOTE_ADDR", ""),
    )
    return JsonResponse(
        outcome.data, status=outcome.status, json_dumps_params={"ensure_ascii": False}
    )


@require_http_methods(["GET"])
@guarded(sees_federation)
def messages_page(request: AuthedRequest) -> HttpResponse:
    outbound = OutboundMessage.objects.select_related("link").order_by("-pk")[:PAGE]
    counts = {s: OutboundMessage.objects.filter(status=s).count() for s in OutboundStatus.values}
    return render(
        request,
        "federation/messages.html",
        {
            "outbound": [(m, explain(m.refusal_code) if m.refusal_code else "") for m in outbound],
            "counts": [(OutboundStatus(s).label, n) for s, n in counts.items()],
            "inbound": InboundMessage.objects.select_related("link").order_by("-pk")[:PAGE],
            "refusals": [
                (r, explain(r.reason)) for r in Refusal.objects.order_by("-at", "-pk")[:PAGE]
            ],
            "admin": request.user.can(Capability.MANAGE_ORG),
            "may_resend": actions.may_resend(request.user),
        },
    )


def may_resend(user: User, **url_kwargs: object) -> bool:
    return actions.may_resend(user)


@require_POST
@guarded(may_resend)
def resend(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send a refused message again, after fixing what the receiver refused it for."""
    message = get_object_or_404(OutboundMessage, pk=pk)
    try:
        actions.do_resend(request.user, message.pk)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("federation:messages")


def _links_page(
    request: AuthedRequest,
    form: LinkForm | None = None,
    policy_form: PolicyForm | None = None,
    shown_secret: tuple[Link, str] | None = None,
) -> HttpResponse:
    links = list(Link.objects.select_related("unit").order_by("direction", "office_code"))
    return render(
        request,
        "federation/links.html",
        {
            "links": [
                (
                    link,
                    LinkEditForm(
                        initial={"base_url": link.base_url, "is_active": link.is_active},
                        prefix=f"l{link.pk}",
                    ),
                    RotateForm(prefix=f"r{link.pk}"),
                )
                for link in links
            ],
            "form": form or LinkForm(),
            "policy_form": policy_form or PolicyForm(instance=FederationPolicy.current()),
            "shown_secret": shown_secret,
        },
        status=400 if (form and form.errors) or (policy_form and policy_form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
@guarded(keeps_links)
def links(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _links_page(request)
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        spec = actions.LinkSpec(
            direction=data["direction"],
            name=data["name"],
            base_url=data["base_url"],
            office_code=data["office_code"],
            unit=data["unit"],
            secret=data["secret"],
        )
        try:
            link, secret = actions.do_create_link(request.user, spec)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The link is saved."))
            # Shown on this answer only: the page is not redirected, and never shows it again.
            return _links_page(request, shown_secret=(link, secret))
    return _links_page(request, form=form)


@require_POST
@guarded(keeps_links)
def rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link, pk=pk)
    form = RotateForm(request.POST, prefix=f"r{link.pk}")
    if not form.is_valid():
        messages.error(request, _("The secret is too long."))
        return redirect("federation:links")
    try:
        link, secret = actions.do_rotate_secret(request.user, link.pk, form.cleaned_data["secret"])
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("federation:links")
    messages.success(
        request,
        _("The secret is rotated; the previous one is accepted until %(at)s.")
        % {
            "at": timezone.localtime(link.previous_valid_until).strftime("%Y-%m-%d %H:%M")
            if link.previous_valid_until
            else ""
        },
    )
    return _links_page(request, shown_secret=(link, secret))


@require_POST
@guarded(keeps_links)
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link, pk=pk)
    form = LinkEditForm(request.POST, prefix=f"l{link.pk}")
    if not form.is_valid():
        messages.error(request, _("Enter a valid address."))
        return redirect("federation:links")
    actions.do_edit_link(
        request.user, link.pk, form.cleaned_data["base_url"], form.cleaned_data["is_active"]
    )
    messages.success(request, _("The link is saved."))
    return redirect("federation:links")


@require_POST
@guarded(keeps_links)
def policy(request: AuthedRequest) -> HttpResponse:
    form = PolicyForm(request.POST, instance=FederationPolicy.current())
    if not form.is_valid():
        messages.error(request, _("Some values are out of range; nothing was saved."))
        return _links_page(request, policy_form=form)
    actions.do_save_policy(request.user, form.cleaned_data)
    messages.success(request, _("The federation policy is saved."))
    return redirect("federation:links")
