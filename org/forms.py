from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from org.models import SecurityPolicy


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong user name or password. Repeated failures lock the account for a while."
        ),
        "inactive": _("This account is disabled."),
    }


class SecurityPolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["failure_limit", "cooloff_minutes", "idle_timeout_minutes"]

    def clean_failure_limit(self) -> int:
        value: int = self.cleaned_data["failure_limit"]
        if not 3 <= value <= 10:
            raise forms.ValidationError(_("Between 3 and 10 attempts."))
        return value

    def clean_idle_timeout_minutes(self) -> int:
        value: int = self.cleaned_data["idle_timeout_minutes"]
        if not 5 <= value <= 120:
            raise forms.ValidationError(_("Between 5 and 120 minutes."))
        return value

    def clean_cooloff_minutes(self) -> int:
        value: int = self.cleaned_data["cooloff_minutes"]
        if not 1 <= value <= 1440:
            raise forms.ValidationError(_("Between 1 and 1440 minutes."))
        return value
