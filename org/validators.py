from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from org.models import User


class CharacterClassValidator:
    """Passwords mix at least three of: lower case, upper case, digits, symbols (等保 level 3)."""

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _(
                    "The password must mix at least three of: lower-case letters, "
                    "upper-case letters, digits and symbols."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Mix at least three of: lower-case letters, upper-case letters, digits and symbols."
        )


class PasswordHistoryValidator:
    """Refuses the current password and the last N (N is data: `SecurityPolicy.password_history`,
    kept as hashes in `PasswordHistory`)."""

    def validate(self, password: str, user: object = None) -> None:
        from org.models import User

        if not isinstance(user, User) or user.pk is None:
            return
        n = reused(user, password)
        if n == 0:
            raise ValidationError(
                _("The new password must differ from the current one."), code="password_current"
            )
        if n is not None:
            raise ValidationError(
                _("This password was used recently. Choose one you have not used before."),
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Neither the current password nor a recent one may be used again.")


def reused(user: "User", password: str) -> int | None:
    """0 if `password` is the current one, n if it is the n-th previous one within the
    policy's history, else None."""
    from org.models import PasswordHistory, SecurityPolicy

    if user.has_usable_password() and check_password(password, user.password):
        return 0
    keep = SecurityPolicy.current().password_history
    for n, old in enumerate(PasswordHistory.objects.filter(user=user)[:keep], start=1):
        if check_password(password, old.password):
            return n
    return None
