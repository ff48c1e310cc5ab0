import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notify import rules
from notify.actions import ChannelSpec
from notify.models import ChannelKind, EgressRule
from notify.transports.connect import EgressRefused, check_url
from xinbao.core.inputs import Form

_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
_URL_KINDS = (ChannelKind.WEBHOOK, ChannelKind.WECOM, ChannelKind.DINGTALK)


_USER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class RobotFields(Form):
    """The settings a WeCom or DingTalk group robot has of its own."""

    rate_per_minute = forms.IntegerField(
        label=_("Robot: messages per minute"),
        min_value=1,
        max_value=rules.MAX_ROBOT_RATE_PER_MINUTE,
        initial=rules.DEFAULT_ROBOT_RATE_PER_MINUTE,
        required=False,
        help_text=_(
            "Default 20: WeCom and DingTalk both accept at most 20 messages a minute from one "
            "robot (their robot documentation), and DingTalk then blocks the robot for 10 "
            "minutes. Messages over the rate wait; urgent ones go first."
        ),
    )
    keyword = forms.CharField(
        label=_("DingTalk custom keyword"),
        max_length=20,
        required=False,
        help_text=_(
            "Only for a DingTalk robot secured by a custom keyword (自定义关键词): one of its "
            "keywords. It is put in every message's title."
        ),
    )
    at_mobiles = forms.CharField(
        label=_("@ on urgent alerts: mobile numbers"),
        max_length=300,
        required=False,
        help_text=_("Mobile numbers of group members to @ on urgent alerts, separated by commas."),
    )
    at_user_ids = forms.CharField(
        label=_("@ on urgent alerts: user ids"),
        max_length=300,
        required=False,
        help_text=_("WeCom or DingTalk user ids to @ on urgent alerts, separated by commas."),
    )
    at_all = forms.BooleanField(label=_("@ everyone on urgent alerts"), required=False)

    def clean_at_mobiles(self) -> str:
        values = rules.split_list(self.cleaned_data.get("at_mobiles") or "")
        if any(not _PHONE.match(v) or " " in v for v in values):
            raise ValidationError(_("Enter mobile numbers (digits, may start with +)."))
        return ", ".join(values)

    def clean_at_user_ids(self) -> str:
        values = rules.split_list(self.cleaned_data.get("at_user_ids") or "")
        if any(not _USER_ID.match(v) for v in values):
            raise ValidationError(_("A user id is letters, digits and _ . @ - only."))
        return ", ".join(values)

    def robot_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "rate_per_minute": data.get("rate_per_minute") or rules.DEFAULT_ROBOT_RATE_PER_MINUTE,
            "keyword": (data.get("keyword") or "").strip(),
            "at_mobiles": data.get("at_mobiles") or "",
            "at_user_ids": data.get("at_user_ids") or "",
            "at_all": bool(data.get("at_all")),
        }


class ChannelForm(RobotFields):
    field_order = ["kind", "label", "target", "secret", "sms_url", "template"]

    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    label = forms.CharField(
        label=pgettext_lazy("notify", "Name"),
        max_length=60,
        help_text=_("For you, e.g. “office mailbox”."),
    )
    target = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_(
            "E-mail: the address. Webhook, WeCom, DingTalk: the robot's full URL. "
            "SMS: the mobile number."
        ),
    )
    secret = forms.CharField(
        label=_("DingTalk signing secret"),
        max_length=200,
        required=False,
        help_text=_("Only for a DingTalk robot secured by signing (加签): the SEC… string."),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
    )
    sms_url = forms.CharField(
        label=_("SMS gateway URL"),
        max_length=500,
        required=False,
        help_text=_('Only for SMS: where the gateway receives {"phone", "text"} as JSON.'),
    )
    template = forms.CharField(
        label=_("SMS text"),
        max_length=300,
        required=False,
        initial=rules.DEFAULT_SMS_TEMPLATE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for SMS. Placeholders: {title} {body} {url}. Cut to 300 characters."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        target = (data.get("target") or "").strip()
        if kind == ChannelKind.EMAIL and target:
            try:
                validate_email(target)
            except ValidationError:
                self.add_error("target", _("Enter a valid e-mail address."))
        elif kind in _URL_KINDS and target and not rules.is_http_url(target):
            self.add_error("target", _("Enter a full http:// or https:// address."))
        elif kind == ChannelKind.SMS:
            if target and not _PHONE.match(target):
                self.add_error("target", _("Enter a phone number (digits, may start with +)."))
            sms_url = (data.get("sms_url") or "").strip()
            if not sms_url:
                self.add_error("sms_url", _("The SMS gateway URL is required for SMS."))
            elif not rules.is_http_url(sms_url):
                self.add_error("sms_url", _("Enter a full http:// or https:// address."))
        data["target"] = target
        self._check_egress(data)
        return data

    def _check_egress(self, data: dict[str, Any]) -> None:
        """A URL the worker would refuse is refused here, with the reason, before it is saved."""
        kind = data.get("kind")
        field = "target" if kind in _URL_KINDS else "sms_url" if kind == ChannelKind.SMS else ""
        url = (data.get(field) or "").strip() if field else ""
        if not url or self.has_error(field):
            return
        try:
            check_url(url)
        except EgressRefused as exc:
            self.add_error(field, exc.detail)

    def spec(self) -> ChannelSpec:
        data = self.cleaned_data
        return ChannelSpec(
            kind=data["kind"],
            label=data["label"],
            target=data["target"],
            secret=data.get("secret") or "",
            template=data.get("template") or "",
            sms_url=data.get("sms_url") or "",
            **self.robot_values(),
        )


class RobotForm(RobotFields):
    """A robot's own settings, changed after it was added."""

    def spec(self, kind: str) -> ChannelSpec:
        return ChannelSpec(kind=kind, label="", target="", **self.robot_values())


class EgressRuleForm(Form):
    entry = forms.CharField(
        label=_("Host, address or range"),
        max_length=EgressRule._meta.get_field("entry").max_length,
        help_text=_(
            "A host name, optionally with port (qyapi.weixin.qq.com, sms.example.gov.cn:8443); "
            "an IP address, optionally with port (10.2.3.4, 10.2.3.4:8080); or a range "
            "(10.2.0.0/16)."
        ),
    )
    note = forms.CharField(
        label=_("What it is for"),
        max_length=EgressRule._meta.get_field("note").max_length,
        required=False,
        help_text=_("e.g. “WeCom robots”, “the SMS gateway”."),
    )
