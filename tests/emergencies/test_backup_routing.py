"""A unit's reminders while its main officer is on leave (请假): backup A gets them instead, at
a pinned instant, and the main officer gets them again once the leave is over."""

import pytest

from deadlines import engine
from emergencies.models import DeadlineRule
from org.roles import Role
from roster import actions as roster
from roster.models import Post
from tests.clock import LAST_SATURDAY, LAST_SUNDAY, TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import last_flip, minutes, open_by_phone, row, told
from tests.factories import make_user

HALF = minutes(17.5)  # the first reminder of the grave fire's 35-minute written deadline


@pytest.fixture
def backed_up(office):
    """Unit A with a backup A (a second officer of the unit), the main officer on leave on the
    Sunday before the pin. The section's own duties upward take no steps here."""
    DeadlineRule.objects.update(section_phone_minutes=None, forward_minutes=None)
    unit = office["officer_a"].unit
    deputy = make_user(Role.OFFICER, unit, username="deputy_a")
    roster.appoint(office["chief"], unit, Post.A, deputy)
    roster.mark_leave(office["chief"], office["officer_a"], LAST_SATURDAY, LAST_SUNDAY, "年假")
    return office


def reminder_told(office, at) -> set[str]:
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at)
    assert engine.run_pass(at + HALF) == 1
    flip = last_flip(row(incident))
    assert flip.kind == "reminder"
    return told(flip)


def test_during_the_leave_the_reminder_reaches_the_backup_not_the_main_officer(backed_up):
    assert reminder_told(backed_up, shanghai(LAST_SUNDAY, "02:00")) == {"deputy_a", "head_a"}


def test_after_the_leave_the_main_officer_is_reminded_again(backed_up):
    assert reminder_told(backed_up, shanghai(TODAY, "02:00")) == {"officer_a", "head_a"}


def test_a_cancelled_leave_hands_nothing_over(backed_up):
    from roster.models import Leave

    roster.cancel_leave(backed_up["chief"], Leave.objects.get())
    assert reminder_told(backed_up, shanghai(LAST_SUNDAY, "02:00")) == {"officer_a", "head_a"}


def contact_line(office, at) -> str:
    """The reminder's last line: whom the duty office rings to chase the report."""
    from notify.models import Notification

    incident = open_by_phone(office["duty"], office["officer_a"].unit, at)
    assert engine.run_pass(at + HALF) == 1
    flip = last_flip(row(incident))
    sent = Notification.objects.filter(key=f"flip:{flip.pk}").first()
    assert sent is not None, "the reminder was not sent"
    return sent.body.splitlines()[-1]


@pytest.fixture
def phones(backed_up):
    from org.models import User

    User.objects.filter(username="officer_a").update(phone="13900000001", full_name="主信息员")
    User.objects.filter(username="deputy_a").update(phone="13900000002", full_name="A角")
    return backed_up


def test_during_the_leave_the_reminder_names_the_backup_as_contact(phones):
    line = contact_line(phones, shanghai(LAST_SUNDAY, "02:00"))
    assert "A角 13900000002" in line and "13900000001" not in line


def test_after_the_leave_the_contact_is_the_main_officer_again(phones):
    line = contact_line(phones, shanghai(TODAY, "02:00"))
    assert "主信息员 13900000001" in line and "13900000002" not in line
