from datetime import date

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from bulletins.rules import level_of_office
from org.office import office_level, office_name
from org.secrecy import Secrecy, secrecy_field
from xinbao.core.inputs import INT_MAX, MAX_BODY_LENGTH, SMALLINT_MAX, bounded, check_date
from xinbao.core.once import token_constraint, token_field
from xinbao.core.policy import SingletonPolicy


class AdoptionLevel(models.TextChoices):
    """Whose publication used an item: the points ledger weighs adoptions by this."""

    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    CENTRAL = "central", _("Central")


def own_level() -> str:
    """This instance's own level (本级): the level of its own publications and leaders, from its
    office's (a city's office: CITY; a province's: PROVINCE). Above it is "adopted above"."""
    return level_of_office(office_level())


class Publication(models.Model):
    """A bulletin series such as 《每日要情》, at the city level or above."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    # Blank: the office's own name from the unit directory (org.office), the one name a
    # criticism notice prints too. Provincial and central publications name their office.
    issuer = models.CharField(
        _("issuing office"),
        max_length=100,
        blank=True,
        help_text=_("Blank: the office's full name as the unit directory holds it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0, validators=bounded(INT_MAX))
    # Only city publications are compiled in xinbao; provincial and central ones are where
    # forwarded items get adopted, recorded by hand.
    compiled_here = models.BooleanField(_("compiled in xinbao"), default=False)
    readers = models.ManyToManyField(
        "org.User", verbose_name=_("readers"), blank=True, related_name="publications_read"
    )
    # The 密级 a new issue starts at (《每日要情》: 内部).
    default_secrecy = models.CharField(
        _("default secrecy level of its issues"),
        max_length=10,
        choices=Secrecy.choices,
        default=Secrecy.PUBLIC,
    )
    # The 简报 convention: a mark at the top left, and the closing block's 报/送/发 lines and
    # 印数 (see bulletins.export). The section edits them on the publication's settings page.
    internal_mark = models.CharField(
        _("mark at the top left"),
        max_length=20,
        blank=True,
        default="内部资料",
        help_text=_("E.g. 内部资料 or 注意保存; blank prints none."),
    )
    report_to = models.CharField(_("reported to (报)"), max_length=300, blank=True)
    send_to = models.CharField(_("sent to (送)"), max_length=300, blank=True)
    issue_to = models.CharField(_("issued to (发)"), max_length=300, blank=True)
    copies = models.PositiveIntegerField(
        _("copies printed"), null=True, blank=True, validators=bounded(INT_MAX)
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.name

    @property
    def issuer_name(self) -> str:
        """The 编印单位 as printed: the publication's own, else the office's full name."""
        return self.printed_issuer(office_name())

    def printed_issuer(self, office: str) -> str:
        """`issuer_name`, given the office's full name (read once for a list of many)."""
        return self.issuer.strip() or office


class IssueState(models.TextChoices):
    DRAFT = "draft", _("Being compiled")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting the chief's sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    PUBLISHED = "published", _("Published")


class Issue(models.Model):
    """One issue (期) of a publication. Its number is given when it is published, from a
    per-publication, per-year counter, so numbers never skip or repeat."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="issues"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=bounded(SMALLINT_MAX))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    # 总第X期: the issue's place in the publication's whole run, across years; given with the
    # number when the issue is published (IssueTotal).
    total_number = models.PositiveIntegerField(_("running number"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=IssueState.choices, default=IssueState.DRAFT
    )
    issue_date = models.DateField(_("date of issue"), validators=[check_date])
    # 密级 (org/secrecy.py): the publication's default when compiled, never above the ceiling.
    secrecy = secrecy_field()
    compiled_by = models.ForeignKey(
        "org.User", verbose_name=_("compiled by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "year", "number"], name="issue_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication.name} {self.label}"

    @property
    def label(self) -> str:
        if self.number is None:
            return str(_("(unnumbered draft)"))
        return str(_("%(year)s no. %(number)s")) % {"year": self.year, "number": self.number}


class IssueReturn(models.Model):
    """The section chief sent an issue back to its editors, and why: the issue's history shows
    it (the audit log records that it happened, never the reason's text)."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="returns"
    )
    returned_at = models.DateTimeField(_("returned at"))
    returned_by = models.ForeignKey(
        "org.User", verbose_name=_("returned by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=MAX_BODY_LENGTH)

    class Meta:
        ordering = ["returned_at", "pk"]
        verbose_name = _("return of an issue")
        verbose_name_plural = _("returns of issues")

    def __str__(self) -> str:
        return f"{self.issue_id} {self.returned_at:%Y-%m-%d %H:%M}"


class IssueCounter(models.Model):
    """The last number given in a publication's year; locked while the next one is taken."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="+", verbose_name=_("publication")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=bounded(SMALLINT_MAX))
    last_number = models.PositiveIntegerField(
        _("last number given"), default=0, validators=bounded(INT_MAX)
    )

    class Meta:
        verbose_name = _("issue counter")
        verbose_name_plural = _("issue counters")
        constraints = [
            models.UniqueConstraint(fields=["publication", "year"], name="issue_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.year}: {self.last_number}"


class IssueTotal(models.Model):
    """The last running number (总第X期) given in a publication's whole run; locked while the
    next one is taken. An office going live continues its paper series' total here."""

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, related_name="+", verbose_name=_("publication")
    )
    last_total = models.PositiveIntegerField(
        _("last running number given"), default=0, validators=bounded(INT_MAX)
    )

    class Meta:
        verbose_name = _("running issue counter")
        verbose_name_plural = _("running issue counters")

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.last_total}"


