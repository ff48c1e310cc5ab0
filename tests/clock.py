"""The one instant the test suite runs at, and helpers to name days relative to it.

Every test runs on a clock pinned to `PINNED` (see the autouse fixture in conftest.py) that then
ticks at real speed, so sleeps, leases and timeouts behave. A test that needs the real clock is
marked `@pytest.mark.wallclock`. No test names a year: derive it from `PINNED`.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# An ordinary working-day morning (a Tuesday, no holiday near) in a year the seeded official
# calendar knows, after the fixed moments the older tests build their data around, and more
# than 30 days before the year ends (from then on every page warns that next year's official
# calendar is missing).
PINNED = datetime(2026, 12, 1, 11, 0, tzinfo=SHANGHAI)
TODAY: date = PINNED.date()
YEAR: int = PINNED.year


def local(day: date, clock: str = "00:00") -> datetime:
    """`clock` (HH:MM) on `day`, Asia/Shanghai."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


def next_weekday(day: date, weekday: int) -> date:
    """The first day on or after `day` whose weekday() is `weekday` (Monday is 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
