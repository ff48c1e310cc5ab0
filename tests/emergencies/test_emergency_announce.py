"""Reports are announced the moment they arrive: the unit head is asked to sign off, and a
received report goes to the desk that is on (the section in office hours, the duty officer
outside them)."""

from notify.models import Notification
from tests.clock import LAST_SATURDAY, LAST_SUNDAY, TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import (
    open_by_phone,
    open_in_writing,
    shift,
    sign_off,
)


def inbox(key: str) -> set[str]:
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def test_a_written_report_asks_the_unit_head_to_sign_it_off(office):
    report = open_in_writing(office["officer_a"], shanghai(TODAY, "10:00"))
    assert inbox(f"report:{report.pk}:signoff") == {office["head_a"].username}
    assert not Notification.objects.filter(key=f"report:{report.pk}:received").exists()


def test_a_report_signed_off_in_office_hours_reaches_the_section(office):
    report = open_in_writing(office["officer_a"], shanghai(TODAY, "10:00"))
    sign_off(office["head_a"], report, shanghai(TODAY, "10:05"))
    assert inbox(f"report:{report.pk}:received") == {
        office["editor"].username,
        office["chief"].username,
    }


def test_a_report_signed_off_at_night_reaches_the_person_on_duty_only(office):
    shift(office["duty"], shanghai(LAST_SATURDAY, "18:00"), shanghai(LAST_SUNDAY, "08:30"))
    report = open_in_writing(office["officer_a"], shanghai(LAST_SUNDAY, "02:00"))
    sign_off(office["head_a"], report, shanghai(LAST_SUNDAY, "02:10"))
    assert inbox(f"report:{report.pk}:received") == {office["duty"].username}


def test_a_phone_report_is_not_announced_back_to_the_duty_officer_who_took_it(office):
    shift(office["duty"], shanghai(LAST_SATURDAY, "18:00"), shanghai(LAST_SUNDAY, "08:30"))
    incident = open_by_phone(
        office["duty"], office["officer_a"].unit, shanghai(LAST_SUNDAY, "02:00")
    )
    [report] = incident.reports.all()
    assert not Notification.objects.filter(key=f"report:{report.pk}:received").exists()
