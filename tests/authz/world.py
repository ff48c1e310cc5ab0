"""The people and the objects the matrix acts on.

Every persona exists in every test; each object is built the first time a row asks for it, in the
state that row needs, through the owning app's actions (so events, audit rows and deadlines are
the real ones). Nothing here decides who may do what: that is the table's job.
"""

from datetime import timedelta
from functools import cached_property
from typing import Any

from django.core import mail
from django.utils import timezone

from accountability import actions as accountability_actions
from accountability import actions_notices as accountability_notices
from accountability import rules as accountability_rules
from accountability.models import CriticismNotice, Reinstatement, Violation, ViolationKind
from archive.models import SavedSearch
from bulletins import actions as bulletin_actions
from bulletins.models import (
    AdoptionLevel,
    FollowUpTask,
    Issue,
    IssueEntry,
    Publication,
    Solicitation,
)
from emergencies.models import Incident, IncidentReport, Sighting
from notify.actions import Message, dispatch
from notify.models import Channel, ChannelKind, Delivery, EgressRule, Notification, Severity
from org import actions_accounts
from org.models import AccountProposal, DutyShift, OfficialDay, Unit, UnitKind, UnitLevel, User
from org.roles import Role
from submissions.models import Attachment, InfoItem, ItemState
from tests.accountability.accountability_helpers import pending
from tests.accountability.accountability_helpers import province_notice as record_province_notice
from tests.emergencies.emergency_factories import (
    content,
    minutes,
    open_by_phone,
    open_in_writing,
    sign_off,
)
from tests.emergencies.emergency_factories import sighting as record_sighting
from tests.factories import make_item, make_publication, make_unit, make_user, pdf

# The personas, as the README's "Who uses it" names them. `anonymous` is nobody signed in.
PERSONAS = (
    "officer_a",  # information officer of unit A
    "head_a",  # unit head of unit A
    "officer_b",  # information officer of unit B: another unit
    "editor",
    "chief",
    "secretary_general",
    "duty_officer",
    "leader",
    "system_admin",
    "security_admin",
    "audit_admin",
    "anonymous",
)


class Cast:
    """Units A and B, the municipal office with its information section under the provincial
    office, and one account per persona: made once per module (the matrix's cases only read
    them or roll back what they write)."""

    def __init__(self) -> None:
        province = make_unit(
            "省委办公厅",
            code="province",
            kind=UnitKind.PARTY_OFFICE,
            level=UnitLevel.PROVINCE,
            is_reporting=False,
        )
        office = make_unit(
            "市委办公室",
            code="office",
            kind=UnitKind.PARTY_OFFICE,
            is_reporting=False,
            parent=province,
        )
        section = make_unit(
            "市委办公室信息科",
            code="section",
            kind=UnitKind.SECTION,
            parent=office,
            is_reporting=False,
        )
        unit_a = make_unit(
            "甲区委办公室", code="unit-a", kind=UnitKind.DISTRICT, level=UnitLevel.COUNTY
        )
        unit_b = make_unit(
            "乙县委办公室", code="unit-b", kind=UnitKind.COUNTY, level=UnitLevel.COUNTY
        )
        units = {
            "province": province,
            "office": office,
            "section": section,
            "unit_a": unit_a,
            "unit_b": unit_b,
        }
        people = {
            "officer_a": make_user(Role.OFFICER, unit_a, username="officer_a"),
            "head_a": make_user(Role.UNIT_HEAD, unit_a, username="head_a"),
            "officer_b": make_user(Role.OFFICER, unit_b, username="officer_b"),
            "head_b": make_user(Role.UNIT_HEAD, unit_b, username="head_b"),
            "editor": make_user(Role.EDITOR, section, username="editor"),
            "chief": make_user(Role.CHIEF, section, username="chief"),
            "secretary_general": make_user(Role.SECRETARY_GENERAL, office, username="sg"),
            "duty_officer": make_user(Role.DUTY_OFFICER, office, username="duty"),
            "leader": make_user(Role.LEADER, None, username="leader"),
            "system_admin": make_user(Role.SYSTEM_ADMIN, None, username="sysadmin"),
            "security_admin": make_user(Role.SECURITY_ADMIN, None, username="secadmin"),
            "audit_admin": make_user(Role.AUDIT_ADMIN, None, username="auditadmin"),
        }
        for unit, officer in ((unit_a, "officer_a"), (unit_b, "officer_b")):
            unit.officer = people[officer]
            unit.save(update_fields=["officer"])
        self.unit_ids = {name: unit.pk for name, unit in units.items()}
        self.user_ids = {name: user.pk for name, user in people.items()}
        self.sessions: dict[str, str] = {}  # persona: session key, once signed in


