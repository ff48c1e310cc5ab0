from django.db import models
from django.utils.translation import gettext_lazy as _


class AdoptionLevel(models.TextChoices):
    """Whose publication used an item: the points ledger weighs adoptions by this."""

    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    CENTRAL = "central", _("Central")


class Publication(models.Model):
    """A bulletin series such as 《每日要情》, at the city level or above."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    issuer = models.CharField(_("issuing office"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.name
