"""The editorial loop's deadline rules, without a database: the expected answers are written
out as tables, minutes before (-) or after (+) the deadline."""

from datetime import timedelta

import pytest

from bulletins.rules import AnswerStatus, answer_status, urgency
from tests.clock import TODAY, local

DUE = local(TODAY, "17:30")
NO_ANSWER = None

# (answered, cancelled, now) → status; `answered` and `now` in minutes from the deadline.
STATUSES = [
    (-60, False, +600, AnswerStatus.ON_TIME),
    (0, False, +600, AnswerStatus.ON_TIME),  # on the minute is in time
    (+1, False, +600, AnswerStatus.LATE),
    (+1, True, +600, AnswerStatus.LATE),  # an answer that came stays on record
    (NO_ANSWER, True, -60, AnswerStatus.CANCELLED),
    (NO_ANSWER, True, +60, AnswerStatus.CANCELLED),
    (NO_ANSWER, False, -1, AnswerStatus.PENDING),
    (NO_ANSWER, False, 0, AnswerStatus.PENDING),  # missed only once the deadline has passed
    (NO_ANSWER, False, +1, AnswerStatus.MISSED),
]


@pytest.mark.parametrize(("answered", "cancelled", "now", "expected"), STATUSES)
def test_answer_status(answered, cancelled, now, expected):
    at = None if answered is None else DUE + timedelta(minutes=answered)
    assert answer_status(at, DUE, DUE + timedelta(minutes=now), cancelled) == expected


# Minutes left until the deadline → the row's colour; "soon" is the last 24 hours.
URGENCIES = [
    (-600, "overdue"),
    (0, "overdue"),
    (1, "soon"),
    (24 * 60, "soon"),
    (24 * 60 + 1, "ok"),
    (7 * 24 * 60, "ok"),
]


@pytest.mark.parametrize(("minutes_left", "expected"), URGENCIES)
def test_urgency(minutes_left, expected):
    assert urgency(DUE, DUE - timedelta(minutes=minutes_left)) == expected
