from datetime import time, timedelta
from functools import partial

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from org.roles import SECOND_FACTOR_ROLES, Capability, Role, has_capability
from org.secrecy import DEFAULT_CEILING, Secrecy
from xinbao.core.inputs import INT_MAX, SMALLINT_MAX, bounded, check_date
from xinbao.core.policy import SingletonPolicy


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


def validate_region_code(value: str) -> None:
    """GB/T 2260 行政区划代码: six digits (two for the province, two for the prefecture, two for
    the county), never all zeros."""
    if len(value) != 6 or not value.isascii() or not value.isdigit() or value == "000000":
        raise ValidationError(
            _("The administrative region code (GB/T 2260) is six digits, e.g. 330106.")
        )


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
    # Only for units that are a region (a district's or county's office, a city's office at the
    # province): the code other systems and the upper level know the region by.
    region_code = models.CharField(
        _("administrative region code (GB/T 2260)"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("Six digits; only for units that are a region (district, county, city)."),
    )
    # The office this instance belongs to (a city's 市委办公室, a province's 省委办公厅): every
    # other unit reports to it, its level is this instance's own level (分级部署). One unit at
    # most; `hub_unit()`.
    is_hub = models.BooleanField(
        _("this instance's office"),
        default=False,
        help_text=_(
            "The office this system belongs to, to which every other unit reports. Only one."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0, validators=bounded(INT_MAX))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["is_hub"],
                condition=models.Q(is_hub=True),
                name="one_hub_unit",
                violation_error_message=_(
                    "Another unit is already marked as this instance's office; unmark it first."
                ),
            )
        ]

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
    # Set when the password in force was not chosen by the person through xinbao's own pages
    # (a reset was requested, or it was typed in at the command line): every page then sends
    # them to the password change until they choose one (org/middleware.py).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # An account a federation link made for itself (its filer, signer or recorder): it acts
    # only through signed messages, traced to each one. Nobody logs in as it, resets its
    # password or changes it; the link's own pages keep it (federation/actions.py).
    is_service = models.BooleanField(_("link account"), default=False, editable=False)

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


def default_second_factor_roles() -> list[str]:
    """The three administrators (三员), the section chief and the secretary-general."""
    return list(SECOND_FACTOR_ROLES)


