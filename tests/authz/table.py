"""The expected answers: for every URL of the URLconf and every method its view accepts, who may,
what happens when they do, and what everyone else gets.

Written by hand from the README's "Who uses it" table and its role descriptions, never computed
from `org/roles.py` or any rule module (the code under test). One `Row` per (URL name, method);
a URL whose argument picks the action (`submissions:act`, `bulletins:step`, …) has one row per
action, told apart by `variant`.

A refused persona gets 403, or 404 for an object it may not know exists, or — where the view
sends a visible-but-unavailable action back to its page with a message — 302 with nothing
written. Anonymous requests are always sent to the login page (except the public endpoints).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from notify.actions import Message, dispatch
from notify.models import Severity
from tests.authz.world import PERSONAS, World
from tests.factories import BODY, pdf

# --- who, in the README's words ---------------------------------------------------------------

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
OFFICERS = frozenset({"officer_a", "officer_b"})  # "writes items for the unit"
UNIT_A = frozenset({"officer_a", "head_a"})
UNIT_PEOPLE = frozenset({"officer_a", "head_a", "officer_b"})
# The section chief does "everything an editor does"; the secretary-general "everything a chief
# does".
EDITORS = frozenset({"editor", "chief", "secretary_general"})
CHIEFS = frozenset({"chief", "secretary_general"})
# "watches the emergency board": the duty officer and the city leader; the section handles it.
BOARD = EDITORS | {"duty_officer", "leader"}
# "logs phone reports and other-channel sightings": the duty office (and the section, whose
# editors take reports in office hours).
CALL_TAKERS = EDITORS | {"duty_officer"}
ADMINS = frozenset({"system_admin", "security_admin", "audit_admin"})
# "stands duty": the duty officer and the section's people, who are on the roster too.
DUTY_KEEPERS = EDITORS | {"duty_officer"}
NOBODY: frozenset[str] = frozenset()
# Must use two-step verification (issue 12: 等保 level 3).
TWO_STEP = ADMINS | {"chief", "secretary_general"}

# Who may read an item that has left its unit (README: "editors see what has left a unit;
# leaders read what was adopted"). The duty officer reads them too: the README is silent and the
# duty office works on the section's behalf outside office hours (code: READ_SUBMITTED).
READS_SUBMITTED = UNIT_A | EDITORS | {"duty_officer"}
READS_ADOPTED = READS_SUBMITTED | {"leader"}

# --- where the code disagrees with the README -----------------------------------------------
# Each (row, persona) here gets what the code answers instead of the README's answer; everywhere
# else the matrix holds the README. Empty: the code and the README agree.
CODE_DISAGREES: dict[tuple[str, str], int] = {}


Args = Callable[[World], list[Any]]
Data = Callable[[World], dict[str, Any]]


def _none(world: World) -> list[Any]:
    return []


def _empty(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    name: str  # the URL name, e.g. "submissions:detail"
    method: str  # "GET" or "POST"
    allowed: frozenset[str]
    args: Args = _none
    data: Data = _empty  # POST body (or GET query) that succeeds for an allowed persona
    ok: int = 200  # what an allowed persona gets (302: redirected after the write)
    # For allowed POSTs: models ("app.Model") whose rows must have changed. For allowed GETs
    # the page must show `shows(world)`.
    writes: tuple[str, ...] = ()
    shows: Callable[[World], str] | None = None
    refused: int = 403  # what a refused signed-in persona gets …
    otherwise: dict[int, frozenset[str]] = field(default_factory=dict)  # … unless listed here
    variant: str = ""  # the action picked by a URL argument
    public: bool = False  # anonymous may too (health, login, language)
    setup: Callable[[World, str], None] | None = None  # before the request, for that persona
    htmx: bool = False
    # An API operation (`/api/…`): a JSON body, 401 rather than the login page for nobody
    # signed in, and asked again with the persona's read and write tokens (test_matrix).
    api: bool = False

    @property
    def key(self) -> str:
        label = f"{self.name}[{self.variant}]" if self.variant else self.name
        return f"{label} {self.method}"

    def expected(self, persona: str) -> int:
        """The status `persona` should get."""
        if persona == "anonymous" and not self.public:
            return 401 if self.api else 302
        if (self.key, persona) in CODE_DISAGREES:
            return CODE_DISAGREES[self.key, persona]
        if persona in self.allowed:
            return self.ok
        for status, personas in self.otherwise.items():
            if persona in personas:
                return status
        return self.refused

    def may(self, persona: str) -> bool:
        if persona == "anonymous" and not self.public:
            return False
        if (self.key, persona) in CODE_DISAGREES:
            return CODE_DISAGREES[self.key, persona] == self.ok
        return persona in self.allowed


def hidden_except(*seeing: frozenset[str]) -> dict[int, frozenset[str]]:
    """404 for every signed-in persona outside `seeing`."""
    visible = frozenset().union(*seeing)
    return {404: SIGNED_IN - visible}


def form_data(form: forms.BaseForm, /, **changes: Any) -> dict[str, Any]:
    """What a browser would post for `form` as the page renders it, with `changes`."""
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(bound, forms.BooleanField):
            if value:
                data[key] = "on"
            continue
        if isinstance(bound.widget, forms.MultiWidget):  # rows: one input per row, name_i
            if not isinstance(value, list) or (value and isinstance(value[0], dict)):
                value = bound.widget.decompress(value)
            data.update({f"{key}_{i}": str(v) for i, v in enumerate(value) if v is not None})
            continue
        if value is None:
            continue
        data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    data.update(changes)
    return data


def _on_duty_now(world: World, persona: str) -> None:
    """The persona's own shift, running: there is something for them to hand over."""
    if persona in world.people:
        from org.models import DutyShift

        start = world.now - timedelta(hours=7)
        DutyShift.objects.create(
            person=world.people[persona], starts_at=start, ends_at=start + timedelta(hours=8)
        )


def local_now(world: World, delta: timedelta = timedelta()) -> str:
    return timezone.localtime(world.now + delta).strftime("%Y-%m-%dT%H:%M")


def today(world: World, days: int = 0) -> str:
    return (timezone.localdate(world.now) + timedelta(days=days)).isoformat()


ROWS: list[Row] = []


def rows(*new: Row) -> None:
    ROWS.extend(new)


# --- the front door, accounts, language and health (public where marked) ----------------------


def _known_password(world: World, persona: str) -> None:
    user = world.people["officer_a" if persona == "anonymous" else persona]
    user.set_password("Old-pass-2024!")
    user.save(update_fields=["password"])


rows(
    Row("home", "GET", SIGNED_IN, ok=302),
    Row("healthz", "GET", EVERYONE, public=True, shows=lambda w: '"db": "ok"'),
    Row("livez", "GET", EVERYONE, public=True, shows=lambda w: "ok"),
    # Browsers ask for it on every page, the login page included: sent on to the static icon.
    Row("favicon", "GET", EVERYONE, public=True, ok=301),
    # The missing-calendar banner reaches the system administrator (who enters the calendar)
    # and the duty office (who runs the roster); they may put it away for the day.
    Row(
        "org:dismiss_calendar_banner",
        "POST",
        frozenset({"system_admin", "duty_officer", "chief", "secretary_general"}),
        ok=302,
    ),
    # Signed-in users are sent on to their page; anyone else gets the form.
    Row("login", "GET", frozenset({"anonymous"}), public=True, refused=302),
    Row(
        "login",
        "POST",
        EVERYONE,
        public=True,
        ok=302,
        setup=_known_password,
        data=lambda w: {"username": "officer_a", "password": "Old-pass-2024!"},
    ),
    Row("logout", "POST", SIGNED_IN, ok=302),
    Row(
        "password_change",
        "GET",
        SIGNED_IN,
    ),
    Row(
        "password_change",
        "POST",
        SIGNED_IN,
        ok=302,
        setup=_known_password,
        data=lambda w: {
            "old_password": "Old-pass-2024!",
            "new_password1": "Xin-bao-2025-pass!",
            "new_password2": "Xin-bao-2025-pass!",
        },
        writes=("org.User",),
    ),
    # Two-step verification: everyone's own page; the security policy (as seeded) asks it of
    # the three administrators, the section chief and the secretary-general, who hold an
    # authenticator and have given its code in these sessions.
    Row("two_factor", "GET", SIGNED_IN),
    Row("two_factor_verify", "GET", SIGNED_IN, ok=302),  # nothing left to verify: onwards
    Row("two_factor_verify", "POST", SIGNED_IN, ok=302),
    Row("two_factor_setup", "GET", SIGNED_IN),
    Row("two_factor_setup", "POST", SIGNED_IN, data=lambda w: {"code": "12"}),  # wrong code
    Row(
        "two_factor_codes",
        "POST",
        TWO_STEP,
        ok=200,
        writes=("otp_static.StaticToken", "audit.AuditEntry"),
        otherwise={302: SIGNED_IN - TWO_STEP},  # no authenticator: back, told to set one up
    ),
    # Those who must keep it are sent back with a message; the others have none to turn off.
    Row("two_factor_off", "POST", SIGNED_IN, ok=302),
    Row("set_language", "POST", EVERYONE, public=True, ok=302, data=lambda w: {"language": "en"}),
    # A one-time link's page: whoever holds the link (it went to the person's own mailbox).
    Row("password_set", "GET", EVERYONE, public=True, args=lambda w: [w.password_token]),
    Row(
        "password_set",
        "POST",
        EVERYONE,
        public=True,
        args=lambda w: [w.password_token],
        data=lambda w: {"new_password1": "Own-choice-2025!", "new_password2": "Own-choice-2025!"},
        ok=302,
        writes=("org.User", "org.PasswordLink", "audit.AuditEntry"),
    ),
)


