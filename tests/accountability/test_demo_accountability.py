"""The demo city's accountability data: every state of due process, one city and one provincial
notice, exactly one unit disqualified this year and one pending violation with an explanation.
Loading it again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accountability.models import CriticismNotice, Issuer, Violation, ViolationStatus
from accountability.queries import disqualified_unit_ids
from org.models import Unit, User
from xinbao.core.demo_accountability import load_accountability

pytestmark = pytest.mark.django_db


def test_the_demo_shows_due_process_notices_and_one_disqualified_unit():
    call_command("seed_demo", stdout=StringIO())
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    load_accountability(units, users, timezone.now())  # a no-op once load_demo calls it

    statuses = set(Violation.objects.values_list("status", flat=True))
    assert statuses == set(ViolationStatus.values)
    assert disqualified_unit_ids(timezone.localdate().year) == {units["jc-yjj"].pk}
    waiting = Violation.objects.get(status=ViolationStatus.PENDING)
    assert waiting.unit == units["jc-qsx"] and waiting.explanations.exists()
    issuers = sorted(CriticismNotice.objects.values_list("issuer", "doc_number"))
    assert [i for i, _ in issuers] == [Issuer.CITY, Issuer.PROVINCE]
    assert issuers[0][1].startswith("江委办通〔")

    count = Violation.objects.count()
    assert load_accountability(units, users, timezone.now()) == "already loaded"
    assert Violation.objects.count() == count
