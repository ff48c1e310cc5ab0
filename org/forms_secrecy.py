"""The 密级 choice every marked thing's form offers: only the levels up to the deployment's
ceiling (the write path refuses the others too: org/actions_secrecy.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from org.actions_secrecy import ceiling
from org.secrecy import Secrecy, allowed_levels
from xinbao.core.inputs import Form


def secrecy_field(**kwargs: Any) -> forms.ChoiceField:
    """A choice of the levels this deployment may hold. Validation accepts any known level, so
    that a level above the ceiling reaches the write path and is refused there with the rule.
    Left out of a post (a script, an older page), it is empty: the caller keeps what it had,
    公开 for something new."""
    kwargs.setdefault("required", False)
    field = forms.ChoiceField(
        label=_("Secrecy level"),
        choices=Secrecy.choices,
        initial=Secrecy.PUBLIC,
        help_text=_("Only the levels this system may hold are offered."),
        **kwargs,
    )
    field.widget.choices = allowed_levels(ceiling())
    return field


class SecrecyForm(Form):
    secrecy = forms.ChoiceField(label=_("Secrecy level"), choices=Secrecy.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secrecy"] = secrecy_field(required=True)


class CeilingForm(Form):
    ceiling = forms.ChoiceField(
        label=_("Highest secrecy level this system may hold"),
        choices=Secrecy.choices,
        widget=forms.RadioSelect,
    )