class SecurityPolicy(SingletonPolicy):
    """The account security policy. One row; the security administrator edits it."""

    failure_limit = models.PositiveSmallIntegerField(
        _("failed logins before lock-out"), default=5, validators=bounded(SMALLINT_MAX)
    )
    cooloff_minutes = models.PositiveIntegerField(
        _("lock-out duration (minutes)"), default=30, validators=bounded(INT_MAX)
    )
    idle_timeout_minutes = models.PositiveIntegerField(
        _("idle session timeout (minutes)"), default=30, validators=bounded(INT_MAX)
    )
    password_history = models.PositiveSmallIntegerField(
        _("previous passwords that may not be reused"),
        default=5,
        validators=bounded(SMALLINT_MAX),
    )
    password_max_age_days = models.PositiveIntegerField(
        _("password expiry (days, 0 = never)"), default=0, validators=bounded(INT_MAX)
    )
    reset_link_hours = models.PositiveSmallIntegerField(
        _("password link lifetime (hours)"), default=24, validators=bounded(SMALLINT_MAX)
    )
    cooloff_max_minutes = models.PositiveIntegerField(
        _("longest lock-out (minutes)"),
        default=24 * 60,
        validators=bounded(INT_MAX),
        help_text=_(
            "Each repeated lock-out of one name from one address doubles the lock-out, up to this."
        ),
    )
    lockout_memory_hours = models.PositiveIntegerField(
        _("lock-outs remembered for (hours)"),
        default=24,
        validators=bounded(INT_MAX),
        help_text=_("Lock-outs older than this no longer lengthen the next one."),
    )
    second_factor_roles = models.JSONField(
        _("roles that must use two-step verification"), default=default_second_factor_roles
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

    @property
    def reset_link_lifetime(self) -> timedelta:
        return timedelta(hours=self.reset_link_hours)


class PasswordHistory(models.Model):
    """A hash of a password a person set, kept to refuse its reuse. Never the password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")

    def __str__(self) -> str:
        return f"password-history:{self.pk}"


class LinkPurpose(models.TextChoices):
    FIRST = "first", _("First password")
    RESET = "reset", _("Password reset")


class PasswordLink(models.Model):
    """A one-time link with which a person sets their own password. Only the token's SHA-256
    is stored; the token itself goes to the person's own e-mail address and nowhere else, so
    neither the administrator who asked for it nor anyone reading the database can use it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_links")
    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=LinkPurpose.choices)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")

    def __str__(self) -> str:
        return f"password-link:{self.pk}"


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AccountProposal(models.Model):
    """A change that grants access — a new account, a role that can do more, re-activating an
    account, a new e-mail address (where password links go) — proposed by the system
    administrator. It takes effect only when the security administrator approves it (两人规则).
    `before` and `after` hold the proposed fields' values as plain JSON."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="proposals")
    is_new_account = models.BooleanField(_("new account"), default=False)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    proposed_by = models.ForeignKey(
        User, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("account proposal", "decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("account proposal", "decided at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("account change proposal")
        verbose_name_plural = _("account change proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="one_pending_proposal_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"proposal:{self.pk}"


class LockOut(models.Model):
    """One lock-out of a user name at one address (django-axes locks the pair). How many the
    pair had lately sets how long the next one lasts (`org.security.cooloff_time`)."""

    username = models.CharField(_("user name"), max_length=255)
    ip_address = models.GenericIPAddressField(_("address"), null=True)
    started_at = models.DateTimeField(_("locked at"))

    class Meta:
        verbose_name = _("lock-out")
        verbose_name_plural = _("lock-outs")
        indexes = [
            models.Index(fields=["username", "ip_address", "started_at"], name="lockout_pair")
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip_address}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Official holiday")  # 法定节假日 (also its bridging weekdays)
    WORKDAY = "workday", _("Swapped working day")  # 调休上班 on a weekend


class CalendarYear(models.Model):
    """A year whose official holidays and swapped working days are known.

    Seeded from the chinesecalendar package for the years it knows; each new year is entered
    by the system administrator once the State Council publishes it. Until then that year falls
    back to plain weekends and the duty office sees a warning.
    """

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=bounded(SMALLINT_MAX)
    )
    source = models.CharField(_("source"), max_length=40)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, validators=[check_date]
    )
    # 文号 of the State Council's notice, e.g. 国办发明电〔2025〕7号; empty for seeded years.
    notice_number = models.CharField(_("notice number"), max_length=40, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)

    def source_display(self) -> str:
        """Where the year's days came from, in words: the package the migrations seeded it
        from (with its version, which decides the years it knows), or who entered it."""
        package, _sep, version = self.source.partition(" ")
        if package == "chinesecalendar":
            return _("Holiday data: the chinesecalendar package, version %(version)s") % {
                "version": version
            }
        if self.source.startswith("entered by "):
            return _("Entered by %(who)s") % {"who": self.source.removeprefix("entered by ")}
        return self.source


class OfficialDay(models.Model):
    """A date that differs from the plain Monday-to-Friday week."""

    date = models.DateField(_("date"), unique=True, validators=[check_date])
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("official day")
        verbose_name_plural = _("official days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class OfficeHours(SingletonPolicy):
    """When the information section is at its desks; outside these hours the duty office takes
    reports. One row, edited by the system administrator.

    The defaults are given as callables: Django's check warns about a fixed time default that
    happens to lie within ten seconds of the moment the check runs (fields.W161), so
    `check --deploy` run at 17:30:00 UTC would fail on a plain time(17, 30)."""

    morning_start = models.TimeField(_("morning starts"), default=partial(time, 8, 30))
    morning_end = models.TimeField(_("morning ends"), default=partial(time, 12, 0))
    afternoon_start = models.TimeField(_("afternoon starts"), default=partial(time, 14, 0))
    afternoon_end = models.TimeField(_("afternoon ends"), default=partial(time, 17, 30))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return str(_("Office hours"))


MONTH = [MinValueValidator(1), MaxValueValidator(12)]
DAY = [MinValueValidator(1), MaxValueValidator(31)]


class OfficeHoursPeriod(models.Model):
    """Office hours for part of the year (夏季作息, 冬季作息): from one month-day to another,
    every year, wrapping over the new year when the end comes before the start. Dates no
    period covers keep the office hours above."""

    name = models.CharField(_("name"), max_length=20)
    start_month = models.PositiveSmallIntegerField(_("from month"), validators=MONTH)
    start_day = models.PositiveSmallIntegerField(_("from day"), validators=DAY)
    end_month = models.PositiveSmallIntegerField(_("to month"), validators=MONTH)
    end_day = models.PositiveSmallIntegerField(_("to day"), validators=DAY)
    opens = models.TimeField(_("opens"))
    lunch_starts = models.TimeField(_("lunch break starts"), null=True, blank=True)
    lunch_ends = models.TimeField(_("lunch break ends"), null=True, blank=True)
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["start_month", "start_day"]
        verbose_name = _("office hours period")
        verbose_name_plural = _("office hours periods")

    def __str__(self) -> str:
        return self.name


class DutyShift(models.Model):
    """Who is on duty when (值班). Edited by the duty office."""

    person = models.ForeignKey(
        User, verbose_name=_("on duty"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[check_date])
    ends_at = models.DateTimeField(_("ends at"), validators=[check_date])
    is_leader = models.BooleanField(
        _("leader on duty"), default=False, help_text=_("带班领导 rather than the duty officer.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="duty_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"


# Levels from the top; the office above the hub is one step up (分级部署).
LEVELS_DOWN = (
    UnitLevel.CENTRAL,
    UnitLevel.PROVINCE,
    UnitLevel.CITY,
    UnitLevel.COUNTY,
    UnitLevel.TOWNSHIP,
)


def levels_above(level: str) -> tuple[str, ...]:
    """The levels above `level`, nearest first: above a city, the province then the centre."""
    if level not in LEVELS_DOWN:
        return ()
    return tuple(reversed(LEVELS_DOWN[: LEVELS_DOWN.index(level)]))


def hub_unit() -> Unit | None:
    """The office this instance belongs to, every other unit reports to: the unit marked
    `is_hub`. A directory where none is marked yet (one made before the mark existed, a test's
    few units) falls back to the first active city-level Party office, as before."""
    marked = Unit.objects.filter(is_hub=True).first()
    if marked is not None:
        return marked
    return (
        Unit.objects.filter(level=UnitLevel.CITY, kind=UnitKind.PARTY_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def upper_office() -> Unit | None:
    """Where this office forwards upward (上报): the hub's parent if it is at a higher level,
    else the first active Party office one level above the hub's (a city's: the province's; a
    province's: the centre's). None at the top, or when the directory has no such unit."""
    hub = hub_unit()
    level = hub.level if hub is not None else UnitLevel.CITY
    above = levels_above(level)
    if hub is not None and hub.parent is not None and hub.parent.level in above:
        return hub.parent
    if not above:
        return None
    return (
        Unit.objects.filter(level=above[0], kind=UnitKind.PARTY_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def upper_units() -> "models.QuerySet[Unit]":
    """The active units above this office's level, where its reports go upward (上报): for a
    city's office the province's and the centre's, for a province's the centre's."""
    hub = hub_unit()
    above = levels_above(hub.level if hub is not None else UnitLevel.CITY)
    return Unit.objects.filter(level__in=above, is_active=True)


class SecrecyPolicy(SingletonPolicy):
    """The highest 密级 this deployment may hold (org/secrecy.py). One row; the security
    administrator edits it. Seeded at 内部: the system as installed is not an approved
    涉密信息系统."""

    ceiling = models.CharField(
        _("highest secrecy level this system may hold"),
        max_length=10,
        choices=Secrecy.choices,
        default=DEFAULT_CEILING,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("secrecy ceiling")
        verbose_name_plural = _("secrecy ceiling")

    def __str__(self) -> str:
        return str(_("Secrecy ceiling"))
