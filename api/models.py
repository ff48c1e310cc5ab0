"""Personal API tokens, the API's rate-limit policy and the counters that enforce it.

A token's secret is shown once, when it is made; only its SHA-256 is kept, with a short
visible prefix to find the row (`api/tokens.py`). A token acts as its owner, never wider: the
owner's role, unit and capabilities decide everything, as on the pages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinbao.core.inputs import bounded
from xinbao.core.policy import SingletonPolicy

# Beyond this many requests a minute one client would starve the other units' people.
MAX_REQUESTS_PER_MINUTE = 100_000


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(_("scope"), max_length=5, choices=TokenScope.choices)
    # The token's first characters, shown in the list and used to find the row.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiPolicy(SingletonPolicy):
    """One row: how many requests a minute one token, or one signed-in person, may make. Edited
    by the system administrator."""

    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute per token or person"),
        default=120,
        validators=bounded(MAX_REQUESTS_PER_MINUTE, low=1),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("API policy")
        verbose_name_plural = _("API policy")

    def __str__(self) -> str:
        return str(_("API policy"))


class RequestCount(models.Model):
    """Requests admitted for one client (`token:<id>` or `user:<id>`) in one minute. In the
    database so that every web process counts against the same figure."""

    client = models.CharField(max_length=40)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window"], name="request_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.window:%H:%M} {self.count}"
