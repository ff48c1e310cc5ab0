"""Numbers and times no column or calendar can hold get a Chinese message on the emergency
forms, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from emergencies.models import DeadlineRule, Incident, IncidentReport
from tests.emergencies.test_emergency_views import NEW, phone_form, table_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"deaths": "100000000000000000000"}, "2147483647"),
        ({"deaths": "3000000000"}, "2147483647"),  # fits SQLite, not a PostgreSQL integer
        ({"missing": "-1"}, "大于或等于0"),
        ({"direct_loss": "1" + "0" * 20}, "12"),
        ({"occurred_at": "0001-01-01T00:00"}, "请输入 1949-10-01 至"),
        ({"occurred_at": "1900-01-01T00:00"}, "请输入 1949-10-01 至"),
        ({"called_at": "0001-01-01T00:00"}, "请输入 1949-10-01 至"),
        ({"known_at": "9999-12-31T23:59"}, "请输入 1949-10-01 至"),
    ],
    ids=["1e20", "3e9", "negative", "huge-loss", "year-1", "1900", "call-year-1", "year-9999"],
)
def test_the_first_report_refuses_what_no_column_holds(
    client_of, duty_officer, officer_a, bad, message
):
    response = client_of(duty_officer).post(NEW, phone_form(officer_a.unit, **bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Incident.objects.exists()
    assert not IncidentReport.objects.exists()


def test_the_model_holds_the_same_bounds_as_the_form(officer_a):
    """Admin and any other form share the model's validators."""
    report = IncidentReport(deaths=3_000_000_000)
    with pytest.raises(ValidationError) as refused:
        report.full_clean(
            exclude=[f.name for f in IncidentReport._meta.fields if f.name != "deaths"]
        )
    assert "deaths" in refused.value.message_dict
    incident = Incident(occurred_at=timezone.now().replace(year=1900))
    with pytest.raises(ValidationError) as too_old:
        incident.full_clean(
            exclude=[f.name for f in Incident._meta.fields if f.name != "occurred_at"]
        )
    assert "occurred_at" in too_old.value.message_dict


@pytest.mark.parametrize(
    "bad",
    [
        {"accident-4-escalation": [("①", "chief")]},
        {"accident-4-escalation": [("99999999999999999999", "chief")]},
        {"accident-4-forward_minutes": "2000000000"},  # would overflow the deadline's datetime
        {"accident-4-followup_hours": "100000"},
    ],
    ids=["circled-digit", "huge-escalation", "huge-forward", "huge-followup"],
)
def test_the_deadline_table_refuses_what_no_deadline_can_be(client_of, chief, bad):
    response = client_of(chief).post("/emergencies/policy/", table_form(**bad))
    assert response.status_code == 200
    rule = DeadlineRule.objects.get(category="accident", level="4")
    assert rule.forward_minutes != 2000000000 and rule.followup_hours != 100000
    assert all(step["after"] < 10**6 for step in rule.escalation)
    assert not AuditEntry.objects.filter(action="deadline_rule_changed").exists()
