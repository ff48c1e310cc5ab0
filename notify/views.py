"""Inbox, channels and delivery log. Views validate and render; `actions` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notify import actions, queries, rules, worker
from notify.forms import ChannelForm, EgressRuleForm, RobotForm
from notify.models import Channel, Delivery, DeliveryStatus, EgressRule, Notification
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.inputs import parse_id

INBOX_PAGE = 30
LOG_PAGE = 50
RECENT_DELIVERIES = 20


def _is_htmx(request: AuthedRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# --- Inbox -------------------------------------------------------------------------------------


@require_safe
def inbox(request: AuthedRequest) -> HttpResponse:
    user = request.user
    rows = Notification.objects.filter(recipient=user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows.order_by("-created_at", "-pk"), INBOX_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread_only": unread_only, "unread": queries.unread_count(user)}
    return render(request, "notify/inbox.html", context)


@require_safe
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    actions.do_mark_read(request.user, note.pk)
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect("notify:inbox")


@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    actions.do_mark_read(request.user, note.pk)
    if _is_htmx(request):
        note.refresh_from_db()
        return render(request, "notify/_notification.html", {"n": note})
    return redirect("notify:inbox")


@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = actions.do_mark_all_read(request.user)
    if count:
        messages.success(request, _("%(n)d messages marked read.") % {"n": count})
    return redirect("notify:inbox")


# --- Channels ----------------------------------------------------------------------------------


def _recent_deliveries(channels: QuerySet[Channel]) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(channel__in=channels.values("pk"))
        .select_related("channel")
        .order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
    )


@require_http_methods(["GET", "POST"])
def channels(request: AuthedRequest) -> HttpResponse:
    user = request.user
    heads_unit = queries.manages_unit_channels(user)
    own_form = ChannelForm(prefix="me")
    unit_form = ChannelForm(prefix="unit") if heads_unit else None
    if request.method == "POST":
        for_unit = request.POST.get("owner") == "unit"
        if for_unit and not heads_unit:
            raise PermissionDenied
        form = ChannelForm(request.POST, prefix="unit" if for_unit else "me")
        if form.is_valid():
            try:
                channel = actions.do_add_channel(user, form.spec(), for_unit=for_unit)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Channel “%(label)s” added.") % {"label": channel.label}
                )
                return redirect("notify:channels")
        if for_unit:
            unit_form = form
        else:
            own_form = form
    own = queries.own_channels(user)
    unit = queries.unit_channels(user)
    context = {
        "own_channels": own,
        "unit_channels": unit,
        "own_form": own_form,
        "unit_form": unit_form,
        "heads_unit": heads_unit,
        "deliveries": _recent_deliveries(queries.manageable_channels(user)),
        "can_read_log": rules.can_read_delivery_log(user.role),
        "max_channels": rules.MAX_CHANNELS_PER_OWNER,
        "now": timezone.now(),
    }
    return render(request, "notify/channels.html", context)


@require_POST
def channel_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    enable = request.POST.get("enabled") == "1"
    try:
        channel = actions.do_set_channel_enabled(request.user, pk, enable)
    except Channel.DoesNotExist:
        raise Http404 from None
    if channel.enabled:
        messages.success(request, _("Channel “%(label)s” switched on.") % {"label": channel.label})
    else:
        messages.success(request, _("Channel “%(label)s” switched off.") % {"label": channel.label})
    return redirect("notify:channels")


@require_http_methods(["GET", "POST"])
def channel_robot(request: AuthedRequest, pk: int) -> HttpResponse:
    """A group robot's own settings: its rate, DingTalk keyword and @-mentions."""
    channel = queries.manageable_channels(request.user).filter(pk=pk).first()
    if channel is None or not channel.is_robot:
        raise Http404
    initial = {
        "rate_per_minute": channel.rate_per_minute,
        "keyword": channel.keyword,
        "at_mobiles": channel.at_mobiles,
        "at_user_ids": channel.at_user_ids,
        "at_all": channel.at_all,
    }
    form = RobotForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_robot(request.user, pk, form.spec(channel.kind))
        except Channel.DoesNotExist:
            raise Http404 from None
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Settings of “%(label)s” saved.") % {"label": channel.label}
            )
            return redirect("notify:channels")
    return render(request, "notify/robot.html", {"channel": channel, "form": form})


@require_POST
def channel_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        actions.do_remove_channel(request.user, pk)
    except Channel.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Channel removed. Its delivery log is kept."))
    return redirect("notify:channels")


