"""The network health page: one row per reporting unit with its officer, backup, last
submission, adoptions, on-time share of emergency reports, training and turnover; sortable,
exported to .xlsx (audited), with the network's coverage month by month."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from deadlines.models import ExpectedReport, ExpectStatus
from insight import health
from org.models import Unit
from org.roles import Role
from roster import actions as roster
from roster.models import Post
from submissions.models import ItemState
from tests.clock import PINNED, TODAY
from tests.factories import make_item, make_user


@pytest.fixture
def network(chief, editor, officer_a, head_a, officer_b, unit_a, unit_b):
    """Unit A: trained officer, backup A, one adopted item, 2 of 3 emergency reports on time.
    Unit B: its officer changed twice in the last twelve months and vacant now."""
    roster.appoint(chief, unit_a, Post.A, head_a)
    roster.record_training(chief, TODAY - timedelta(days=30), "信息写作", "信息科", [officer_a])
    make_item(officer_a, ItemState.ADOPTED, head=head_a, editor=editor)
    due = timezone.now() - timedelta(days=3)
    kind = ContentType.objects.get_for_model(Unit)
    for met in (due - timedelta(minutes=5), due, due + timedelta(minutes=1)):
        ExpectedReport.objects.create(
            subject_type=kind,
            subject_id=unit_a.pk,
            unit=unit_a,
            kind="written",
            window_start=due - timedelta(hours=1),
            due_at=due,
            status=ExpectStatus.MET,
            met_at=met,
        )
    second = make_user(Role.OFFICER, unit_b, full_name="王二")
    roster.appoint(chief, unit_b, Post.MAIN, second)
    roster.appoint(chief, unit_b, Post.MAIN, None)
    return {"a": unit_a, "b": unit_b, "officer_a": officer_a, "backup_a": head_a}


def rows_by_code(built):
    return {r.unit.code: r for r in built.rows}


def test_one_row_per_unit_with_what_the_chief_needs(network):
    rows = rows_by_code(health.build())
    a, b = rows["unit-a"], rows["unit-b"]
    assert (a.officer, a.backup) == (network["officer_a"], network["backup_a"])
    assert (b.officer, b.backup) == (None, None)
    assert a.last_submission is not None and b.last_submission is None
    assert (a.adoptions, b.adoptions) == (1, 0)
    assert (a.reports_on_time, a.reports_due, b.on_time) == (2, 3, None)
    # trained counts the current officers, main and backups: A's backup never was
    assert (a.trained, len(a.team), a.untrained) == (1, 2, [network["backup_a"]])
    assert (b.trained, b.team) == (0, [])
    assert (a.changes, b.changes) == (0, 2)
    assert not b.unstable  # 2 is not more than the seeded threshold of 2


def test_the_threshold_decides_who_is_flagged(network, chief):
    roster.set_policy(chief, 1)
    assert rows_by_code(health.build())["unit-b"].unstable


def test_coverage_counts_named_officers_and_submissions_month_by_month(network):
    months = health.build().months
    assert [m.start.month for m in months] == list(range(1, PINNED.month + 1))
    # both units had an officer at every month's end, until unit B's post fell vacant now
    assert [m.with_officer for m in months] == [2] * (PINNED.month - 1) + [1]
    assert [m.submitted for m in months] == [0] * (PINNED.month - 1) + [1]


def order(page: str) -> list[str]:
    return re.findall(r'data-unit="([^"]+)"', page)


def test_the_page_sorts_by_any_column(client_of, chief, network):
    client = client_of(chief)
    url = reverse("insight:network")
    assert order(client.get(url, {"sort": "-changes"}).content.decode()) == ["unit-b", "unit-a"]
    assert order(client.get(url, {"sort": "changes"}).content.decode()) == ["unit-a", "unit-b"]
    assert order(client.get(url, {"sort": "-adoptions"}).content.decode())[0] == "unit-a"
    page = client.get(url, {"sort": "nonsense"})
    assert page.status_code == 200 and "chart-coverage" in page.content.decode()


def test_the_export_holds_the_rows_and_is_audited(client_of, chief, network):
    response = client_of(chief).get(reverse("insight:network_xlsx"), {"sort": "-changes"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "单位"
    assert [v[0] for v in values[1:]] == ["乙县委办公室", "甲区委办公室"]
    assert values[2][6] == pytest.approx(2 / 3)
    entry = AuditEntry.objects.filter(action="network_health_exported").get()
    assert entry.data["rows"] == 2 and entry.actor == chief


def test_the_network_page_links_each_unit_to_its_roster(client_of, chief, network):
    page = client_of(chief).get(reverse("org:units")).content.decode()
    assert reverse("roster:unit", args=[network["a"].pk]) in page
    assert reverse("insight:network") in page
