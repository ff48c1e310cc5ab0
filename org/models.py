from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.roles import Capability, Role, has_capability


class UnitLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")


class UnitKind(models.TextChoices):
    PARTY_OFFICE = "party_office", _("Party committee office")
    GOVERNMENT_OFFICE = "government_office", _("Government office")
    SECTION = "section", _("Section of the office")
    DEPARTMENT = "department", _("Municipal department")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township / street")
    ENTERPRISE = "enterprise", _("State enterprise / institution")


class Unit(models.Model):
    """An office, department, district or township in the reporting network."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_reporting = models.BooleanField(
        _("reports to the office"),
        default=True,
        help_text=_("Units that submit information to the municipal office."),
    )
    officer = models.ForeignKey(
        "org.User",
        verbose_name=_("named information officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("information phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person with one role in one unit."""

    full_name = models.CharField(_("full name"), max_length=50)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    title = models.CharField(_("post"), max_length=50, blank=True)

    REQUIRED_FIELDS = ["email", "full_name", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def can(self, capability: Capability) -> bool:
        return self.is_active and has_capability(self.role, capability)


def user_can(user: object, capability: Capability) -> bool:
    """For places that may see an anonymous user (admin hooks, context processors)."""
    return isinstance(user, User) and user.can(capability)


class SecurityPolicy(models.Model):
    """The account security policy. One row; the security administrator edits it."""

    failure_limit = models.PositiveSmallIntegerField(_("failed logins before lock-out"), default=5)
    cooloff_minutes = models.PositiveIntegerField(_("lock-out duration (minutes)"), default=30)
    idle_timeout_minutes = models.PositiveIntegerField(
        _("idle session timeout (minutes)"), default=30
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self) -> str:
        return str(_("Security policy"))

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.idle_timeout_minutes)

    @classmethod
    def current(cls) -> "SecurityPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy
