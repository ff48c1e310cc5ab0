from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import MAX_REQUESTS_PER_MINUTE, TokenScope
from xinbao.core.inputs import Form

EXPIRY_CHOICES = [
    ("", _("Never")),
    ("30", _("After 30 days")),
    ("90", _("After 90 days")),
    ("180", _("After 180 days")),
    ("365", _("After a year")),
]


class TokenForm(Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("What will use it, e.g. 12345 hotline bridge."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("A token never does more than you may do yourself."),
    )
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, required=False)

    def expires_in_days(self) -> int | None:
        value = self.cleaned_data.get("expires") or ""
        return int(value) if value else None


class RateLimitForm(Form):
    requests_per_minute = forms.IntegerField(
        label=_("Requests per minute per token or person"),
        min_value=1,
        max_value=MAX_REQUESTS_PER_MINUTE,
    )
