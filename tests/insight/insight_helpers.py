"""Builders for the archive analysis tests. Items and incidents go through the real actions;
only their timestamps are then moved to the moment a test needs."""

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from bulletins.actions import do_adopt
from bulletins.models import Adoption
from emergencies import actions as emergencies
from emergencies.actions import IncidentFacts, PhoneCall, ReportContent
from emergencies.models import Category, Incident
from org.models import Unit, User
from org.roles import Role
from submissions import actions
from submissions.models import InfoItem, ItemKind, ItemState
from submissions.rules import Action
from tests.factories import make_user

SH = ZoneInfo("Asia/Shanghai")

FLOOD_CHECK = (
    "东湖区部署汛期安全生产隐患排查",
    "东湖区召开安全生产工作会议，部署汛期隐患排查。会议要求各街道落实专人负责，全面排查地下空间、"
    "在建工地等重点部位。",
)
FLOOD_CHECK_AGAIN = (
    "东湖区全面开展汛期安全隐患排查",
    "东湖区部署汛期安全生产隐患排查工作，要求各街道落实专人负责，全面排查地下空间和在建工地等"
    "重点部位，确保安全度汛。",
)
WELFARE_VISITS = (
    "市民政局开展冬季困难群众走访慰问",
    "市民政局组织干部走访慰问困难群众，发放慰问金和棉被，帮助解决实际困难。",
)


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SH)


def item(
    officer: User,
    text: tuple[str, str],
    submitted_at: datetime,
    *,
    head: User | None = None,
    editor: User | None = None,
    kind: str = ItemKind.NEWS,
    tags: Sequence[str] = (),
    joint_units: Sequence[Unit] = (),
    occurred_on: date | None = None,
) -> InfoItem:
    """An item signed off by its unit head (and taken for review when an editor is given),
    first submitted at `submitted_at`."""
    title, body = text
    created = actions.do_create_item(
        officer,
        actions.ItemContent(
            title=title,
            body=body,
            kind=kind,
            tags=tags,
            joint_units=joint_units,
            occurred_on=occurred_on,
        ),
        submit=True,
    )
    head = head or make_user(Role.UNIT_HEAD, officer.unit)
    actions.do_transition(head, created.pk, Action.SIGN_OFF)
    if editor is not None:
        actions.do_transition(editor, created.pk, Action.START_REVIEW)
    InfoItem.objects.filter(pk=created.pk).update(submitted_at=submitted_at)
    created.refresh_from_db()
    assert created.state in (ItemState.SUBMITTED, ItemState.UNDER_REVIEW)
    return created


def adopt(editor: User, it: InfoItem, publication, recorded_at: datetime | None = None) -> Adoption:
    when = recorded_at or it.submitted_at
    assert when is not None
    adoption = do_adopt(editor, it.pk, publication, timezone.localdate(when))
    if recorded_at is not None:
        Adoption.objects.filter(pk=adoption.pk).update(recorded_at=recorded_at)
    return adoption


def incident(
    duty: User,
    unit: Unit,
    occurred_at: datetime,
    called_at: datetime,
    *,
    title: str = "经开区化工厂仓库火灾",
    place: str = "甲区经开区某化工厂",
    summary: str = "甲区经开区某化工厂仓库起火，明火已扑灭，无人员被困。",
    category: str = Category.ACCIDENT,
) -> Incident:
    """An incident logged by phone: the office received its initial report at `called_at`."""
    report = emergencies.do_open_incident(
        duty,
        IncidentFacts(
            title=title,
            category=category,
            place=place,
            occurred_at=occurred_at,
            known_at=called_at,
            units=[unit],
        ),
        ReportContent(summary=summary),
        PhoneCall("值班员", "83110000", called_at),
        now=called_at,
    )
    return report.incident
