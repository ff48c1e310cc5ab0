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


class ChannelForm(Form):
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
        )


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
