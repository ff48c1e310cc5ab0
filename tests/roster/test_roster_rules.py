"""The roster's rules as pure functions, against answers written out by hand."""

from datetime import datetime, timedelta
from decimal import Decimal

from roster import rules
from tests.clock import SHANGHAI, TODAY, YEAR

MAIN, A, B, HEAD, OTHER = 1, 2, 3, 4, 5


def test_at_work_the_main_officer_and_the_head_are_reminded_not_the_backups():
    assert rules.reminder_people([MAIN, A, HEAD], MAIN, [A, B], frozenset()) == [MAIN, HEAD]


def test_on_leave_the_main_officer_hands_the_reminders_to_backup_a():
    assert rules.reminder_people([MAIN, A, HEAD], MAIN, [A, B], frozenset({MAIN})) == [A, HEAD]


def test_with_a_away_too_backup_b_steps_in():
    away = frozenset({MAIN, A})
    assert rules.reminder_people([MAIN, A, HEAD], MAIN, [A, B], away) == [HEAD, B]


def test_a_backup_who_signs_off_is_reminded_as_ever():
    signers = frozenset({A})
    assert rules.reminder_people([MAIN, A], MAIN, [A], frozenset(), signers) == [MAIN, A]


def test_when_everyone_is_away_the_staff_still_hear():
    assert rules.reminder_people([MAIN], MAIN, [], frozenset({MAIN})) == [MAIN]


def test_an_others_leave_does_not_hand_anything_over():
    assert rules.reminder_people([MAIN, OTHER], MAIN, [A], frozenset({OTHER})) == [MAIN]


def test_leave_days_include_both_ends():
    leave = [(TODAY, TODAY + timedelta(days=2))]
    assert rules.on_leave(TODAY, leave)
    assert rules.on_leave(TODAY + timedelta(days=2), leave)
    assert not rules.on_leave(TODAY + timedelta(days=3), leave)


def moment(month: int, day: int = 1) -> datetime:
    return datetime(YEAR, month, day, 10, tzinfo=SHANGHAI)


def test_changes_count_the_main_appointments_ended_in_the_last_twelve_months():
    now = moment(1, 2)  # early in January: last autumn's changes still count
    start = rules.turnover_window_start(now)
    assert start == now - timedelta(days=365)
    ends = [
        datetime(YEAR - 1, 10, 1, tzinfo=SHANGHAI),
        datetime(YEAR - 1, 12, 30, tzinfo=SHANGHAI),
        now,  # ended this very moment: counts
        now - timedelta(days=366),  # over a year ago: not any more
        now + timedelta(minutes=1),  # not yet
        None,
    ]
    assert rules.changes_between(ends, start, now) == 3


def test_a_unit_is_unstable_only_above_the_threshold():
    assert not rules.unstable(2, 2)
    assert rules.unstable(3, 2)


def test_a_period_runs_from_its_start_up_to_its_end():
    assert rules.within(moment(3), moment(3), moment(5))
    assert not rules.within(moment(5), moment(3), moment(5))
    assert rules.within(moment(5), None, None)
    assert not rules.within(None, None, None)


def test_a_month_is_covered_when_a_period_holds_its_last_moment():
    periods = [(None, moment(3, 15)), (moment(5, 2), None)]
    ends = {m: moment(m, 28) for m in (2, 3, 4, 5)}
    assert [rules.month_coverage(periods, ends[m]) for m in (2, 3, 4, 5)] == [
        True,
        False,
        False,
        True,
    ]


def test_a_share_of_nothing_is_unknown():
    assert rules.share(1, 4) == 0.25
    assert rules.share(0, 0) is None


def test_who_held_the_post_at_a_moment_a_recorded_holder_before_one_named_before_the_roster():
    t = datetime(YEAR, 3, 1, 9, tzinfo=SHANGHAI)
    periods = [(A, t, t + timedelta(days=10)), (MAIN, None, None)]
    assert rules.holder_at(periods, t - timedelta(seconds=1)) == MAIN
    assert rules.holder_at(periods, t) == A
    assert rules.holder_at(periods, t + timedelta(days=10)) == MAIN
    assert rules.holder_at([(A, t, t + timedelta(days=10))], t + timedelta(days=10)) is None


def test_a_credit_held_as_main_officer_goes_only_to_the_main_posts_line():
    t = datetime(YEAR, 3, 1, 9, tzinfo=SHANGHAI)
    credits = [
        rules.Credit(A, t, Decimal("2.50"), main=True),
        rules.Credit(A, t, Decimal(4)),
        rules.Credit(None, t, Decimal(7)),
    ]
    assert rules.credited(credits, rules.Period(A, True, None, None)) == Decimal("6.50")
    assert rules.credited(credits, rules.Period(A, False, None, None)) == Decimal(4)
    assert rules.credited(credits, rules.Period(A, True, t + timedelta(seconds=1), None)) == 0
