"""`bulletins.rules.adoption_refusal` as a table: which adoption may be recorded, and why not.
No database: the rule is a function of the request and what is known of the item."""

from datetime import date

import pytest

from bulletins.rules import (
    LEVEL_ORDER,
    AdoptionRefusal,
    AdoptionRequest,
    adoption_refusal,
    is_upper,
    level_rank,
    offered_levels,
)

TODAY = date(2026, 5, 20)
FORWARDED = date(2026, 5, 12)
R = AdoptionRefusal

# (case, level, adopted_on, forwarded_on, issue number, issue date, by hand, in a pending issue,
#  expected)
CASES = [
    ("city, never forwarded", "city", TODAY, None, "", None, True, False, None),
    ("city, forwarded", "city", TODAY, FORWARDED, "", None, True, False, None),
    (
        "city, with an upper issue",
        "city",
        TODAY,
        None,
        "第3期",
        TODAY,
        True,
        False,
        R.UPPER_ISSUE_ON_CITY,
    ),
    (
        "city, an upper issue date alone",
        "city",
        TODAY,
        None,
        "",
        TODAY,
        True,
        False,
        R.UPPER_ISSUE_ON_CITY,
    ),
    (
        "city, by hand, an issue of it being compiled holds it",
        "city",
        TODAY,
        None,
        "",
        None,
        True,
        True,
        R.IN_PENDING_ISSUE,
    ),
    ("city, from publishing that issue", "city", TODAY, None, "", None, False, True, None),
    (
        "city, by hand, tomorrow",
        "city",
        date(2026, 5, 21),
        None,
        "",
        None,
        True,
        False,
        R.IN_FUTURE,
    ),
    (
        "city, issue published the evening before its date",
        "city",
        date(2026, 5, 21),
        None,
        "",
        None,
        False,
        False,
        None,
    ),
    (
        "province, never forwarded",
        "province",
        TODAY,
        None,
        "第3期",
        TODAY,
        True,
        False,
        R.NOT_FORWARDED,
    ),
    (
        "central, never forwarded",
        "central",
        TODAY,
        None,
        "第3期",
        TODAY,
        True,
        False,
        R.NOT_FORWARDED,
    ),
    (
        "province, never forwarded, no issue",
        "province",
        TODAY,
        None,
        "",
        None,
        True,
        False,
        R.NOT_FORWARDED,
    ),
    (
        "province, forwarded, with its issue",
        "province",
        TODAY,
        FORWARDED,
        "第3期",
        TODAY,
        True,
        False,
        None,
    ),
    (
        "central, forwarded, with its issue",
        "central",
        TODAY,
        FORWARDED,
        "第3期",
        FORWARDED,
        True,
        False,
        None,
    ),
    (
        "province, forwarded, no issue",
        "province",
        TODAY,
        FORWARDED,
        "",
        None,
        True,
        False,
        R.NO_UPPER_ISSUE,
    ),
    (
        "province, forwarded, a number but no date",
        "province",
        TODAY,
        FORWARDED,
        "第3期",
        None,
        True,
        False,
        R.NO_UPPER_ISSUE,
    ),
    (
        "province, forwarded, a date but a blank number",
        "province",
        TODAY,
        FORWARDED,
        "  ",
        TODAY,
        True,
        False,
        R.NO_UPPER_ISSUE,
    ),
    (
        "province, adopted before it went up",
        "province",
        date(2026, 5, 11),
        FORWARDED,
        "第3期",
        date(2026, 5, 11),
        True,
        False,
        R.BEFORE_FORWARDED,
    ),
    (
        "province, its issue before it went up",
        "province",
        TODAY,
        FORWARDED,
        "第3期",
        date(2026, 5, 1),
        True,
        False,
        R.BEFORE_FORWARDED,
    ),
    (
        "province, its issue dated tomorrow",
        "province",
        TODAY,
        FORWARDED,
        "第3期",
        date(2026, 5, 21),
        True,
        False,
        R.IN_FUTURE,
    ),
]


@pytest.mark.parametrize(
    "level, adopted_on, forwarded_on, number, issue_on, by_hand, pending, expected",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_adoption_refusal(
    level, adopted_on, forwarded_on, number, issue_on, by_hand, pending, expected
):
    request = AdoptionRequest(
        level=level,
        adopted_on=adopted_on,
        today=TODAY,
        forwarded_on=forwarded_on,
        upper_issue_number=number,
        upper_issue_date=issue_on,
        by_hand=by_hand,
        in_pending_issue=pending,
    )
    assert adoption_refusal(request) == expected


def test_the_city_comes_first_then_the_province_then_the_centre():
    assert sorted(["central", "city", "province"], key=level_rank) == [
        "city",
        "province",
        "central",
    ]
    assert [is_upper(level) for level in LEVEL_ORDER] == [False, True, True]


def test_an_unforwarded_item_is_offered_the_citys_publications_only():
    assert offered_levels(forwarded=False) == ("city",)
    assert offered_levels(forwarded=True) == ("city", "province", "central")
