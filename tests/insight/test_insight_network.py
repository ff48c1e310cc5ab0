"""Silent units are one rule: the network page (org) and the 全广新准 report (insight) mark the
same units silent, by the same reports and the policy's `silent_days`, also once it is edited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from insight import actions
from insight.models import InsightPolicy
from insight.report import build, month_of
from org.network import reporting_units_status
from tests.insight.insight_helpers import FLOOD_CHECK, WELFARE_VISITS, incident, item

pytestmark = pytest.mark.django_db


def _silent_on_both_pages() -> tuple[set[str], set[str]]:
    network = {s.unit.code for s in reporting_units_status().units if s.silent}
    policy = InsightPolicy.current()
    report = build(month_of(timezone.localdate()), policy.silent_days)
    return network, {r.unit.code for r in report.silent}


@pytest.fixture
def quiet_a_busy_b(officer_a, head_a, officer_b, unit_b):
    """Unit A last reported 40 days ago, unit B 20 days ago."""
    now = timezone.now()
    item(officer_a, FLOOD_CHECK, now - timedelta(days=40), head=head_a)
    item(officer_b, WELFARE_VISITS, now - timedelta(days=20))


def test_both_pages_follow_the_seeded_policy(quiet_a_busy_b):
    assert _silent_on_both_pages() == ({"unit-a"}, {"unit-a"})


def test_both_pages_follow_the_edited_policy(quiet_a_busy_b, chief, client_of):
    values = {k: getattr(InsightPolicy.current(), k) for k in actions.POLICY_FIELDS}
    actions.do_update_policy(chief, {**values, "silent_days": 45})
    assert _silent_on_both_pages() == (set(), set())
    actions.do_update_policy(chief, {**values, "silent_days": 10})
    assert _silent_on_both_pages() == ({"unit-a", "unit-b"}, {"unit-a", "unit-b"})
    response = client_of(chief).get("/org/units/")
    assert response.context["silence_days"] == 10
    assert response.content.decode().count('class="hole"') == 2


def test_an_incident_report_keeps_a_unit_from_being_silent_on_both(
    quiet_a_busy_b, duty_officer, unit_a
):
    now = timezone.now()
    incident(duty_officer, unit_a, now - timedelta(days=3), now - timedelta(days=3))
    assert _silent_on_both_pages() == (set(), set())
