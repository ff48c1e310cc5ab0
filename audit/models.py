from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinbao.core.policy import SingletonPolicy

# 网络安全法 §21: network logs are kept for no less than six months.
MIN_RETENTION_DAYS = 180


class AuditEntry(models.Model):
    """One security-relevant action. Append-only: rows are never updated, and leave the table
    only past their retention, into a signed archive file (audit.retention)."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The HMAC that made `hash` (audit.chain.ALGORITHMS); stated per entry so that changing
    # the setting never invalidates what was written before.
    alg = models.CharField(max_length=16, default="hmac-sha256")

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class AuditPolicy(SingletonPolicy):
    """How long entries stay in the database before they are archived to a signed file.
    Edited by the audit administrator (audit.actions.do_set_retention)."""

    retention_days = models.PositiveIntegerField(
        _("retention (days)"),
        default=MIN_RETENTION_DAYS,
        validators=[MinValueValidator(MIN_RETENTION_DAYS)],
    )

    class Meta:
        verbose_name = _("audit policy")

    def __str__(self) -> str:
        return "audit_policy"
