"""The suite's one clock (tests/conftest.py): everything in the test process reads the pinned
instant, including what captured the real clock function before the pin was set."""

import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from notify.models import Channel, ChannelKind
from tests.clock import PINNED, TODAY

# Every way the process can read the time, each within the test's first minutes after the pin.
SOON = timedelta(minutes=10)


def test_every_clock_in_the_process_reads_the_pin() -> None:
    for moment in (
        timezone.now(),
        datetime.now(tz=PINNED.tzinfo),
        datetime.fromtimestamp(time.time(), tz=PINNED.tzinfo),
    ):
        assert PINNED <= moment < PINNED + SOON
    assert timezone.localdate() == date.today() == TODAY


@pytest.mark.django_db
def test_a_field_defaulting_to_timezone_now_reads_the_pin(unit_a) -> None:
    """`default=timezone.now` holds the function itself, taken at import, before any pin."""
    channel = Channel.objects.create(
        unit=unit_a, kind=ChannelKind.EMAIL, label="值班邮箱", target="duty@example.gov.cn"
    )
    assert PINNED <= channel.created_at < PINNED + SOON


def test_the_clock_ticks() -> None:
    first = timezone.now()
    time.sleep(0.01)
    assert timezone.now() > first


def test_tests_travel_by_default() -> None:
    assert time_machine.escape_hatch.is_travelling()


@pytest.mark.wallclock
def test_the_wallclock_marker_gives_the_real_clock() -> None:
    assert not time_machine.escape_hatch.is_travelling()
