"""The password login's account check: besides Django's (an active account), a federation
link's own account (`User.is_service`) never logs in — not by password, not by a session
made some other way — whatever was done to its password."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_service", False)