def _report_test(request: AuthedRequest, delivery_ids: list[int]) -> None:
    worker.deliver_now(delivery_ids)
    rows = Delivery.objects.filter(pk__in=delivery_ids).select_related("channel")
    sent = [d for d in rows if d.status == DeliveryStatus.SENT]
    failed = [d for d in rows if d.status != DeliveryStatus.SENT]
    if sent:
        messages.success(
            request,
            _("Test sent to: %(names)s.") % {"names": "、".join(d.channel.label for d in sent)},
        )
    for d in failed:
        messages.error(
            request,
            _("Test to “%(label)s” failed: %(error)s. It will be retried.")
            % {"label": d.channel.label, "error": d.last_error or d.get_status_display()}
            if d.status == DeliveryStatus.PENDING
            else _("Test to “%(label)s” failed: %(error)s.")
            % {"label": d.channel.label, "error": d.last_error or d.get_status_display()},
        )


@require_POST
def send_test(request: AuthedRequest) -> HttpResponse:
    """A test message to oneself: the inbox, and every channel of one's own that is on."""
    ids = actions.do_send_test(request.user)
    messages.info(request, _("A test message is in your inbox."))
    _report_test(request, ids)
    return redirect("notify:channels")


@require_POST
def channel_test(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        ids = actions.do_send_test(request.user, channel_id=pk)
    except Channel.DoesNotExist:
        raise Http404 from None
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("notify:channels")
    _report_test(request, ids)
    return redirect("notify:channels")


# --- Delivery log ------------------------------------------------------------------------------


def _require_log_reader(request: AuthedRequest) -> None:
    if not (request.user.is_active and rules.can_read_delivery_log(request.user.role)):
        raise PermissionDenied


@require_safe
def delivery_log(request: AuthedRequest) -> HttpResponse:
    _require_log_reader(request)
    rows = Delivery.objects.all()
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    counts = {
        r["status"]: r["n"]
        for r in Delivery.objects.order_by().values("status").annotate(n=Count("pk"))
    }
    page = Paginator(
        rows.select_related("channel", "channel__user", "channel__unit").order_by(
            "-created_at", "-pk"
        ),
        LOG_PAGE,
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": [(v, label, counts.get(v, 0)) for v, label in DeliveryStatus.choices],
        "total": sum(counts.values()),
    }
    return render(request, "notify/deliveries.html", context)


@require_safe
def delivery_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One delivery and each try at it: for the log's readers and the channel's managers."""
    user = request.user
    delivery = get_object_or_404(
        Delivery.objects.select_related("channel", "channel__user", "channel__unit"), pk=pk
    )
    may_read = (user.is_active and rules.can_read_delivery_log(user.role)) or (
        queries.manageable_channels(user).filter(pk=delivery.channel_id).exists()
    )
    if not may_read:
        raise Http404
    tries = delivery.tries.order_by("-at", "-pk")
    return render(request, "notify/delivery.html", {"d": delivery, "tries": tries})


# --- The egress allowlist (system administrator) -----------------------------------------------


def _require_org_admin(request: AuthedRequest) -> None:
    if not (request.user.is_active and request.user.can(Capability.MANAGE_ORG)):
        raise PermissionDenied


def _egress_page(request: AuthedRequest, form: EgressRuleForm | None = None) -> HttpResponse:
    rules_in_force = EgressRule.objects.select_related("created_by").order_by("entry")
    return render(
        request, "notify/egress.html", {"rules": rules_in_force, "form": form or EgressRuleForm()}
    )


@require_http_methods(["GET", "POST"])
def egress(request: AuthedRequest) -> HttpResponse:
    _require_org_admin(request)
    if request.method != "POST":
        return _egress_page(request)
    form = EgressRuleForm(request.POST)
    if form.is_valid():
        try:
            rule = actions.do_allow_egress(
                request.user, form.cleaned_data["entry"], form.cleaned_data["note"]
            )
        except actions.ActionError as exc:
            form.add_error("entry", str(exc))
        else:
            messages.success(request, _("%(entry)s is listed.") % {"entry": rule.entry})
            return redirect("notify:egress")
    return _egress_page(request, form)


@require_POST
def egress_remove(request: AuthedRequest) -> HttpResponse:
    _require_org_admin(request)
    try:
        rule = actions.do_remove_egress(request.user, parse_id(request.POST.get("rule", "")) or 0)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(entry)s is no longer listed.") % {"entry": rule.entry})
    return redirect("notify:egress")
