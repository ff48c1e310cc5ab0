"""Builders for the editorial-loop tests (instructions, solicitations). Moments are aware
Asia/Shanghai datetimes; `clock` freezes Django's clock for code that reads it itself (the
sign-off that answers a solicitation, the forms that compare with today)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from bulletins import actions
from bulletins.models import AdoptionLevel, FollowUpTask, Instruction, Solicitation
from deadlines import engine
from deadlines.models import DeadlineFlip, ExpectedReport
from notify.models import Notification
from org.models import Unit, User
from submissions import actions as items
from submissions.models import InfoItem, ItemState
from submissions.rules import Action
from tests.factories import content, make_item

SH = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' as an aware Asia/Shanghai datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SH)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def submitted_item(officer: User, head: User, at: datetime, **fields) -> InfoItem:
    with clock(at):
        return make_item(officer, ItemState.SUBMITTED, head=head, **fields)


def instruct(actor: User, item: InfoItem, at: datetime, **fields) -> Instruction:
    """An instruction given on the day of `at`, recorded at `at`."""
    return actions.do_record_instruction(
        actor,
        item.pk,
        fields.pop("text", "请甲区认真研究，抓好落实，及时反馈。"),
        fields.pop("instructed_on", at.astimezone(SH).date()),
        now=at,
        **fields,
    )


def record_paper_instruction(editor: User, item: InfoItem, at: datetime) -> Instruction:
    return instruct(
        editor, item, at, leader_name="王省长", level=AdoptionLevel.PROVINCE, text="省领导批示。"
    )


def task_of(instruction: Instruction, unit: Unit) -> FollowUpTask:
    return FollowUpTask.objects.get(instruction=instruction, unit=unit)


def solicit(editor: User, units: list[Unit], at: datetime, due: datetime) -> Solicitation:
    return actions.do_issue_solicitation(
        editor,
        "汛期安全生产情况",
        "请报送本地汛期隐患排查整治的做法和成效，800字以内。",
        due,
        units,
        now=at,
    )


def answer(officer: User, head: User, solicitation: Solicitation, at: datetime) -> InfoItem:
    """The unit's officer writes an item in answer and its head signs it off at `at`."""
    with clock(at - timedelta(minutes=30)):
        item = items.do_create_item(
            officer,
            content(title="本区汛期隐患排查整治情况", solicitation_id=solicitation.pk),
            submit=True,
        )
    with clock(at):
        items.do_transition(head, item.pk, Action.SIGN_OFF)
    item.refresh_from_db()
    return item


def row_of(unit: Unit, **source) -> ExpectedReport:
    return ExpectedReport.objects.get(unit=unit, **source)


def run_until_idle(now: datetime) -> int:
    total = 0
    while taken := engine.run_pass(now):
        total += taken
    return total


def flips(row: ExpectedReport) -> list[str]:
    return list(
        DeadlineFlip.objects.filter(expected=row).order_by("stage").values_list("kind", flat=True)
    )


def told(row: ExpectedReport, kind: str) -> set[str]:
    """Whose inbox the row's flip of `kind` reached, by user name."""
    flip = DeadlineFlip.objects.get(expected=row, kind=kind)
    return set(
        Notification.objects.filter(key=f"flip:{flip.pk}").values_list(
            "recipient__username", flat=True
        )
    )