class IssueEntry(models.Model):
    """An item as it appears in an issue: edited for the bulletin, the source text untouched."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(
        "submissions.InfoItem", on_delete=models.PROTECT, related_name="issue_entries"
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=MAX_BODY_LENGTH)
    credit = models.CharField(_("source units"), max_length=200)

    class Meta:
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "item"], name="entry_item_once_per_issue")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]


class Adoption(models.Model):
    """An item used by a publication (采用), at the publication's level. The points ledger is
    built from these rows. A bulletin compiled here records one for each of its entries when
    it is published; a provincial or central adoption is recorded by hand on the item's page.

    The table keeps the name it had when adoptions lived in `submissions`."""

    item = models.ForeignKey(
        "submissions.InfoItem", on_delete=models.PROTECT, related_name="adoptions"
    )
    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    adopted_on = models.DateField(_("adopted on"), validators=[check_date])
    recorded_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    # The upper publication's issue that used the item (期号 and date), as the office registers
    # it: a provincial or central adoption is recorded with it; a city one has `issue` instead.
    upper_issue_number = models.CharField(_("issue number"), max_length=40, blank=True)
    upper_issue_date = models.DateField(
        _("date of the issue"), null=True, blank=True, validators=[check_date]
    )

    class Meta:
        db_table = "submissions_adoption"
        ordering = ["adopted_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "publication"], name="adoption_once_per_pub")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.publication_id}"

    @property
    def upper_issue_label(self) -> str:
        """The upper publication's issue, e.g. “2026年第123期（2026-03-02）”."""
        return upper_issue_label(self.upper_issue_number, self.upper_issue_date)


def upper_issue_label(number: str, on: date | None) -> str:
    """An upper publication's issue as the item page and the points ledger name it: its
    number as printed (e.g. “2026年第123期”), then its date."""
    number = number.strip()
    if on is None:
        return number
    return f"{number}（{on:%Y-%m-%d}）"


class ReadReceipt(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="receipts")
    reader = models.ForeignKey("org.User", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "reader"], name="receipt_once_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} read by {self.reader_id}"


class EditorialPolicy(SingletonPolicy):
    """Deadlines of the editorial loop. One row; the section chief edits it."""

    # Working days on the official calendar, ending at the office's closing time.
    feedback_days = models.PositiveSmallIntegerField(
        _("feedback on an instruction due within (working days)"),
        default=7,
        validators=bounded(SMALLINT_MAX),
    )
    solicitation_days = models.PositiveSmallIntegerField(
        _("answers to a solicitation due within (working days)"),
        default=7,
        validators=bounded(SMALLINT_MAX),
    )
    reminder_fractions = models.CharField(
        _("reminders at fractions of the window"), max_length=40, default="0.5,0.9"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("editorial policy")
        verbose_name_plural = _("editorial policy")

    def __str__(self) -> str:
        return str(_("Editorial policy"))


class Instruction(models.Model):
    """A leader's written instruction (批示) on an item or a bulletin entry."""

    item = models.ForeignKey(
        "submissions.InfoItem", on_delete=models.PROTECT, related_name="instructions"
    )
    entry = models.ForeignKey(
        IssueEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    leader = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField(_("leader"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    text = models.TextField(_("instruction"))
    instructed_on = models.DateField(_("date"), validators=[check_date])
    recorded_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = token_field()  # the creating form's: posted again, it creates nothing

    class Meta:
        ordering = ["-instructed_on", "-pk"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        constraints = [token_constraint("recorded_by", "instruction_once_per_form")]

    def __str__(self) -> str:
        return f"{self.leader_name}: {self.text[:20]}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Feedback due")
    ANSWERED = "answered", _("Feedback filed")


class FollowUpTask(models.Model):
    """What a source unit owes on an instruction: feedback (反馈) by `due_at`."""

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="follow_up_tasks")
    due_at = models.DateTimeField(_("feedback due"))
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    feedback = models.TextField(_("feedback"), blank=True)
    filed_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    # Its deadline row in the deadline engine (bulletins.deadline_kinds).
    expected = GenericRelation(
        "deadlines.ExpectedReport",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="task",
    )

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "unit"], name="task_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id} → {self.unit_id}"

    @property
    def late(self) -> bool:
        return self.filed_at is not None and self.filed_at > self.due_at


class Solicitation(models.Model):
    """A request from the office for items on a topic (约稿), with a deadline."""

    topic = models.CharField(_("topic"), max_length=120)
    requirements = models.TextField(_("requirements"))
    due_at = models.DateTimeField(_("deadline"), validators=[check_date])
    units = models.ManyToManyField("org.Unit", verbose_name=_("target units"), related_name="+")
    issued_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    # One deadline row per target unit in the deadline engine (bulletins.deadline_kinds).
    expected = GenericRelation(
        "deadlines.ExpectedReport",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="solicitation",
    )

    form_token = token_field()  # the creating form's: posted again, it creates nothing

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("solicitation")
        verbose_name_plural = _("solicitations")
        constraints = [token_constraint("issued_by", "solicitation_once_per_form")]

    def __str__(self) -> str:
        return self.topic
