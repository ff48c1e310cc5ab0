"""The locked counter every sequence number is taken from: one more each time, per key, and a
number taken in a transaction that rolls back is given back."""

import pytest
from django.db import transaction

from accountability.models import NoticeCounter
from xinbao.core.counters import take_next

pytestmark = pytest.mark.django_db


def test_it_counts_from_one():
    assert [take_next(NoticeCounter, "last", year=2000) for _ in range(3)] == [1, 2, 3]


def test_each_key_has_its_own_count():
    take_next(NoticeCounter, "last", year=2000)
    assert take_next(NoticeCounter, "last", year=2001) == 1
    assert NoticeCounter.objects.get(year=2000).last == 1


def test_a_rolled_back_number_is_given_back():
    take_next(NoticeCounter, "last", year=2000)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert take_next(NoticeCounter, "last", year=2000) == 2
        raise RuntimeError
    assert take_next(NoticeCounter, "last", year=2000) == 2
