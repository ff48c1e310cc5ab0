"""`manage.py search` takes a query as typed, a leading minus included, and refuses a document
type it does not know instead of answering nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_item


def search(*args: str) -> dict:
    out = StringIO()
    call_command("search", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_query_that_starts_with_a_minus_excludes(officer_a):
    fire = make_item(officer_a, title="城南火灾")
    flood = make_item(officer_a, title="城南防汛")
    assert search("-火灾") == {"total": 1, "ids": [f"item:{flood.pk}"]}
    assert search("城南", "-火灾") == {"total": 1, "ids": [f"item:{flood.pk}"]}
    assert search("-防汛", "--sort", "newest") == {"total": 1, "ids": [f"item:{fire.pk}"]}


def test_an_unknown_option_or_kind_is_an_error(officer_a):
    make_item(officer_a, title="城南火灾")
    with pytest.raises(CommandError, match="invalid choice: 'bogus'"):
        search("火灾", "--kind", "bogus")
    with pytest.raises(CommandError, match="unrecognized arguments: --bogus"):
        search("火灾", "--bogus")
    with pytest.raises(CommandError, match="required: query"):
        search()
    assert search("火灾", "--kind", "item")["total"] == 1