class World:
    """The cast as each case finds it, and objects built on first use."""

    def __init__(self, cast: Cast) -> None:
        units = Unit.objects.in_bulk(cast.unit_ids.values())
        users = User.objects.in_bulk(cast.user_ids.values())
        for name, pk in cast.unit_ids.items():
            setattr(self, name, units[pk])
        self.people: dict[str, User] = {name: users[pk] for name, pk in cast.user_ids.items()}
        self.now = timezone.now()

    def __getattr__(self, name: str) -> Any:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    # --- accounts -----------------------------------------------------------------------------

    @cached_property
    def proposal(self) -> AccountProposal:
        """A new editor's account, proposed by the system administrator."""
        _user, proposal = actions_accounts.do_create_account(
            self.system_admin,
            {
                "username": "new_editor",
                "full_name": "新编辑",
                "email": "new.editor@example.org",
                "unit": self.section.pk,
                "role": Role.EDITOR,
            },
        )
        return proposal

    @cached_property
    def password_token(self) -> str:
        """The token of a reset link mailed to an officer of unit B (read from the mailbox, as
        the officer would)."""
        person = make_user(
            Role.OFFICER, self.unit_b, password="Old-pass-2024!", email="reset.me@example.org"
        )
        actions_accounts.do_request_password_reset(
            self.system_admin, person.pk, "http://testserver"
        )
        body = mail.outbox[-1].body
        return body.split("/accounts/password/set/")[1].split("/")[0]

    # --- publications -------------------------------------------------------------------------

    @cached_property
    def daily(self) -> Publication:
        """《每日要情》, compiled here; the city leader is among its readers."""
        publication = make_publication(
            AdoptionLevel.CITY, code="daily", name="每日要情", compiled_here=True
        )
        publication.readers.add(self.leader)
        return publication

    @cached_property
    def province_bulletin(self) -> Publication:
        return make_publication(AdoptionLevel.PROVINCE, code="prov", name="省委办公厅信息专报")

    # --- items --------------------------------------------------------------------------------

    def item(self, state: str, title: str = "甲区部署汛期隐患排查") -> InfoItem:
        """A unit-A item in `state`, with an attachment."""
        return make_item(
            self.officer_a,
            state,
            head=self.head_a,
            editor=self.editor,
            publication=self.province_bulletin,
            files=[pdf()],
            title=title,
        )

    @cached_property
    def draft(self) -> InfoItem:
        return self.item(ItemState.DRAFT, "甲区草稿信息")

    @cached_property
    def awaiting(self) -> InfoItem:
        return self.item(ItemState.AWAITING_SIGNOFF, "甲区待审签信息")

    @cached_property
    def submitted(self) -> InfoItem:
        return self.item(ItemState.SUBMITTED, "甲区已报送信息")

    @cached_property
    def under_review(self) -> InfoItem:
        return self.item(ItemState.UNDER_REVIEW, "甲区审核中信息")

    @cached_property
    def returned(self) -> InfoItem:
        return self.item(ItemState.RETURNED, "甲区退回信息")

    @cached_property
    def adopted(self) -> InfoItem:
        return self.item(ItemState.ADOPTED, "甲区已采用信息")

    @cached_property
    def other_under_review(self) -> InfoItem:
        """A second item under review: the duplicate to merge into the first."""
        return self.item(ItemState.UNDER_REVIEW, "甲区审核中信息（重复）")

    def attachment_of(self, item: InfoItem) -> Attachment:
        return item.attachments.get()

    # --- bulletins ----------------------------------------------------------------------------

    def issue(self, state: str) -> Issue:
        """An issue of the daily with one entry (the submitted item), in `state`."""
        issue = bulletin_actions.do_create_issue(
            self.editor, self.daily, timezone.localdate() + timedelta(days=1)
        )
        bulletin_actions.do_add_entries(self.editor, issue.pk, [self.submitted.pk])
        if state in ("awaiting_signoff", "signed_off", "published"):
            bulletin_actions.do_submit_issue(self.editor, issue.pk)
        if state in ("signed_off", "published"):
            bulletin_actions.do_sign_off_issue(self.chief, issue.pk)
        if state == "published":
            bulletin_actions.do_publish(self.editor, issue.pk)
        issue.refresh_from_db()
        return issue

    @cached_property
    def draft_issue(self) -> Issue:
        return self.issue("draft")

    @cached_property
    def awaiting_issue(self) -> Issue:
        return self.issue("awaiting_signoff")

    @cached_property
    def signed_off_issue(self) -> Issue:
        return self.issue("signed_off")

    @cached_property
    def published_issue(self) -> Issue:
        return self.issue("published")

    @cached_property
    def entry(self) -> IssueEntry:
        """The first of two entries of a draft issue (so it can move down)."""
        issue = self.draft_issue
        bulletin_actions.do_add_entries(self.editor, issue.pk, [self.under_review.pk])
        return issue.entries.order_by("position").first()  # type: ignore[return-value]

    @cached_property
    def task(self) -> FollowUpTask:
        """Unit A's feedback task on the leader's instruction on its adopted item."""
        instruction = bulletin_actions.do_record_instruction(
            self.leader, self.adopted.pk, "请甲区抓好落实。", timezone.localdate()
        )
        return instruction.tasks.get(unit=self.unit_a)

    @cached_property
    def solicitation(self) -> Solicitation:
        """A solicitation to unit A only."""
        return bulletin_actions.do_issue_solicitation(
            self.editor,
            "防汛工作情况",
            "请报送本地防汛工作开展情况。",
            self.now + timedelta(days=7),
            [self.unit_a],
        )

    # --- emergencies --------------------------------------------------------------------------

    @cached_property
    def incident(self) -> Incident:
        """An open incident of unit A, phoned in and then reported in writing and signed off."""
        at = self.now - minutes(30)
        incident = open_by_phone(self.duty_officer, self.unit_a, at, title="甲区某仓库火灾")
        report = open_in_writing_followup(self, incident)
        sign_off(self.head_a, report, self.now - minutes(10))
        incident.refresh_from_db()
        return incident

    @cached_property
    def other_incident(self) -> Incident:
        """A second incident of unit A: a duplicate to merge."""
        at = self.now - minutes(20)
        return open_by_phone(self.duty_officer, self.unit_a, at, title="甲区某仓库火灾（重复）")

    @cached_property
    def awaiting_report(self) -> IncidentReport:
        """Unit A's written initial report of a new incident, waiting for the head."""
        return open_in_writing(self.officer_a, self.now - minutes(5), title="甲区某路段塌陷")

    @cached_property
    def sighting(self) -> Sighting:
        return record_sighting(
            self.duty_officer, self.unit_a, self.now - minutes(15), now=self.now - minutes(10)
        )

    # --- accountability -----------------------------------------------------------------------

    @cached_property
    def violation(self) -> Violation:
        """A pending violation of unit A."""
        return pending(self.unit_a, ViolationKind.LATE, on=timezone.localdate())

    @cached_property
    def confirmed_violation(self) -> Violation:
        violation = pending(self.unit_a, ViolationKind.MISSED, on=timezone.localdate())
        return accountability_actions.do_decide(
            self.chief, violation.pk, accountability_actions.Decision(accountability_rules.CONFIRM)
        )

    @cached_property
    def draft_notice(self) -> CriticismNotice:
        return accountability_notices.do_draft_notice(
            self.chief, [self.confirmed_violation.pk], False, today=timezone.localdate()
        )

    @cached_property
    def issued_notice(self) -> CriticismNotice:
        """An issued city notice naming unit A."""
        return accountability_notices.do_issue_notice(
            self.chief, self.draft_notice.pk, timezone.localdate()
        )

    @cached_property
    def disqualified(self) -> Unit:
        """Unit A, named for a serious missed report in a provincial notice this year."""
        on = timezone.localdate()
        record_province_notice(
            self.chief, [self.confirmed_violation], on=on, number=f"省委办通〔{on.year}〕5号"
        )
        return self.unit_a

    @cached_property
    def reinstatement(self) -> Reinstatement:
        return accountability_actions.do_reinstate(
            self.chief, self.disqualified, timezone.localdate().year, "经研究予以恢复。"
        )

    # --- notify -------------------------------------------------------------------------------

    @cached_property
    def notification(self) -> Notification:
        """An unread inbox message of officer A."""
        message = Message("测试通知", "正文", "/items/", Severity.INFO, "authz:1")
        dispatch(message, [self.officer_a])
        return Notification.objects.get(recipient=self.officer_a, key="authz:1")

    @cached_property
    def unit_channel(self) -> Channel:
        """Unit A's e-mail channel (its head manages it)."""
        return Channel.objects.create(
            kind=ChannelKind.EMAIL, label="甲区值班邮箱", target="a@example.org", unit=self.unit_a
        )

    @cached_property
    def unit_robot(self) -> Channel:
        """Unit A's WeCom group robot (its head manages it)."""
        return Channel.objects.create(
            kind=ChannelKind.WECOM,
            label="甲区值班群机器人",
            target="http://127.0.0.1:9/cgi-bin/webhook/send?key=authz",
            unit=self.unit_a,
        )

    @cached_property
    def delivery(self) -> Delivery:
        self.unit_channel  # noqa: B018 - the channel must exist before the dispatch
        dispatch(Message("测试投递", "正文", "/", Severity.INFO, "authz:2"), [], [self.unit_a])
        return Delivery.objects.get(channel=self.unit_channel)

    # --- archive ------------------------------------------------------------------------------

    @cached_property
    def saved_search(self) -> SavedSearch:
        return SavedSearch.objects.create(owner=self.officer_a, name="防汛", query="防汛")

    @cached_property
    def merged_item(self) -> InfoItem:
        """A duplicate merged into the item under review."""
        from insight.actions import do_merge_items

        return do_merge_items(
            self.editor, self.other_under_review.pk, self.under_review.pk
        ).duplicate

    @cached_property
    def merged_incident(self) -> Incident:
        from insight.actions import do_merge_incidents

        return do_merge_incidents(self.editor, self.other_incident.pk, self.incident.pk).duplicate

    # --- the API ------------------------------------------------------------------------------

    @cached_property
    def token(self) -> Any:
        """Officer A's write token."""
        from api.actions import do_create_token

        return do_create_token(self.officer_a, "甲区脚本", "write").token

    # --- org ----------------------------------------------------------------------------------

    @cached_property
    def shift(self) -> DutyShift:
        start = self.now + timedelta(days=2)
        return DutyShift.objects.create(
            person=self.duty_officer, starts_at=start, ends_at=start + timedelta(hours=8)
        )

    @cached_property
    def running_shift(self) -> DutyShift:
        """The duty officer's shift, running since an hour ago."""
        start = self.now - timedelta(hours=1)
        return DutyShift.objects.create(
            person=self.duty_officer, starts_at=start, ends_at=start + timedelta(hours=8)
        )

    @cached_property
    def handover(self) -> Any:
        """Another duty officer's shift, ended half an hour ago and handed over; everyone who
        stands duty is on the incoming shift, so any of them may sign."""
        from duty import actions as duty_actions

        outgoing = make_user(Role.DUTY_OFFICER, self.section, username="night_officer")
        end = self.now - timedelta(minutes=30)
        DutyShift.objects.create(person=outgoing, starts_at=end - timedelta(hours=8), ends_at=end)
        for name in ("duty_officer", "editor", "chief", "secretary_general"):
            DutyShift.objects.create(
                person=self.people[name], starts_at=end, ends_at=end + timedelta(hours=8)
            )
        return duty_actions.start_handover(outgoing, "夜间无异常。", now=self.now)

    @cached_property
    def zero_period(self) -> Any:
        """A zero-report period covering today, owed by units A and B."""
        from duty.models import ZeroPeriod

        today = timezone.localdate(self.now)
        period = ZeroPeriod.objects.create(
            name="敏感时期", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1)
        )
        period.units.set([self.unit_a, self.unit_b])
        return period

    @cached_property
    def future_holiday(self) -> OfficialDay:
        """A holiday in a year the calendar does not know yet (元旦), with one day of each of the
        other six holidays, so that the year can be published."""
        from org import actions as org_actions

        day = timezone.localdate().replace(month=1, day=1)
        day = day.replace(year=day.year + 5)
        others = ("春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
        for month, name in enumerate(others, start=2):
            other = day.replace(month=month, day=10)
            org_actions.do_add_official_days(self.system_admin, other, other, "holiday", name)
        return org_actions.do_add_official_days(self.system_admin, day, day, "holiday", "元旦")[0]

    @cached_property
    def egress_rule(self) -> EgressRule:
        from notify.actions import do_allow_egress

        return do_allow_egress(self.system_admin, "10.20.0.0/16", "短信网关")

    @cached_property
    def fed_link(self) -> Any:
        """A link to a lower office's system (the city's district), kept by the system admin."""
        from federation.actions import LinkSpec, do_create_link

        link, _secret = do_create_link(
            self.system_admin,
            LinkSpec(
                direction="down",
                name="甲区信息系统",
                base_url="https://xinbao.district.example.gov.cn",
                office_code="district-a",
                unit=self.unit_b,
            ),
        )
        return link

    @cached_property
    def fed_refused(self) -> Any:
        """A message down that link, refused by the other system (422, not filed)."""
        from federation.models import OutboundMessage

        return OutboundMessage.objects.create(
            link=self.fed_link,
            kind="notice.issued",
            key="refused0123456789abcdef0123456789",
            subject="notice:1",
            body={"v": 1, "kind": "notice.issued"},
            status="refused",
            attempts=1,
            refusal_code="not_filed",
            last_error="HTTP 422: 消息无法登记。",
            next_attempt_at=self.now,
            created_at=self.now,
            refused_at=self.now,
        )

    @cached_property
    def office_hours_period(self) -> Any:
        """A summer period of office hours (夏季作息)."""
        from datetime import time

        from org import actions as org_actions
        from org.schedule import PeriodInput

        summer = PeriodInput(5, 1, 9, 30, time(8, 30), time(12), time(14, 30), time(18))
        return org_actions.do_add_office_hours_period(self.system_admin, "夏季作息", summer)

    @cached_property
    def official_day(self) -> OfficialDay:
        from org import actions as org_actions

        day = timezone.localdate() + timedelta(days=40)
        return org_actions.do_add_official_days(self.system_admin, day, day, "holiday", "测试假日")[
            0
        ]

    @cached_property
    def roster_leave(self) -> Any:
        """Unit A's officer's leave for the coming week, marked by the chief."""
        from roster import actions as roster_actions

        day = timezone.localdate()
        return roster_actions.mark_leave(
            self.chief, self.officer_a, day, day + timedelta(days=6), "年假"
        )


def open_in_writing_followup(world: World, incident: Incident) -> IncidentReport:
    """Unit A's written initial report of a phoned-in incident."""
    from emergencies import actions as emergency_actions
    from emergencies.models import ReportKind

    return emergency_actions.do_add_report(
        world.officer_a, incident.pk, ReportKind.INITIAL, content(), now=world.now - minutes(20)
    )


__all__ = ["PERSONAS", "Cast", "World"]