# --- routine information (submissions) --------------------------------------------------------

ITEM = {"title": "甲区开展汛前隐患排查", "kind": "news", "body": BODY}
# Who can know an item exists, by its state (README: an officer sees only their own unit's
# drafts; editors see what has left a unit; leaders read what was adopted).
SEES_DRAFT = frozenset({"officer_a"})
SEES_AWAITING = UNIT_A
SEES_SUBMITTED = READS_SUBMITTED


def _item_act(
    variant: str,
    item: str,
    allowed: frozenset[str],
    seeing: frozenset[str],
    also: dict[int, frozenset[str]] | None = None,
    **fields: Any,
) -> Row:
    """POST items/<pk>/act/<variant>/: a persona who sees the item but may not take the action
    is sent back to it with a message (302), one who does not see it gets 404."""
    return Row(
        "submissions:act",
        "POST",
        allowed,
        args=lambda w: [getattr(w, item).pk, variant],
        ok=302,
        refused=302,
        otherwise={**hidden_except(seeing), **(also or {})},
        variant=variant,
        **fields,
    )


rows(
    Row("submissions:home", "GET", SIGNED_IN),
    Row("submissions:list", "GET", SIGNED_IN),
    # The list as .xlsx with each item's 密级 (issue 14): whoever reads the list, of what it shows.
    Row("submissions:list_xlsx", "GET", SIGNED_IN),
    Row("submissions:create", "GET", OFFICERS),
    Row(
        "submissions:create",
        "POST",
        OFFICERS,
        data=lambda w: {**ITEM, "submit": "1"},
        ok=302,
        writes=("submissions.InfoItem", "submissions.ItemEvent"),
    ),
    Row(
        "submissions:detail",
        "GET",
        SEES_SUBMITTED,
        args=lambda w: [w.submitted.pk],
        shows=lambda w: w.submitted.title,
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    # A returned item: its officer revises it; others who see it may not.
    Row(
        "submissions:revise",
        "GET",
        frozenset({"officer_a"}),
        args=lambda w: [w.returned.pk],
        shows=lambda w: w.returned.title,
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row(
        "submissions:revise",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.returned.pk],
        data=lambda w: ITEM,
        ok=302,
        writes=("submissions.InfoItem", "submissions.ItemRevision"),
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row(
        "submissions:edit",
        "GET",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        shows=lambda w: w.under_review.title,
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row(
        "submissions:edit",
        "POST",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        data=lambda w: {"title": "编辑后的标题", "body": "编辑后的正文。", "comment": "精简"},
        ok=302,
        writes=("submissions.InfoItem", "submissions.ItemRevision"),
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row(
        "submissions:revision",
        "GET",
        SEES_SUBMITTED,
        args=lambda w: [w.submitted.pk, 1],
        shows=lambda w: w.submitted.title,
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row(
        "submissions:attachment",
        "GET",
        SEES_SUBMITTED,
        args=lambda w: [w.attachment_of(w.submitted).pk],
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    _item_act(
        "submit", "draft", frozenset({"officer_a"}), SEES_DRAFT, writes=("submissions.InfoItem",)
    ),
    _item_act(
        "withdraw",
        "awaiting",
        frozenset({"officer_a"}),
        SEES_AWAITING,
        writes=("submissions.InfoItem",),
    ),
    _item_act(
        "attach",
        "draft",
        frozenset({"officer_a"}),
        SEES_DRAFT,
        data=lambda w: {"attach-attachments": pdf("补充材料.pdf")},
        writes=("submissions.Attachment",),
    ),
    _item_act(
        "sign_off",
        "awaiting",
        frozenset({"head_a"}),
        SEES_AWAITING,
        data=lambda w: {"sign_off-comment": "同意报送"},
        writes=("submissions.InfoItem", "submissions.ItemEvent"),
    ),
    _item_act(
        "refuse",
        "awaiting",
        frozenset({"head_a"}),
        SEES_AWAITING,
        data=lambda w: {"refuse-comment": "请补充数据"},
        writes=("submissions.InfoItem", "submissions.ItemEvent"),
    ),
    _item_act(
        "start_review", "submitted", EDITORS, SEES_SUBMITTED, writes=("submissions.InfoItem",)
    ),
    _item_act(
        "verify",
        "under_review",
        EDITORS,
        SEES_SUBMITTED,
        data=lambda w: {"verify-verdict": "verified", "verify-note": "已电话核实"},
        writes=("submissions.InfoItem",),
    ),
    _item_act(
        "return",
        "under_review",
        EDITORS,
        SEES_SUBMITTED,
        data=lambda w: {"return-comment": "请核实"},
        writes=("submissions.InfoItem",),
    ),
    _item_act("file", "under_review", EDITORS, SEES_SUBMITTED, writes=("submissions.InfoItem",)),
    # Revising and editing have their own screens, and adopting is recorded by bulletins
    # (bulletins:adopt_item): nobody does them here.
    _item_act("revise", "returned", NOBODY, SEES_SUBMITTED, also={403: frozenset({"officer_a"})}),
    _item_act("edit", "under_review", NOBODY, SEES_SUBMITTED, also={403: EDITORS}),
    _item_act("adopt", "under_review", NOBODY, SEES_SUBMITTED, also={403: EDITORS}),
    # An action that does not exist.
    _item_act("delete", "submitted", NOBODY, SEES_SUBMITTED, also={403: SEES_SUBMITTED}),
)


# --- units, security, calendar, duty roster (org) and the audit log ---------------------------


def _year_ahead(world: World) -> int:
    """A year the official calendar does not know yet, with one holiday entered."""
    return world.future_holiday.date.year


rows(
    # The network page (holes in the reporting network): the office's section and duty office,
    # and the system administrator who keeps the unit directory. It shows no content.
    Row("org:units", "GET", EDITORS | {"duty_officer", "system_admin"}),
    # "security administrator: lock-out and session policy, unlocks accounts"
    Row("org:security", "GET", frozenset({"security_admin"})),
    Row(
        "org:security",
        "POST",
        frozenset({"security_admin"}),
        data=lambda w: {
            "failure_limit": 4,
            "cooloff_minutes": 45,
            "idle_timeout_minutes": 25,
            "password_history": 6,
            "password_max_age_days": 90,
            "reset_link_hours": 12,
            "cooloff_max_minutes": 720,
            "lockout_memory_hours": 24,
            "second_factor_roles": ["system_admin", "security_admin", "audit_admin"],
        },
        ok=302,
        writes=("org.SecurityPolicy", "audit.AuditEntry"),
    ),
    # 三员分立: what grants access, proposed by the system administrator, is decided by the
    # security administrator (never by the one who proposed it).
    Row("org:proposals", "GET", frozenset({"security_admin"})),
    Row(
        "org:decide",
        "POST",
        frozenset({"security_admin"}),
        args=lambda w: [w.proposal.pk],
        data=lambda w: {"decision": "approve"},
        ok=302,
        writes=("org.AccountProposal", "org.User", "org.PasswordLink", "audit.AuditEntry"),
    ),
    Row(
        "org:unlock",
        "POST",
        frozenset({"security_admin"}),
        args=lambda w: ["officer_a"],
        ok=302,
        writes=("audit.AuditEntry",),
    ),
    # 密级: the deployment's ceiling is the security administrator's (issue 14).
    Row("org:secrecy", "GET", frozenset({"security_admin"})),
    Row(
        "org:secrecy",
        "POST",
        frozenset({"security_admin"}),
        data=lambda w: {"ceiling": "public"},
        ok=302,
        writes=("org.SecrecyPolicy", "audit.AuditEntry"),
    ),
    Row(
        "org:reset_two_factor",
        "POST",
        frozenset({"security_admin"}),
        data=lambda w: {"username": "chief"},
        ok=302,
        writes=("otp_totp.TOTPDevice", "audit.AuditEntry"),
    ),
    # "system administrator: … the official calendar and office hours"
    Row("org:calendar", "GET", frozenset({"system_admin"})),
    Row(
        "org:calendar_add",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"start": today(w, 50), "kind": "holiday", "name": "测试假日"},
        ok=302,
        writes=("org.OfficialDay", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_remove",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"day": w.official_day.pk},
        ok=302,
        writes=("org.OfficialDay", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_publish",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {
            "year": _year_ahead(w),
            "published_on": today(w),
            "notice_number": "国办发明电〔2099〕7号",
        },
        ok=302,
        writes=("org.CalendarYear", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_import",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {
            "source": "csv",
            "text": f"{today(w, 60)},holiday,测试假日",
            "confirm": "1",
        },
        ok=302,
        writes=("org.OfficialDay", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_period_add",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {
            "name": "夏季作息",
            "start_month": "5",
            "start_day": "1",
            "end_month": "9",
            "end_day": "30",
            "opens": "08:30",
            "closes": "18:00",
        },
        ok=302,
        writes=("org.OfficeHoursPeriod", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_period_remove",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"period": w.office_hours_period.pk},
        ok=302,
        writes=("org.OfficeHoursPeriod", "audit.AuditEntry"),
    ),
    Row(
        "org:calendar_hours",
        "POST",
        frozenset({"system_admin"}),
        # Not the seeded hours: an edit that changes nothing writes nothing.
        data=lambda w: {
            "morning_start": "08:30",
            "morning_end": "12:00",
            "afternoon_start": "14:00",
            "afternoon_end": "18:00",
        },
        ok=302,
        writes=("org.OfficeHours", "audit.AuditEntry"),
    ),
    # "duty officer: … keeps the duty roster"; the section chief, to whom the duty office
    # escalates, keeps it with them (the README is silent; the code lets the chief).
    Row("org:duty", "GET", frozenset({"duty_officer"}) | CHIEFS),
    Row(
        "org:duty_add",
        "POST",
        frozenset({"duty_officer"}) | CHIEFS,
        data=lambda w: {
            "person": w.duty_officer.pk,
            "starts_at": local_now(w, timedelta(days=3)),
            "ends_at": local_now(w, timedelta(days=3, hours=8)),
        },
        ok=302,
        writes=("org.DutyShift", "audit.AuditEntry"),
    ),
    Row(
        "org:duty_delete",
        "POST",
        frozenset({"duty_officer"}) | CHIEFS,
        args=lambda w: [w.shift.pk],
        ok=302,
        writes=("org.DutyShift", "audit.AuditEntry"),
    ),
    Row(
        "org:duty_repeat",
        "POST",
        frozenset({"duty_officer"}) | CHIEFS,
        data=lambda w: {"target": (w.shift.starts_at + timedelta(days=7)).date().isoformat()},
        ok=302,
        writes=("org.DutyShift",),
    ),
    # The duty office (issue 17): whoever stands duty — the duty officers, and the section,
    # whose editors are on the roster too — keeps the log, hands over and watches the zero
    # reports; a unit's officer files the unit's zero report; the chief sets the periods.
    Row("duty:log", "GET", DUTY_KEEPERS),
    Row(
        "duty:entry_add",
        "POST",
        DUTY_KEEPERS,
        data=lambda w: {
            "shift": w.running_shift.pk,
            "at": local_now(w, timedelta(minutes=-10)),
            "kind": "call_in",
            "caller": "张三",
            "phone": "0571-88886666",
            "summary": "询问节日值班安排。",
        },
        ok=302,
        writes=("duty.LogEntry", "audit.AuditEntry"),
    ),
    Row("duty:handovers", "GET", DUTY_KEEPERS),
    Row(
        "duty:handover_start",
        "POST",
        DUTY_KEEPERS,
        data=lambda w: {"matters": "待续报：甲区火情。"},
        ok=302,
        writes=("duty.Handover", "audit.AuditEntry"),
        setup=_on_duty_now,
    ),
    Row("duty:handover", "GET", DUTY_KEEPERS, args=lambda w: [w.handover.pk]),
    Row(
        "duty:handover_sign",
        "POST",
        DUTY_KEEPERS,
        args=lambda w: [w.handover.pk],
        ok=302,
        writes=("duty.Handover", "audit.AuditEntry"),
    ),
    Row("duty:zero", "GET", DUTY_KEEPERS | OFFICERS),
    Row(
        "duty:zero_file",
        "POST",
        OFFICERS,
        data=lambda w: {"has_matters": "0", "period": w.zero_period.pk},
        ok=302,
        writes=("duty.ZeroReport", "audit.AuditEntry"),
    ),
    Row("duty:periods", "GET", CHIEFS),
    Row(
        "duty:periods",
        "POST",
        CHIEFS,
        data=lambda w: {
            "name": "重大活动期间",
            "starts_on": (timezone.localdate(w.now) + timedelta(days=400)).isoformat(),
            "ends_on": (timezone.localdate(w.now) + timedelta(days=402)).isoformat(),
            "due_time": "09:00",
            "reminder_minutes": "60",
        },
        ok=302,
        writes=("duty.ZeroPeriod", "audit.AuditEntry"),
    ),
    Row("duty:period", "GET", CHIEFS, args=lambda w: [w.zero_period.pk]),
    Row(
        "duty:period",
        "POST",
        CHIEFS,
        args=lambda w: [w.zero_period.pk],
        data=lambda w: {
            "name": "敏感时期（延长）",
            "starts_on": w.zero_period.starts_on.isoformat(),
            "ends_on": (w.zero_period.ends_on + timedelta(days=2)).isoformat(),
            "due_time": "10:00",
            "reminder_minutes": "30",
        },
        ok=302,
        writes=("duty.ZeroPeriod", "audit.AuditEntry"),
    ),
    # "audit administrator: reads the hash-chained audit log and verifies it"
    Row("audit:log", "GET", frozenset({"audit_admin"})),
    Row(
        "audit:verify",
        "POST",
        frozenset({"audit_admin"}),
        ok=302,
        writes=("audit.AuditEntry",),
    ),
    # ... filters and exports it (the export is audited), and sets its retention
    Row("audit:export", "GET", frozenset({"audit_admin"}), data=lambda w: {"action": "login"}),
    Row(
        "audit:retention",
        "POST",
        frozenset({"audit_admin"}),
        data=lambda w: {"retention_days": 365},
        ok=302,
        writes=("audit.AuditPolicy", "audit.AuditEntry"),
    ),
)


# --- inbox and channels (notify) ----------------------------------------------------------------


def _unread_for(world: World, persona: str) -> None:
    if persona != "anonymous":
        dispatch(
            Message("通知", "正文", "/", Severity.INFO, f"authz:{persona}"), [world.people[persona]]
        )


CHANNEL = {"kind": "email", "label": "我的邮箱", "target": "me@example.org"}
OWNS_CHANNEL = frozenset({"head_a"})  # "unit head: … manages the unit's notification channels"

rows(
    Row("notify:inbox", "GET", SIGNED_IN),
    # Officer A's own message: nobody else may open it, or know it exists.
    Row(
        "notify:open",
        "GET",
        frozenset({"officer_a"}),
        args=lambda w: [w.notification.pk],
        ok=302,
        refused=404,
    ),
    Row(
        "notify:read",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.notification.pk],
        ok=302,
        refused=404,
        writes=("notify.Notification",),
    ),
    Row(
        "notify:read_all",
        "POST",
        SIGNED_IN,
        setup=_unread_for,
        ok=302,
        writes=("notify.Notification",),
    ),
    Row("notify:channels", "GET", SIGNED_IN),
    Row(
        "notify:channels",
        "POST",
        SIGNED_IN,
        data=lambda w: {f"me-{k}": v for k, v in CHANNEL.items()},
        ok=302,
        writes=("notify.Channel", "audit.AuditEntry"),
    ),
    Row(
        "notify:channels",
        "POST",
        OWNS_CHANNEL,
        variant="unit",
        data=lambda w: {"owner": "unit", **{f"unit-{k}": v for k, v in CHANNEL.items()}},
        ok=302,
        writes=("notify.Channel", "audit.AuditEntry"),
    ),
    Row(
        "notify:send_test",
        "POST",
        SIGNED_IN,
        ok=302,
        writes=("notify.Notification",),
    ),
    Row(
        "notify:channel_toggle",
        "POST",
        OWNS_CHANNEL,
        args=lambda w: [w.unit_channel.pk],
        data=lambda w: {"enabled": "0"},
        ok=302,
        refused=404,
        writes=("notify.Channel",),
    ),
    Row(
        "notify:channel_remove",
        "POST",
        OWNS_CHANNEL,
        args=lambda w: [w.unit_channel.pk],
        ok=302,
        refused=404,
        writes=("notify.Channel", "audit.AuditEntry"),
    ),
    Row(
        "notify:channel_robot",
        "GET",
        OWNS_CHANNEL,
        args=lambda w: [w.unit_robot.pk],
        shows=lambda w: w.unit_robot.label,
        refused=404,
    ),
    Row(
        "notify:channel_robot",
        "POST",
        OWNS_CHANNEL,
        args=lambda w: [w.unit_robot.pk],
        data=lambda w: {"rate_per_minute": "10", "at_mobiles": "13800000001"},
        ok=302,
        refused=404,
        writes=("notify.Channel", "audit.AuditEntry"),
    ),
    Row(
        "notify:channel_test",
        "POST",
        OWNS_CHANNEL,
        args=lambda w: [w.unit_channel.pk],
        ok=302,
        refused=404,
        writes=("notify.Delivery",),
    ),
    # "system administrator: units, accounts, settings": where the worker may connect to.
    Row("notify:egress", "GET", frozenset({"system_admin"})),
    Row(
        "notify:egress",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"entry": "sms.example.gov.cn:8443", "note": "短信网关"},
        ok=302,
        writes=("notify.EgressRule", "audit.AuditEntry"),
    ),
    Row(
        "notify:egress_remove",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"rule": w.egress_rule.pk},
        ok=302,
        writes=("notify.EgressRule", "audit.AuditEntry"),
    ),
    # The delivery log: the section watches which channels are broken (the README is silent;
    # the code gives it to editors and the chief).
    Row("notify:deliveries", "GET", EDITORS),
    Row(
        "notify:delivery",
        "GET",
        EDITORS | OWNS_CHANNEL,
        args=lambda w: [w.delivery.pk],
        shows=lambda w: w.unit_channel.label,
        refused=404,
    ),
)


# --- emergency information (emergencies) --------------------------------------------------------

# Who knows an incident of unit A exists: the board's watchers and unit A's own people.
SEES_INCIDENT = BOARD | UNIT_A
# Everyone with an emergency role: the watchers and every unit's officer and head.
EMERGENCY_PEOPLE = BOARD | UNIT_PEOPLE


def _report(world: World) -> dict[str, Any]:
    """A report's content and, for those who take it by phone, the call."""
    return {
        "summary": "火势已得到控制，无人员伤亡。",
        "deaths": 0,
        "measures": "消防救援力量已到场处置。",
        "unit": world.unit_a.pk,
        "caller": "张三",
        "caller_phone": "13800000000",
        "called_at": local_now(world, -timedelta(minutes=2)),
    }


def _new_incident(world: World) -> dict[str, Any]:
    return {
        **_report(world),
        "title": "某地某路段路面塌陷",
        "category": "accident",
        "level": "4",
        "place": "某路段",
        "occurred_at": local_now(world, -timedelta(minutes=20)),
        "known_at": local_now(world, -timedelta(minutes=10)),
    }


def _deadline_table(world: World) -> dict[str, Any]:
    from emergencies.forms import DeadlineRuleForm
    from emergencies.models import DeadlineRule

    data: dict[str, Any] = {}
    rules = list(DeadlineRule.objects.order_by("pk"))
    for rule in rules:
        data.update(form_data(DeadlineRuleForm(instance=rule, prefix=f"r{rule.pk}")))
    first = rules[0]
    data[f"r{first.pk}-written_minutes"] = str(first.written_minutes + 5)
    return data


def _thresholds(world: World) -> dict[str, Any]:
    from emergencies.forms_grading import ThresholdForm
    from emergencies.models import LevelThreshold

    data: dict[str, Any] = {}
    rows = list(LevelThreshold.objects.order_by("category", "level"))
    for row in rows:
        data.update(form_data(ThresholdForm(instance=row, prefix=f"t{row.pk}")))
    gravest = rows[0]
    data[f"t{gravest.pk}-deaths"] = str(gravest.deaths + 1)
    return data


def _supplement_windows(world: World) -> dict[str, Any]:
    from emergencies.forms_grading import SupplementWindowForm
    from emergencies.models import SupplementWindow

    data: dict[str, Any] = {}
    rows = list(SupplementWindow.objects.all())
    for row in rows:
        data.update(form_data(SupplementWindowForm(instance=row, prefix=f"w{row.pk}")))
    data[f"w{rows[0].pk}-days"] = str(rows[0].days + 1)
    return data


def _incident_act(name: str, data: Data, writes: tuple[str, ...]) -> Row:
    """A section action on an incident (README: the editor "changes an incident's level and
    forwards it upward"): whoever sees it but may not is sent back to it."""
    return Row(
        name,
        "POST",
        EDITORS,
        args=lambda w: [w.incident.pk],
        data=data,
        ok=302,
        writes=writes,
        refused=302,
        otherwise=hidden_except(SEES_INCIDENT),
    )


rows(
    Row("emergencies:board", "GET", EMERGENCY_PEOPLE),
    # The duty office and the section log phone reports; an officer files the unit's written one.
    Row("emergencies:new", "GET", CALL_TAKERS | OFFICERS),
    Row(
        "emergencies:new",
        "POST",
        CALL_TAKERS | OFFICERS,
        data=_new_incident,
        ok=302,
        writes=("emergencies.Incident", "emergencies.IncidentReport", "audit.AuditEntry"),
    ),
    Row(
        "emergencies:detail",
        "GET",
        SEES_INCIDENT,
        args=lambda w: [w.incident.pk],
        shows=lambda w: w.incident.title,
        refused=404,
    ),
    Row(
        "emergencies:add_report",
        "GET",
        CALL_TAKERS | {"officer_a"},
        args=lambda w: [w.incident.pk],
        otherwise=hidden_except(SEES_INCIDENT),
    ),
    Row(
        "emergencies:add_report",
        "POST",
        CALL_TAKERS | {"officer_a"},
        args=lambda w: [w.incident.pk],
        data=lambda w: {**_report(w), "kind": "followup"},
        ok=302,
        writes=("emergencies.IncidentReport",),
        otherwise=hidden_except(SEES_INCIDENT),
    ),
    Row(
        "emergencies:sign_off",
        "POST",
        frozenset({"head_a"}),
        args=lambda w: [w.awaiting_report.pk],
        ok=302,
        writes=("emergencies.IncidentReport",),
        refused=302,
        otherwise=hidden_except(SEES_INCIDENT),
    ),
    # "section chief: … changes levels, forwards incidents upward"
    _incident_act(
        "emergencies:level",
        lambda w: {"level": "3", "reason": "伤亡人数上升"},
        ("emergencies.Incident", "audit.AuditEntry"),
    ),
    _incident_act("emergencies:reapply", _empty, ("emergencies.Incident", "audit.AuditEntry")),
    # Its GB/T 35561 code, set or corrected later, is the section's too.
    _incident_act(
        "emergencies:category_code",
        lambda w: {"category_code": "22000"},
        ("emergencies.Incident", "audit.AuditEntry"),
    ),
    # Marking an incident sensitive is the section's, like its level (issue 14).
    _incident_act(
        "emergencies:sensitive",
        lambda w: {"sensitive": "on", "reason": "社会舆论广泛关注"},
        ("emergencies.Incident", "audit.AuditEntry"),
    ),
    _incident_act(
        "emergencies:forward",
        lambda w: {"to_unit": w.province.pk, "text": "甲区某仓库火灾情况报告。"},
        ("emergencies.Forwarding", "audit.AuditEntry"),
    ),
    # The section's own phone report upward, recorded by whoever takes calls (duty office or
    # section); whoever sees the incident but may not is refused.
    Row(
        "emergencies:section_call",
        "POST",
        CALL_TAKERS,
        args=lambda w: [w.incident.pk],
        data=lambda w: {
            "called_whom": "省委总值班室",
            "called_at": local_now(w, -timedelta(minutes=1)),
            "note": "报告了火情。",
        },
        ok=302,
        writes=("emergencies.SectionCall", "audit.AuditEntry"),
        otherwise=hidden_except(SEES_INCIDENT),
    ),
    Row("emergencies:sightings", "GET", CALL_TAKERS),
    Row(
        "emergencies:sightings",
        "POST",
        CALL_TAKERS,
        data=lambda w: {
            "source_kind": "media",
            "source": "江城晚报网站",
            "seen_at": local_now(w, -timedelta(minutes=5)),
            "text": "网传某地发生火灾。",
            "category": "accident",
            "unit": w.unit_a.pk,
        },
        ok=302,
        writes=("emergencies.Sighting",),
    ),
    Row(
        "emergencies:sighting",
        "GET",
        CALL_TAKERS,
        args=lambda w: [w.sighting.pk],
        shows=lambda w: w.sighting.source,
    ),
    Row(
        "emergencies:match",
        "POST",
        CALL_TAKERS,
        args=lambda w: [w.sighting.pk],
        data=lambda w: {"incident": w.incident.pk},
        ok=302,
        writes=("emergencies.Sighting",),
    ),
    # Late and missed candidates: the section (the README is silent; the engine makes them).
    Row("emergencies:candidates", "GET", EDITORS),
    # Everyone with an emergency role reads the deadline table; "section chief: edits the
    # deadline table".
    Row("emergencies:policy", "GET", EMERGENCY_PEOPLE),
    Row(
        "emergencies:policy",
        "POST",
        CHIEFS,
        data=_deadline_table,
        ok=302,
        writes=("emergencies.DeadlineRule", "audit.AuditEntry"),
    ),
    # The level thresholds and the sensitive-events rule, beside the deadline table: read by
    # everyone who reads the table, edited by the chief who edits it (issue 14).
    Row("emergencies:thresholds", "GET", EMERGENCY_PEOPLE),
    Row(
        "emergencies:thresholds",
        "POST",
        CHIEFS,
        data=_thresholds,
        ok=302,
        writes=("emergencies.LevelThreshold", "audit.AuditEntry"),
    ),
    # The 补报 windows, beside the deadline table: read and edited by the same people.
    Row("emergencies:supplement_windows", "GET", EMERGENCY_PEOPLE),
    Row(
        "emergencies:supplement_windows",
        "POST",
        CHIEFS,
        data=_supplement_windows,
        ok=302,
        writes=("emergencies.SupplementWindow", "audit.AuditEntry"),
    ),
    Row(
        "emergencies:sensitive_policy",
        "POST",
        CHIEFS,
        data=lambda w: {},
        ok=302,
        writes=("emergencies.SensitivePolicy", "audit.AuditEntry"),
    ),
    # The sighting-incident matching window is edited with the deadline table.
    Row(
        "emergencies:matching_policy",
        "POST",
        CHIEFS,
        data=lambda w: {"window_hours": "36"},
        ok=302,
        writes=("emergencies.MatchingPolicy", "audit.AuditEntry"),
    ),
)


# --- bulletins, instructions, solicitations (bulletins) ------------------------------------------

# "editor: … compiles and publishes bulletins"; "city leader: reads … bulletins" (the leader is a
# reader of the daily in the world). Unpublished issues are not the others' to know about.
READS_BULLETINS = EDITORS | {"leader"}
# A seat at the instruction board: the section, the leaders, and the units owing feedback.
SEATED = EDITORS | {"leader"} | UNIT_PEOPLE


def _issue_step(variant: str, issue: str, allowed: frozenset[str], **fields: Any) -> Row:
    """A compiler who may not take this step is sent back to the issue with a message."""
    return Row(
        "bulletins:step",
        "POST",
        allowed,
        args=lambda w: [getattr(w, issue).pk, variant],
        ok=302,
        refused=302,
        otherwise={404: SIGNED_IN - EDITORS},
        variant=variant,
        writes=("bulletins.Issue", "audit.AuditEntry"),
        **fields,
    )


def _compiler_only(name: str, method: str, args: Args, **fields: Any) -> Row:
    return Row(name, method, EDITORS, args=args, refused=404, **fields)


def _editorial_policy(world: World) -> dict[str, Any]:
    from bulletins.forms_editorial import EditorialPolicyForm
    from bulletins.models import EditorialPolicy

    policy = EditorialPolicy.current()
    form = EditorialPolicyForm(instance=policy)
    return form_data(form, feedback_days=str(policy.feedback_days + 1))


def _publication_settings(world: World) -> dict[str, Any]:
    from bulletins.forms import PublicationSettingsForm

    form = PublicationSettingsForm(instance=world.daily)
    return form_data(form, copies="80", report_to="省委办公厅")


def _pdf_readers() -> frozenset[str]:
    from bulletins import export

    return READS_BULLETINS if export.pdf_available() else NOBODY


rows(
    Row("bulletins:home", "GET", READS_BULLETINS),
    Row(
        "bulletins:new_issue",
        "POST",
        EDITORS,
        args=lambda w: [w.daily.pk],
        data=lambda w: {"issue_date": today(w, 3)},
        ok=302,
        writes=("bulletins.Issue", "audit.AuditEntry"),
    ),
    _compiler_only(
        "bulletins:issue",
        "GET",
        lambda w: [w.draft_issue.pk],
        shows=lambda w: w.submitted.title,
    ),
    Row(
        "bulletins:issue",
        "GET",
        READS_BULLETINS,
        variant="published",
        args=lambda w: [w.published_issue.pk],
        shows=lambda w: w.submitted.title,
        refused=404,
    ),
    _compiler_only(
        "bulletins:add_entries",
        "POST",
        lambda w: [w.draft_issue.pk],
        data=lambda w: {"items": [w.under_review.pk]},
        ok=302,
        writes=("bulletins.IssueEntry",),
    ),
    _compiler_only("bulletins:candidates", "GET", lambda w: [w.draft_issue.pk]),
    # What a publication prints around its entries (报/送/发, 印数): the section keeps it
    # (the README is silent; the editors compile the issues that print it).
    Row("bulletins:publication_settings", "GET", EDITORS, args=lambda w: [w.daily.pk]),
    Row(
        "bulletins:publication_settings",
        "POST",
        EDITORS,
        args=lambda w: [w.daily.pk],
        data=_publication_settings,
        ok=302,
        writes=("bulletins.Publication", "audit.AuditEntry"),
    ),
    Row(
        "bulletins:docx", "GET", READS_BULLETINS, args=lambda w: [w.published_issue.pk], refused=404
    ),
    Row("bulletins:pdf", "GET", _pdf_readers(), args=lambda w: [w.published_issue.pk], refused=404),
    # An issue's 密级, set while it is compiled.
    _compiler_only(
        "bulletins:issue_secrecy",
        "POST",
        lambda w: [w.draft_issue.pk],
        data=lambda w: {"secrecy": "public" if w.draft_issue.secrecy == "internal" else "internal"},
        ok=302,
        writes=("bulletins.Issue", "audit.AuditEntry"),
    ),
    _issue_step("submit", "draft_issue", EDITORS),
    # "section chief: … signs bulletins off" (and sends them back to the editor)
    _issue_step("return", "awaiting_issue", CHIEFS, data=lambda w: {"reason": "请调整顺序"}),
    _issue_step("sign-off", "awaiting_issue", CHIEFS),
    _issue_step("publish", "signed_off_issue", EDITORS),
    _compiler_only("bulletins:entry", "GET", lambda w: [w.entry.pk], shows=lambda w: w.entry.title),
    _compiler_only(
        "bulletins:edit_entry", "GET", lambda w: [w.entry.pk], shows=lambda w: w.entry.title
    ),
    _compiler_only(
        "bulletins:edit_entry",
        "POST",
        lambda w: [w.entry.pk],
        data=lambda w: {"title": "刊物用标题", "body": "刊物用正文。", "credit": "甲区"},
        ok=302,
        writes=("bulletins.IssueEntry",),
    ),
    _compiler_only(
        "bulletins:move_entry",
        "POST",
        lambda w: [w.entry.pk, "down"],
        ok=302,
        writes=("bulletins.IssueEntry",),
    ),
    _compiler_only(
        "bulletins:remove_entry",
        "POST",
        lambda w: [w.entry.pk],
        ok=302,
        writes=("bulletins.IssueEntry",),
    ),
    # Marking an item forwarded to the province: the section (the README is silent on items).
    Row(
        "bulletins:forward_item",
        "POST",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        ok=302,
        writes=("submissions.InfoItem",),
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    # Recording an adoption from the item's page: the section; anyone else who sees the item is
    # sent back to it with a message, as by the item's other actions.
    Row(
        "bulletins:adopt_item",
        "POST",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        # The city's own publication: a provincial one needs the item forwarded first.
        data=lambda w: {"adopt-publication": w.daily.pk, "adopt-adopted_on": today(w)},
        ok=302,
        refused=302,
        writes=("submissions.InfoItem", "bulletins.Adoption"),
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
    Row("bulletins:instructions", "GET", SEATED),
    Row(
        "bulletins:task",
        "GET",
        EDITORS | {"leader"} | UNIT_A,
        args=lambda w: [w.task.pk],
        shows=lambda w: w.task.instruction.text,
        refused=404,
    ),
    # The unit owing the feedback files it.
    Row(
        "bulletins:task",
        "POST",
        UNIT_A,
        args=lambda w: [w.task.pk],
        data=lambda w: {f"t{w.task.pk}-feedback": "已按批示要求落实整改。"},
        ok=302,
        writes=("bulletins.FollowUpTask",),
        otherwise={404: SIGNED_IN - EDITORS - UNIT_A - {"leader"}},
    ),
    Row("bulletins:editorial_policy", "GET", EDITORS),
    # "section chief: … edits … the editorial policy"
    Row(
        "bulletins:editorial_policy",
        "POST",
        CHIEFS,
        data=_editorial_policy,
        ok=302,
        writes=("bulletins.EditorialPolicy",),
    ),
    # "city leader: … writes instructions"; "editor: … records paper instructions"
    Row(
        "bulletins:instruct",
        "GET",
        EDITORS | {"leader"},
        args=lambda w: [w.adopted.pk],
        otherwise=hidden_except(READS_ADOPTED),
    ),
    Row(
        "bulletins:instruct",
        "POST",
        EDITORS | {"leader"},
        args=lambda w: [w.adopted.pk],
        data=lambda w: {
            "instr-text": "请抓好落实。",
            "instr-instructed_on": today(w),
            "instr-leader_name": "王市长",
            "instr-level": "city",
        },
        ok=302,
        writes=("bulletins.Instruction", "bulletins.FollowUpTask"),
        otherwise=hidden_except(READS_ADOPTED),
    ),
    # "editor: … issues solicitations"; the units asked see theirs.
    Row("bulletins:solicitations", "GET", EDITORS | UNIT_PEOPLE),
    Row(
        "bulletins:solicitations",
        "POST",
        EDITORS,
        data=lambda w: {
            "topic": "秋冬季安全生产",
            "requirements": "请报送本地区安全生产工作情况。",
            "due_at": local_now(w, timedelta(days=5)),
            "units": [w.unit_a.pk],
        },
        ok=302,
        writes=("bulletins.Solicitation",),
    ),
    Row(
        "bulletins:solicitation",
        "GET",
        EDITORS | UNIT_A,
        args=lambda w: [w.solicitation.pk],
        shows=lambda w: w.solicitation.topic,
        otherwise={404: frozenset({"officer_b"})},
    ),
)


# --- accountability -----------------------------------------------------------------------------

# "The unit sees its violations"; the section sees every unit's.
SEES_VIOLATION = EDITORS | UNIT_A
NOT_SECTION_OR_UNIT = SIGNED_IN - EDITORS - UNIT_PEOPLE


def _notice_text(world: World) -> dict[str, Any]:
    from accountability.forms import NoticeEditForm

    notice = world.draft_notice
    form = NoticeEditForm(instance=notice, choices=notice.violations.all())
    return form_data(
        form, title="关于迟报漏报情况的通报（修改）", violations=[world.confirmed_violation.pk]
    )


def _eligibility_rule(world: World) -> dict[str, Any]:
    from accountability.forms import RuleForm
    from accountability.models import EligibilityRule

    rule = EligibilityRule.current()
    form = RuleForm(instance=rule, prefix="rule")
    return form_data(form, **{"form": "rule", "rule-municipal_notices": rule.municipal_notices + 1})


rows(
    # The section's queue; a unit's people are sent on to their own list.
    Row("accountability:queue", "GET", EDITORS, otherwise={302: UNIT_PEOPLE}),
    Row("accountability:mine", "GET", UNIT_PEOPLE),
    # "editor: … editors enter false (误报) and concealed (瞒报) reports with their evidence"
    Row("accountability:enter", "GET", EDITORS),
    Row(
        "accountability:enter",
        "POST",
        EDITORS,
        data=lambda w: {
            "unit": w.unit_a.pk,
            "kind": "false",
            "summary": "某火灾伤亡数字不实",
            "occurred_on": today(w),
            "important": "on",
            "evidence": "经核实，报告的伤亡数字与实际不符。",
        },
        ok=302,
        writes=("accountability.Violation", "audit.AuditEntry"),
    ),
    Row(
        "accountability:report_options", "GET", EDITORS, data=lambda w: {"incident": w.incident.pk}
    ),
    Row(
        "accountability:violation",
        "GET",
        SEES_VIOLATION,
        args=lambda w: [w.violation.pk],
        shows=lambda w: w.violation.summary,
        refused=404,
    ),
    # "The unit … files an explanation (情况说明)"
    Row(
        "accountability:explain",
        "POST",
        UNIT_A,
        args=lambda w: [w.violation.pk],
        data=lambda w: {"text": "因值班人员交接不畅导致迟报，已整改。"},
        ok=302,
        writes=("accountability.Explanation",),
        refused=302,
        otherwise=hidden_except(SEES_VIOLATION),
    ),
    # "only the section chief confirms (marking serious cases) or waives, with a reason"
    Row(
        "accountability:decide",
        "POST",
        CHIEFS,
        args=lambda w: [w.violation.pk],
        data=lambda w: {"decision": "confirm", "reason": "情况属实。", "important": "on"},
        ok=302,
        writes=("accountability.Violation", "audit.AuditEntry"),
        otherwise=hidden_except(SEES_VIOLATION),
    ),
    Row("accountability:notices", "GET", EDITORS | UNIT_PEOPLE),
    # "section chief: … issues criticism notices"; the province's are recorded by the chief too.
    Row("accountability:compile", "GET", CHIEFS),
    Row(
        "accountability:compile",
        "POST",
        CHIEFS,
        data=lambda w: {"violations": [w.confirmed_violation.pk]},
        ok=302,
        writes=("accountability.CriticismNotice",),
    ),
    Row("accountability:province_notice", "GET", CHIEFS),
    Row(
        "accountability:province_notice",
        "POST",
        CHIEFS,
        data=lambda w: {
            "doc_number": f"省委办通〔{timezone.localdate().year}〕9号",
            "issued_on": today(w),
            "issuing_office": "省委办公厅",
            "title": "关于迟报突发事件信息的通报",
            "body": "近期，部分地区未按要求报送突发事件信息，现予以通报。",
            "units": [w.unit_a.pk],
            "violations": [w.confirmed_violation.pk],
        },
        ok=302,
        writes=("accountability.CriticismNotice",),
    ),
    # An issued notice naming unit A: the section and unit A read it.
    Row(
        "accountability:notice",
        "GET",
        SEES_VIOLATION,
        args=lambda w: [w.issued_notice.pk],
        shows=lambda w: w.issued_notice.doc_number,
        refused=404,
    ),
    # A draft is the section's own.
    Row(
        "accountability:notice",
        "GET",
        EDITORS,
        variant="draft",
        args=lambda w: [w.draft_notice.pk],
        shows=lambda w: w.draft_notice.title,
        refused=404,
    ),
    Row(
        "accountability:edit_notice",
        "POST",
        CHIEFS,
        args=lambda w: [w.draft_notice.pk],
        data=_notice_text,
        ok=302,
        writes=("accountability.CriticismNotice",),
    ),
    Row(
        "accountability:issue_notice",
        "POST",
        CHIEFS,
        args=lambda w: [w.draft_notice.pk],
        data=lambda w: {"issued_on": today(w)},
        ok=302,
        writes=("accountability.CriticismNotice", "accountability.NoticeCounter"),
    ),
    Row(
        "accountability:notice_secrecy",
        "POST",
        CHIEFS,
        args=lambda w: [w.draft_notice.pk],
        data=lambda w: {"secrecy": "internal"},
        ok=302,
        writes=("accountability.CriticismNotice", "audit.AuditEntry"),
    ),
    Row(
        "accountability:discard_notice",
        "POST",
        CHIEFS,
        args=lambda w: [w.draft_notice.pk],
        ok=302,
        writes=("accountability.CriticismNotice",),
    ),
    Row(
        "accountability:notice_docx",
        "GET",
        SEES_VIOLATION,
        args=lambda w: [w.issued_notice.pk],
        refused=404,
    ),
    # "each unit's page shows the verdict": the section sees every unit's, a unit its own.
    Row("accountability:eligibility", "GET", EDITORS, otherwise={302: UNIT_PEOPLE}),
    Row(
        "accountability:unit_eligibility",
        "GET",
        SEES_VIOLATION,
        args=lambda w: [w.unit_a.pk],
        shows=lambda w: w.unit_a.name,
        refused=404,
    ),
    # "a reinstatement needs a recorded, audited decision" (the chief's, or the
    # secretary-general's)
    Row(
        "accountability:reinstate",
        "POST",
        CHIEFS,
        args=lambda w: [w.disqualified.pk],
        data=lambda w: {"year": timezone.localdate().year, "reason": "经研究予以恢复。"},
        ok=302,
        writes=("accountability.Reinstatement", "audit.AuditEntry"),
    ),
    Row(
        "accountability:revoke",
        "POST",
        CHIEFS,
        args=lambda w: [w.reinstatement.pk],
        data=lambda w: {"revoke-reason": "决定有误，予以撤销。"},
        ok=302,
        writes=("accountability.Reinstatement", "audit.AuditEntry"),
    ),
    # The section reads the eligibility rule; "section chief: … edits the eligibility rule"
    Row("accountability:policy", "GET", EDITORS),
    Row(
        "accountability:policy",
        "POST",
        CHIEFS,
        data=_eligibility_rule,
        ok=302,
        writes=("accountability.EligibilityRule", "audit.AuditEntry"),
    ),
)


# --- points and rankings (scoring) --------------------------------------------------------------

# The office reads every unit's points (the section and the city leaders); a unit's officer and
# head read their own unit's scorecard. "section chief: … edits … the point table, unit classes
# and awards".
READS_POINTS = EDITORS | {"leader"}


def _a_class(world: World) -> Any:
    from scoring.models import UnitClass

    return UnitClass.objects.first() or UnitClass.objects.create(
        name="一类单位", monthly_quota=8, sort_order=1
    )


def _classes(world: World) -> dict[str, Any]:
    from scoring.forms import UnitClassForm
    from scoring.models import UnitClass

    data: dict[str, Any] = {"action": "classes"}
    for unit_class in UnitClass.objects.all():
        data.update(form_data(UnitClassForm(instance=unit_class, prefix=f"c{unit_class.pk}")))
    return data | {
        "newclass-name": "新增类别",
        "newclass-monthly_quota": "4",
        "newclass-sort_order": "9",
    }


def _assignments(world: World) -> dict[str, Any]:
    month = timezone.localdate(world.now).strftime("%Y-%m")
    return {
        f"u{world.unit_a.pk}-unit_class": _a_class(world).pk,
        f"u{world.unit_a.pk}-quota_from": month,
    }


def _own_scorecard(name: str) -> Row:
    return Row(
        name,
        "GET",
        READS_POINTS | UNIT_A,
        args=lambda w: [w.unit_a.pk],
        otherwise={404: frozenset({"officer_b"})},
    )


rows(
    Row("scoring:board", "GET", READS_POINTS),
    Row("scoring:board_xlsx", "GET", READS_POINTS),
    Row("scoring:evaluation_docx", "GET", READS_POINTS),
    # The section's circulars (issue 14): readers of the rankings download them; the chief, who
    # issues the office's 通报, numbers them and sets how many officers are commended.
    Row(
        "scoring:adoption_docx",
        "GET",
        READS_POINTS,
        data=lambda w: {"year": timezone.localdate().year, "kind": "quarter", "number": "1"},
    ),
    Row("scoring:commendation_docx", "GET", READS_POINTS),
    Row(
        "scoring:issue_circular",
        "POST",
        CHIEFS,
        data=lambda w: {"doc": "commendation", "year": timezone.localdate().year},
        ok=302,
        writes=("scoring.Circular", "accountability.NoticeCounter", "audit.AuditEntry"),
    ),
    Row("scoring:officers", "GET", READS_POINTS),
    Row(
        "scoring:officers",
        "POST",
        CHIEFS,
        data=lambda w: {"officer_places": "3", "officer_min_points": "", "copy_to": "省委办公厅"},
        ok=302,
        writes=("scoring.ReportPolicy", "audit.AuditEntry"),
    ),
    _own_scorecard("scoring:unit"),
    _own_scorecard("scoring:unit_xlsx"),
    Row("scoring:rebuild", "POST", CHIEFS, ok=302, writes=("audit.AuditEntry",)),
    Row("scoring:rules", "GET", READS_POINTS),
    Row(
        "scoring:rules",
        "POST",
        CHIEFS,
        data=lambda w: {
            "action": "add",
            "add-publication": w.province_bulletin.pk,
            "add-points": "12",
            "add-forwarded_multiplier": "1",
        },
        ok=302,
        writes=("scoring.ScoreRule", "audit.AuditEntry"),
    ),
    Row("scoring:classes", "GET", READS_POINTS),
    Row(
        "scoring:classes",
        "POST",
        CHIEFS,
        data=_classes,
        ok=302,
        writes=("scoring.UnitClass", "audit.AuditEntry"),
    ),
    Row("scoring:assignments", "GET", READS_POINTS),
    Row(
        "scoring:assignments",
        "POST",
        CHIEFS,
        data=_assignments,
        ok=302,
        writes=("scoring.ClassAssignment", "audit.AuditEntry"),
    ),
)


# --- the information database (archive) and its analysis (insight) ------------------------------

# Everyone who reads any reported content searches it (each sees only what they may read);
# "none of [the administrators] can see reported content".
SEARCHERS = SIGNED_IN - ADMINS
# The analysis: what the section and the duty office read, and the leaders ("typical cases for
# leaders").
READS_ANALYSIS = EDITORS | {"duty_officer", "leader"}


def _merge_button(name: str, record: str, other: str, seeing: frozenset[str], writes: str) -> Row:
    return Row(
        name,
        "POST",
        EDITORS,
        args=lambda w: [getattr(w, record).pk],
        data=lambda w: {"other": getattr(w, other).pk, "keep": "this"},
        ok=302,
        writes=(writes,),
        otherwise=hidden_except(seeing),
    )


def _unmerge_button(name: str, record: str, seeing: frozenset[str], writes: str) -> Row:
    return Row(
        name,
        "POST",
        EDITORS,
        args=lambda w: [getattr(w, record).pk],
        ok=302,
        writes=(writes,),
        otherwise=hidden_except(seeing),
    )


def _archive_policy(world: World) -> dict[str, Any]:
    from insight.forms import PolicyForm
    from insight.models import InsightPolicy

    current = InsightPolicy.current()
    return form_data(PolicyForm(instance=current), silent_days=str(current.silent_days + 1))


rows(
    Row("archive:search", "GET", SEARCHERS),
    Row("archive:facets", "GET", SEARCHERS, data=lambda w: {"q": "防汛"}),
    Row("archive:count", "GET", SEARCHERS, data=lambda w: {"q": "防汛"}),
    Row(
        "archive:save",
        "POST",
        SEARCHERS,
        data=lambda w: {"search": "q=防汛", "name": "防汛信息"},
        ok=302,
        writes=("archive.SavedSearch",),
    ),
    # Officer A's own saved search: others are told it is not theirs.
    Row(
        "archive:saved",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.saved_search.pk],
        data=lambda w: {"do": "subscribe"},
        ok=302,
        writes=("archive.SavedSearch",),
        refused=302,
        otherwise={403: ADMINS},
    ),
    Row("insight:trends", "GET", READS_ANALYSIS),
    # "reads dashboards": the city leader, the section chief and the secretary-general open the
    # morning view (态势); an editor, the duty office and a unit's people do not.
    Row("insight:morning", "GET", CHIEFS | {"leader"}),
    Row("insight:typical", "GET", READS_ANALYSIS),
    Row("insight:report", "GET", READS_ANALYSIS),
    Row("insight:report_xlsx", "GET", READS_ANALYSIS),
    Row("insight:policy", "GET", EDITORS | {"duty_officer"}),
    Row(
        "insight:policy",
        "POST",
        CHIEFS,
        data=_archive_policy,
        ok=302,
        writes=("insight.InsightPolicy", "audit.AuditEntry"),
    ),
    # "likely duplicates … are shown to the editor, who merges them into one record"
    _merge_button(
        "insight:merge_item",
        "under_review",
        "other_under_review",
        SEES_SUBMITTED,
        "submissions.InfoItem",
    ),
    _unmerge_button("insight:unmerge_item", "merged_item", SEES_SUBMITTED, "submissions.InfoItem"),
    _merge_button(
        "insight:merge_incident",
        "incident",
        "other_incident",
        SEES_INCIDENT,
        "emergencies.Incident",
    ),
    _unmerge_button(
        "insight:unmerge_incident", "merged_incident", SEES_INCIDENT, "emergencies.Incident"
    ),
    # "good and bad typical cases for leaders": the section marks them.
    Row(
        "insight:mark_typical",
        "POST",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        data=lambda w: {"typical": "good", "note": "做法可推广"},
        ok=302,
        writes=("submissions.InfoItem",),
        otherwise=hidden_except(SEES_SUBMITTED),
    ),
)


# --- the API (/api/…) and its tokens --------------------------------------------------------
# The API answers as the pages do, by the same roles (README: "Permissions are the UI's"): who
# may not know an object exists gets 404; who sees it but whose role never takes the step gets
# 403; a step the role takes but the object's state or unit refuses is 409 with the reason.
# Nobody signed in gets 401. tests/authz/test_matrix.py asks each row again with the persona's
# read token (every write refused, 403) and write token (as the session).

API_ITEM = {"title": "甲区部署汛期隐患排查", "kind": "news", "body": BODY}


def _api_call(w: World) -> dict[str, Any]:
    return {
        "caller": "张三",
        "caller_phone": "13800000000",
        "called_at": local_now(w, -timedelta(minutes=3)),
    }


def _api_incident(w: World, call: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "某地仓库火灾",
        "category": "accident",
        "level": "3",
        "place": "某地仓库",
        "occurred_at": local_now(w, -timedelta(minutes=10)),
        "known_at": local_now(w, -timedelta(minutes=5)),
        "report": {"summary": "某地仓库起火，明火已扑灭。", "deaths": 0},
    }
    if call:
        data |= {"call": _api_call(w), "unit_id": w.unit_a.pk}
    return data


def _api_step(
    variant: str,
    item: str,
    allowed: frozenset[str],
    seeing: frozenset[str],
    data: dict[str, Any] | None = None,
) -> Row:
    """POST /api/items/<id>/<step> on the world's item in a state."""
    return Row(
        "api:item_step",
        "POST",
        allowed,
        args=lambda w: [getattr(w, item).pk, variant],
        data=lambda w: data or {},
        writes=("submissions.InfoItem", "submissions.ItemEvent", "audit.AuditEntry"),
        otherwise=hidden_except(seeing),
        variant=variant,
        api=True,
    )


rows(
    # The documentation is public, as the API's shape is no secret; each operation still asks.
    Row("api:openapi-json", "GET", EVERYONE, public=True, api=True, shows=lambda w: "/api/items"),
    Row("api:openapi-view", "GET", EVERYONE, public=True, api=True),
    # /api/ itself and any address the API does not have: 404 in the error shape, any method.
    *(
        Row(name, method, NOBODY, args=args, public=True, api=True, refused=404)
        for name, args in (("api:api-root", _none), ("api:unknown", lambda w: ["nope"]))
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    ),
    # Items: everyone lists what they may read (administrators: nothing).
    Row("api:items", "GET", SIGNED_IN, api=True),
    Row(
        "api:items",
        "POST",
        OFFICERS,
        data=lambda w: API_ITEM,
        ok=201,
        writes=("submissions.InfoItem", "audit.AuditEntry"),
        api=True,
    ),
    Row(
        "api:item",
        "GET",
        SEES_DRAFT,
        args=lambda w: [w.draft.pk],
        refused=404,
        variant="draft",
        api=True,
        shows=lambda w: w.draft.title,
    ),
    Row(
        "api:item",
        "GET",
        SEES_SUBMITTED,
        args=lambda w: [w.submitted.pk],
        refused=404,
        variant="submitted",
        api=True,
        shows=lambda w: w.submitted.title,
    ),
    # The unit's officer revises a returned item; the others who see it never revise.
    Row(
        "api:item",
        "PUT",
        frozenset({"officer_a"}),
        args=lambda w: [w.returned.pk],
        data=lambda w: {**API_ITEM, "title": "甲区退回信息（修改）"},
        writes=("submissions.InfoItem", "submissions.ItemRevision", "audit.AuditEntry"),
        otherwise=hidden_except(SEES_SUBMITTED),
        api=True,
    ),
    _api_step("submit", "draft", frozenset({"officer_a"}), SEES_DRAFT),
    _api_step("withdraw", "awaiting", frozenset({"officer_a"}), SEES_AWAITING),
    _api_step("sign_off", "awaiting", frozenset({"head_a"}), SEES_AWAITING, {"comment": "同意"}),
    _api_step("start_review", "submitted", EDITORS, SEES_SUBMITTED),
    _api_step("return", "under_review", EDITORS, SEES_SUBMITTED, {"comment": "请核实"}),
    _api_step("verify", "under_review", EDITORS, SEES_SUBMITTED, {"verdict": "verified"}),
    Row(
        "api:item_edit",
        "POST",
        EDITORS,
        args=lambda w: [w.under_review.pk],
        data=lambda w: {"title": "审核后标题", "body": BODY, "comment": "压缩"},
        writes=("submissions.InfoItem", "submissions.ItemRevision", "audit.AuditEntry"),
        otherwise=hidden_except(SEES_SUBMITTED),
        api=True,
    ),
    # Incidents: the board's watchers see all; a unit's officer and head see their unit's.
    Row("api:incidents", "GET", SIGNED_IN, api=True),
    # "information officer: … writes the unit's emergency reports" — in writing, for the
    # officer's own unit; the duty office and the section take reports by phone instead and
    # are told to give the call (409). Nobody else opens incidents.
    Row(
        "api:incidents",
        "POST",
        OFFICERS,
        data=lambda w: _api_incident(w, call=False),
        ok=201,
        writes=("emergencies.Incident", "emergencies.IncidentReport", "audit.AuditEntry"),
        otherwise={409: CALL_TAKERS},
        variant="written",
        api=True,
    ),
    Row(
        "api:incidents",
        "POST",
        CALL_TAKERS,
        data=lambda w: _api_incident(w, call=True),
        ok=201,
        writes=("emergencies.Incident", "emergencies.IncidentReport", "audit.AuditEntry"),
        otherwise={409: OFFICERS},
        variant="phone",
        api=True,
    ),
    Row(
        "api:incident",
        "GET",
        SEES_INCIDENT,
        args=lambda w: [w.incident.pk],
        refused=404,
        api=True,
        shows=lambda w: w.incident.title,
    ),
    Row(
        "api:incident_reports",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.incident.pk],
        data=lambda w: {"kind": "followup", "summary": "伤者已送医。"},
        ok=201,
        writes=("emergencies.IncidentReport", "audit.AuditEntry"),
        otherwise={409: CALL_TAKERS, 404: SIGNED_IN - SEES_INCIDENT},
        variant="written",
        api=True,
    ),
    Row(
        "api:incident_reports",
        "POST",
        CALL_TAKERS,
        args=lambda w: [w.incident.pk],
        data=lambda w: {
            "kind": "followup",
            "summary": "伤者已送医。",
            "call": _api_call(w),
            "unit_id": w.unit_a.pk,
        },
        ok=201,
        writes=("emergencies.IncidentReport", "audit.AuditEntry"),
        otherwise={409: frozenset({"officer_a"}), 404: SIGNED_IN - SEES_INCIDENT},
        variant="phone",
        api=True,
    ),
    Row(
        "api:report_sign_off",
        "POST",
        frozenset({"head_a"}),
        args=lambda w: [w.awaiting_report.pk],
        writes=("emergencies.IncidentReport", "audit.AuditEntry"),
        otherwise=hidden_except(SEES_INCIDENT),
        api=True,
    ),
    # "logs … other-channel sightings": the duty office and the section.
    Row("api:sightings", "GET", CALL_TAKERS, api=True),
    Row(
        "api:sightings",
        "POST",
        CALL_TAKERS,
        data=lambda w: {
            "source_kind": "hotline",
            "source": "12345 市民热线",
            "seen_at": local_now(w, -timedelta(minutes=5)),
            "text": "市民反映某地仓库冒黑烟。",
            "category": "accident",
            "unit_id": w.unit_a.pk,
        },
        ok=201,
        writes=("emergencies.Sighting", "audit.AuditEntry"),
        api=True,
    ),
    Row(
        "api:sighting",
        "GET",
        CALL_TAKERS,
        args=lambda w: [w.sighting.pk],
        api=True,
        shows=lambda w: w.sighting.source,
    ),
    # Everyone keeps their own tokens (a token is never wider than its owner, so nobody needs
    # to be kept from having one); only the owner revokes one.
    Row("apitokens:list", "GET", SIGNED_IN),
    Row(
        "apitokens:list",
        "POST",
        SIGNED_IN,
        data=lambda w: {"name": "测试令牌", "scope": "read", "expires": "30"},
        writes=("audit.AuditEntry",),
        shows=lambda w: "xb_",
    ),
    Row(
        "apitokens:revoke",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.token.pk],
        ok=302,
        refused=302,
        writes=("audit.AuditEntry",),
    ),
    # "system administrator: users and configuration": the API's rate limit is configuration.
    Row("apitokens:rate_limit", "GET", frozenset({"system_admin"})),
    Row(
        "apitokens:rate_limit",
        "POST",
        frozenset({"system_admin"}),
        data=lambda w: {"requests_per_minute": "60"},
        ok=302,
        writes=("api.ApiPolicy", "audit.AuditEntry"),
    ),
)


# --- the Django admin ---------------------------------------------------------------------------

# "system administrator: units, accounts and publications (`/admin/`)". The security
# administrator's lock-outs are on its own page (org:security), not in the admin.
ADMIN_SITE = frozenset({"system_admin"})


# --- the API, read side (issue 15) ----------------------------------------------------------------
# The same people as the pages, by the same README lines; rows for the API's writes are kept in
# their own block. Nobody signed in gets 401 (no login page for programs), so every row is
# "public" with anonymous refused. Answers are JSON: `shows` looks for ids, not Chinese text.
# Everyone a publication may list as its reader: the units' people, the section, the duty
# office, the leaders. Listing answers them all (an empty list for a reader of none); an issue
# they do not read is "not found".
BULLETIN_RECEIVERS = SIGNED_IN - ADMINS


def _api(name: str, method: str, allowed: frozenset[str], **fields: Any) -> Row:
    otherwise = fields.pop("otherwise", {})
    return Row(f"api:{name}", method, allowed, api=True, otherwise=otherwise, **fields)


rows(
    _api("publications", "GET", BULLETIN_RECEIVERS),
    _api("bulletin_issues", "GET", BULLETIN_RECEIVERS),
    _api(
        "bulletin_issue",
        "GET",
        READS_BULLETINS,
        args=lambda w: [w.published_issue.pk],
        shows=lambda w: f'"item_id": {w.submitted.pk}',
        otherwise={404: BULLETIN_RECEIVERS - READS_BULLETINS},
    ),
    _api("search", "GET", SEARCHERS, data=lambda w: {"q": "防汛"}),
    _api("rankings", "GET", READS_POINTS, shows=lambda w: '"classes"'),
    _api(
        "scorecard",
        "GET",
        READS_POINTS | UNIT_A,
        args=lambda w: [w.unit_a.pk],
        shows=lambda w: f'"unit_id": {w.unit_a.pk}',
        otherwise={404: frozenset({"officer_b"})},
    ),
    _api("notifications", "GET", SIGNED_IN, shows=lambda w: '"unread"'),
    _api(
        "notification_read",
        "POST",
        frozenset({"officer_a"}),
        args=lambda w: [w.notification.pk],
        refused=404,
        writes=("notify.Notification",),
    ),
    _api(
        "notifications_read_all",
        "POST",
        SIGNED_IN,
        setup=_unread_for,
        writes=("notify.Notification",),
    ),
)

# --- federation between levels ------------------------------------------------------------------
# "forwards upward": the section watches what its forwardings became; the system administrator
# ("units, accounts, settings") keeps the links to the other levels' systems and their secrets.
FEDERATION_ADMIN = frozenset({"system_admin"})


def _new_link(world: World) -> dict[str, Any]:
    return {
        "direction": "up",
        "name": "省委办公厅",
        "base_url": "https://xinbao.province.example.gov.cn",
        "office_code": "city-x",
        "secret": "",
    }


rows(
    Row("federation:messages", "GET", EDITORS | FEDERATION_ADMIN),
    # "the section chief decides": a refused message goes again only by the chief's (or the
    # system administrator's) decision, audited.
    Row(
        "federation:resend",
        "POST",
        CHIEFS | FEDERATION_ADMIN,
        args=lambda w: [w.fed_refused.pk],
        ok=302,
        writes=("federation.OutboundMessage", "audit.AuditEntry"),
    ),
    Row(
        "federation:links",
        "GET",
        FEDERATION_ADMIN,
        setup=lambda w, persona: setattr(w, "shown_link", w.fed_link),
        shows=lambda w: w.fed_link.name,
    ),
    Row(
        "federation:links",
        "POST",
        FEDERATION_ADMIN,
        data=_new_link,
        writes=("federation.Link", "audit.AuditEntry"),
    ),
    Row(
        "federation:rotate",
        "POST",
        FEDERATION_ADMIN,
        args=lambda w: [w.fed_link.pk],
        writes=("federation.Link", "audit.AuditEntry"),
    ),
    Row(
        "federation:edit",
        "POST",
        FEDERATION_ADMIN,
        args=lambda w: [w.fed_link.pk],
        data=lambda w: {
            f"l{w.fed_link.pk}-base_url": "https://other.example.gov.cn",
            f"l{w.fed_link.pk}-is_active": "on",
        },
        ok=302,
        writes=("federation.Link", "audit.AuditEntry"),
    ),
    Row(
        "federation:policy",
        "POST",
        FEDERATION_ADMIN,
        data=lambda w: {
            "replay_window_seconds": 120,
            "retry_base_seconds": 3,
            "retry_max_seconds": 600,
            "timeout_seconds": 10,
            "rotation_grace_hours": 48,
        },
        ok=302,
        writes=("federation.FederationPolicy", "audit.AuditEntry"),
    ),
    # Other systems post here; the signature is the authentication, so a session opens nothing.
    Row("federation:inbox", "POST", NOBODY, public=True, refused=401),
)


# --- the network's people: roster, leave, training, network health (issue 17) ----------------

# "the section chief keeps the network of officers alive"; the system administrator keeps the
# unit directory, so he may name who answers for a unit too.
MANAGES_ROSTER = CHIEFS | {"system_admin"}
# Who sees the network page sees every unit's roster and the network's health.
SEES_NETWORK = EDITORS | {"duty_officer", "system_admin"}


def _leave_data(world: World) -> dict[str, Any]:
    day = timezone.localdate()
    return {
        "person": world.officer_a.pk,
        "first_day": day.isoformat(),
        "last_day": day.isoformat(),
        "note": "病假",
    }


def _training_data(world: World) -> dict[str, Any]:
    return {
        "held_on": timezone.localdate().isoformat(),
        "topic": "信息写作",
        "organiser": "信息科",
        "attendees": [world.officer_a.pk],
    }


rows(
    # A unit's roster: everyone who sees the network, and the unit's own people; any other
    # unit's people are not told the unit's roster exists.
    Row("roster:unit", "GET", SEES_NETWORK | UNIT_A, args=lambda w: [w.unit_a.pk], refused=404),
    Row(
        "roster:appoint",
        "POST",
        MANAGES_ROSTER,
        args=lambda w: [w.unit_a.pk],
        data=lambda w: {"post": "a", "person": w.head_a.pk, "employment": "part"},
        ok=302,
        writes=("roster.Appointment", "audit.AuditEntry"),
    ),
    Row(
        "roster:leave",
        "POST",
        MANAGES_ROSTER,
        args=lambda w: [w.unit_a.pk],
        data=_leave_data,
        ok=302,
        writes=("roster.Leave", "audit.AuditEntry"),
    ),
    Row(
        "roster:cancel_leave",
        "POST",
        MANAGES_ROSTER,
        args=lambda w: [w.roster_leave.pk],
        ok=302,
        writes=("roster.Leave", "audit.AuditEntry"),
    ),
    Row("roster:training", "GET", SEES_NETWORK),
    Row(
        "roster:training",
        "POST",
        MANAGES_ROSTER,
        data=_training_data,
        ok=302,
        writes=("roster.TrainingSession", "audit.AuditEntry"),
    ),
    Row("roster:policy", "GET", SEES_NETWORK),
    Row(
        "roster:policy",
        "POST",
        CHIEFS,
        data=lambda w: {"turnover_threshold": "3"},
        ok=302,
        writes=("roster.RosterPolicy", "audit.AuditEntry"),
    ),
    # The network's health: what the network page shows, grown into one row per unit.
    Row("insight:network", "GET", SEES_NETWORK),
    Row("insight:network_xlsx", "GET", SEES_NETWORK),
)
