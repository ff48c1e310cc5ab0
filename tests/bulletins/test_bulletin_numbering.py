"""Issue numbers per publication and year: consecutive, never skipped, never repeated — also
when two editors publish at the same moment (PostgreSQL) and when a publish fails."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from bulletins import actions
from bulletins.models import Adoption, Issue, IssueCounter, IssueState
from submissions.models import ItemState
from tests.bulletins.bulletin_helpers import published, signed_off
from tests.clock import NEXT_YEAR, YEAR, days_before
from tests.factories import make_item, make_publication

DAY = days_before(4)  # a recent working day


def fresh_items(officer, head, n: int, prefix: str = "信息"):
    return [
        make_item(officer, ItemState.SUBMITTED, head=head, title=f"{prefix}{k}") for k in range(n)
    ]


@pytest.mark.django_db
def test_it_numbers_issues_one_two_three(editor, chief, daily, officer_a, head_a):
    numbers = [
        published(editor, chief, daily, [item], DAY).number
        for item in fresh_items(officer_a, head_a, 3)
    ]
    assert numbers == [1, 2, 3]


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(editor, chief, daily, officer_a, head_a):
    a, b, c = fresh_items(officer_a, head_a, 3)
    published(editor, chief, daily, [a], date(YEAR, 12, 31))
    published(editor, chief, daily, [b], date(YEAR, 12, 31))
    first_of_next_year = published(editor, chief, daily, [c], date(NEXT_YEAR, 1, 4))
    assert (first_of_next_year.year, first_of_next_year.number) == (NEXT_YEAR, 1)


@pytest.mark.django_db
def test_each_publication_counts_on_its_own(editor, chief, daily, officer_a, head_a):
    special = make_publication(code="zb", name="信息专报", compiled_here=True)
    a, b = fresh_items(officer_a, head_a, 2)
    published(editor, chief, daily, [a], DAY)
    assert published(editor, chief, special, [b], DAY).number == 1


@pytest.mark.django_db
def test_the_number_is_given_when_publishing_not_before(editor, chief, daily, officer_a, head_a):
    issue = signed_off(editor, chief, daily, fresh_items(officer_a, head_a, 1), DAY)
    assert issue.number is None
    assert not IssueCounter.objects.exists()


@pytest.mark.django_db
def test_a_failed_publish_neither_uses_up_nor_repeats_a_number(
    editor, chief, daily, officer_a, head_a
):
    a, b, c = fresh_items(officer_a, head_a, 3)
    stuck = signed_off(editor, chief, daily, [a], DAY)
    # Meanwhile 《每日要情》 is recorded as having used item a already (by a path other than
    # the action, which refuses it while an issue of the publication holds the item).
    Adoption.objects.create(
        item=a, publication=daily, level=daily.level, adopted_on=DAY, recorded_by=editor
    )
    with pytest.raises(actions.ActionError):
        actions.do_publish(editor, stuck.pk)
    stuck.refresh_from_db()
    assert (stuck.state, stuck.number) == (IssueState.SIGNED_OFF, None)
    assert published(editor, chief, daily, [b], DAY).number == 1
    assert published(editor, chief, daily, [c], DAY).number == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_get_consecutive_numbers(
    editor, chief, daily, officer_a, head_a
):
    first, a, b = fresh_items(officer_a, head_a, 3)
    # The year's counter exists already: the race is on its row, not on creating it.
    published(editor, chief, daily, [first], DAY)
    issues = [signed_off(editor, chief, daily, [item], DAY) for item in (a, b)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish(issue_id: int) -> None:
        try:
            start.wait()
            actions.do_publish(editor, issue_id)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(i.pk,)) for i in issues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    numbers = Issue.objects.filter(pk__in=[i.pk for i in issues]).values_list("number", flat=True)
    assert sorted(numbers) == [2, 3]
    assert IssueCounter.objects.get(publication=daily, year=YEAR).last_number == 3
