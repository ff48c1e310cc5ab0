from django import forms
from django.utils.translation import gettext_lazy as _

from federation.models import Direction, FederationPolicy
from org.models import Unit
from xinbao.core.inputs import Form, ModelForm


class LinkForm(Form):
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    base_url = forms.URLField(
        label=_("the other instance's address"),
        max_length=300,
        assume_scheme="https",
        help_text=_("e.g. https://xinbao.province.gov.cn"),
    )
    office_code = forms.SlugField(
        label=_("the lower office's unit code in the upper instance"), max_length=40
    )
    unit = forms.ModelChoiceField(
        label=_("the unit that represents the lower office"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("Only for a link to a lower office."),
    )
    secret = forms.CharField(
        label=_("shared secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Blank: one is generated and shown once. Otherwise type the one the other side gave."
        ),
    )


class RotateForm(Form):
    secret = forms.CharField(
        label=_("new shared secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave blank to generate one; it is shown once."),
    )


class LinkEditForm(Form):
    base_url = forms.URLField(
        label=_("the other instance's address"), max_length=300, assume_scheme="https"
    )
    is_active = forms.BooleanField(label=_("active"), required=False)


class PolicyForm(ModelForm):
    class Meta:
        model = FederationPolicy
        fields = [
            "replay_window_seconds",
            "retry_base_seconds",
            "retry_max_seconds",
            "timeout_seconds",
            "rotation_grace_hours",
        ]
