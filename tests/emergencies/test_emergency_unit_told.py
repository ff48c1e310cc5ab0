"""The reporting unit hears from the office along its report chain: when the duty office logs its
phone report, that its written report is now due and by when; when its written report is
received, which follow-up is due next; when the office opens an incident naming it, what it
owes; and when a deadline passes, through its own channels as well as its people's inboxes.

Deadlines are the seeded Ⅱ-level accident row (DESIGN §4, Henan): phone 15 min, written 35 min,
follow-ups before 08:00 and 17:00 — written out here as the ground truth.
"""

from datetime import timedelta

from django.utils import timezone

from deadlines.models import DeadlineFlip, FlipKind
from emergencies import actions
from emergencies.models import ExpectKind, ReportKind
from notify.models import ChannelKind, Notification
from notify.worker import process_deliveries
from org.roles import Role
from tests.clock import TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import (
    add_written,
    content,
    open_by_phone,
    row,
    run_until_idle,
    sign_off,
)
from tests.factories import make_user
from tests.notify.conftest import allow, listed_server, server  # noqa: F401  (fixtures)
from tests.notify.notify_helpers import make_channel

DAY = f"{TODAY:%m-%d}"
FIRE = "甲区某化工厂仓库火灾"


def inbox(key: str) -> set[str]:
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def note(key: str, username: str) -> Notification:
    return Notification.objects.get(key=key, recipient__username=username)


def delivered(server, path: str) -> list[str]:  # noqa: F811
    process_deliveries(timezone.now() + timedelta(seconds=1))
    return [r.key for r in server.to(path)]


def written(office, incident, kind: str, clock: str):
    """The unit's written report, signed off by its head at `clock` today."""
    officer, head = office["officer_a"], office["head_a"]
    return add_written(officer, head, incident, kind, shanghai(TODAY, clock))


def test_a_phone_report_logged_by_the_duty_office_tells_the_unit_its_written_report_is_due(
    office,
    listed_server,  # noqa: F811
):
    make_channel(office["officer_a"], ChannelKind.WEBHOOK, listed_server.url("/officer"))
    make_channel(office["officer_a"].unit, ChannelKind.WECOM, listed_server.url("/unit"))
    make_channel(office["duty"], ChannelKind.WEBHOOK, listed_server.url("/duty"))
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    [report] = incident.reports.all()
    key = f"report:{report.pk}:due"
    assert inbox(key) == {"officer_a", "head_a"}
    message = note(key, "officer_a")
    assert message.title == f"【待报送】《{FIRE}》：书面首报应于 {DAY} 10:35 前报送"
    assert message.body.splitlines() == [
        f"办公室已于 {DAY} 10:00 登记甲区委办公室电话报送的首报。",
        f"书面首报：应于 {DAY} 10:35 前报送。",
        "电话报告不能代替书面报告。",
    ]
    assert message.url == f"/emergencies/{incident.pk}/"
    assert message.severity == "urgent"
    assert delivered(listed_server, "/officer") == [key]
    assert delivered(listed_server, "/unit") == [key]
    assert delivered(listed_server, "/duty") == []  # he took the call


def test_a_written_report_received_tells_the_officer_which_follow_up_is_next(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    report = written(office, incident, ReportKind.INITIAL, "10:20")
    key = f"report:{report.pk}:due"
    assert inbox(key) == {"officer_a"}  # the head signed it off: he knows
    message = note(key, "officer_a")
    assert message.title == f"【待报送】《{FIRE}》：续报一应于 {DAY} 17:00 前报送"
    assert message.body.splitlines() == [
        f"办公室已于 {DAY} 10:20 收到甲区委办公室书面报送的首报。",
        f"续报一：应于 {DAY} 17:00 前报送。",
    ]
    assert message.severity == "warning"


def test_a_follow_up_received_names_the_next_one(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    written(office, incident, ReportKind.INITIAL, "10:20")
    first = written(office, incident, ReportKind.FOLLOWUP, "16:00")
    tomorrow = f"{TODAY + timedelta(days=1):%m-%d}"
    message = note(f"report:{first.pk}:due", "officer_a")
    assert message.title == f"【待报送】《{FIRE}》：续报二应于 {tomorrow} 08:00 前报送"


def test_the_final_report_tells_the_unit_nothing_more_is_due(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    written(office, incident, ReportKind.INITIAL, "10:20")
    final = written(office, incident, ReportKind.FINAL, "16:00")
    message = note(f"report:{final.pk}:due", "officer_a")
    assert message.title == f"【已收到】《{FIRE}》终报"
    assert message.body.splitlines()[-1] == "目前没有待报送的报告。"
    assert message.severity == "info"


def test_a_unit_named_in_an_incident_the_office_opened_is_told_what_it_owes(
    office, unit_b, officer_b, head_b
):
    incident = open_by_phone(
        office["duty"],
        office["officer_a"].unit,
        shanghai(TODAY, "10:00"),
        units=[office["officer_a"].unit, unit_b],
    )
    key = f"incident:{incident.pk}:unit:{unit_b.pk}:due"
    assert inbox(key) == {"officer_b", "head_b"}
    message = note(key, "officer_b")
    assert message.title == f"【待报送】《{FIRE}》：电话报告应于 {DAY} 10:15 前报送"
    assert message.body.splitlines()[1:] == [
        f"电话报告：应于 {DAY} 10:15 前报送。",
        f"书面首报：应于 {DAY} 10:35 前报送。",
    ]
    # Unit A phoned: it hears of its own report, not of being named.
    assert not Notification.objects.filter(
        key=f"incident:{incident.pk}:unit:{office['officer_a'].unit_id}:due"
    ).exists()


def test_an_overdue_written_report_reaches_the_units_own_channel(
    office,
    listed_server,  # noqa: F811
):
    make_channel(office["officer_a"].unit, ChannelKind.WEBHOOK, listed_server.url("/unit"))
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    run_until_idle(shanghai(TODAY, "10:36"))
    breach = DeadlineFlip.objects.get(
        expected=row(incident, ExpectKind.WRITTEN), kind=FlipKind.BREACH
    )
    assert {"officer_a", "head_a"} <= inbox(f"flip:{breach.pk}")
    assert f"flip:{breach.pk}" in delivered(listed_server, "/unit")
    titles = [r.json["title"] for r in listed_server.to("/unit")]
    assert f"【超时】甲区委办公室：书面首报已超过 {DAY} 10:35 的报送时限" in titles


def test_a_person_who_left_the_unit_is_not_told(office):
    gone = make_user(Role.OFFICER, office["officer_a"].unit, username="gone", is_active=False)
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    [report] = incident.reports.all()
    assert gone.username not in inbox(f"report:{report.pk}:due")


def test_a_written_report_awaiting_sign_off_tells_the_unit_nothing_yet(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "10:00"))
    report = actions.do_add_report(
        office["officer_a"],
        incident.pk,
        ReportKind.INITIAL,
        content(),
        now=shanghai(TODAY, "10:20"),
    )
    assert not Notification.objects.filter(key=f"report:{report.pk}:due").exists()
    sign_off(office["head_a"], report, shanghai(TODAY, "10:25"))
    assert inbox(f"report:{report.pk}:due") == {"officer_a"}
