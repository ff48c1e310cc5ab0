"""The 全广新准 report on a constructed March of the pinned year, each figure against a
hand-computed value.

Reporting units (7): district A and county B (the persona units), 市水利局 (last item in
February), 市信访局 with its joint unit 丁镇 (a township of 丙县), 丙县 itself, and 戊县 (never
reported). The section's own units do not report.

- A: item 1 (news, event 03-01, submitted 03-03 10:00, verified, edited, tag 电力, adopted 5 h
  later), item 2 (problem, event 03-10, submitted 03-10 09:00, disputed, adopted 24 h later),
  an older item in February; it phoned incident Y in (occurred 03-20 10:00, called 10:50).
- B: phoned incident X in (accident, occurred 03-15 08:00, called 08:30) and incident Z, the
  same fire, merged into X (called 09:00).
- 市信访局 + 丁镇: item 3 (news, no event date, submitted 03-20 15:00, tags 电力 and 信访).
- Violations: a confirmed false report on 03-12 counts; a pending one and a February one do not.
"""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accountability.models import Violation, ViolationKind, ViolationStatus
from emergencies.models import Category
from insight import actions
from insight.export import summary_rows
from insight.report import Period, build
from org.models import UnitKind, UnitLevel
from org.roles import Role
from submissions import actions as submissions
from submissions.models import ItemKind, Verification
from tests.clock import LAST_YEAR, YEAR
from tests.factories import make_unit, make_user
from tests.insight.insight_helpers import (
    FLOOD_CHECK,
    FLOOD_CHECK_AGAIN,
    WELFARE_VISITS,
    adopt,
    incident,
    item,
    local,
)

pytestmark = pytest.mark.django_db

MARCH = Period(date(YEAR, 3, 1), date(YEAR, 3, 31))
AFTER = local(f"{YEAR}-05-01 12:00")  # the report is read after the period: as of 04-01 00:00
# 市水利局's newest item is from 02-01 10:00: whole days from then to 04-01 00:00 (58 in a
# common year, 59 in a leap year), and to 03-25 12:00.
WATER_SILENT = (date(YEAR, 4, 1) - date(YEAR, 2, 1)).days - 1
WATER_SILENT_ON_25_MARCH = (date(YEAR, 3, 25) - date(YEAR, 2, 1)).days


@pytest.fixture
def march(officer_a, head_a, unit_a, unit_b, editor, duty_officer, city_daily):
    water = make_unit("市水利局", code="water")
    petitions = make_unit("市信访局", code="petitions")
    county_c = make_unit("丙县", code="county-c", kind=UnitKind.COUNTY, level=UnitLevel.COUNTY)
    town = make_unit(
        "丁镇", code="town", kind=UnitKind.TOWNSHIP, level=UnitLevel.TOWNSHIP, parent=county_c
    )
    make_unit("戊县", code="county-e", kind=UnitKind.COUNTY, level=UnitLevel.COUNTY)
    water_officer = make_user(Role.OFFICER, water)
    petitions_officer = make_user(Role.OFFICER, petitions)

    one = item(
        officer_a,
        FLOOD_CHECK,
        local(f"{YEAR}-03-03 10:00"),
        head=head_a,
        editor=editor,
        tags=["电力"],
        occurred_on=date(YEAR, 3, 1),
    )
    submissions.do_verify(editor, one.pk, Verification.VERIFIED, "")
    submissions.do_edit(editor, one.pk, FLOOD_CHECK[0], FLOOD_CHECK[1] + "（信息科核实）")
    adopt(editor, one, city_daily, local(f"{YEAR}-03-03 15:00"))
    two = item(
        officer_a,
        FLOOD_CHECK_AGAIN,
        local(f"{YEAR}-03-10 09:00"),
        head=head_a,
        editor=editor,
        kind=ItemKind.PROBLEM,
        occurred_on=date(YEAR, 3, 10),
    )
    submissions.do_verify(editor, two.pk, Verification.DISPUTED, "数字待核")
    adopt(editor, two, city_daily, local(f"{YEAR}-03-11 09:00"))
    item(officer_a, WELFARE_VISITS, local(f"{YEAR}-02-20 09:00"), head=head_a)
    item(water_officer, WELFARE_VISITS, local(f"{YEAR}-02-01 10:00"))
    item(
        petitions_officer,
        WELFARE_VISITS,
        local(f"{YEAR}-03-20 15:00"),
        tags=["电力", "信访"],
        joint_units=[town],
    )

    x = incident(duty_officer, unit_b, local(f"{YEAR}-03-15 08:00"), local(f"{YEAR}-03-15 08:30"))
    z = incident(duty_officer, unit_b, local(f"{YEAR}-03-15 08:00"), local(f"{YEAR}-03-15 09:00"))
    actions.do_merge_incidents(editor, z.pk, x.pk)
    incident(
        duty_officer,
        unit_a,
        local(f"{YEAR}-03-20 10:00"),
        local(f"{YEAR}-03-20 10:50"),
        title="甲区暴雨致道路积水",
        category=Category.NATURAL,
    )

    for on, status in [
        (date(YEAR, 3, 12), ViolationStatus.CONFIRMED),
        (date(YEAR, 3, 13), ViolationStatus.PENDING),
        (date(YEAR, 2, 12), ViolationStatus.CONFIRMED),
    ]:
        Violation.objects.create(
            unit=petitions,
            kind=ViolationKind.FALSE,
            status=status,
            occurred_on=on,
            evidence="经核实与事实不符",
        )
    return {"water": water, "petitions": petitions, "county_c": county_c, "town": town}


def test_complete(march, unit_a):
    report = build(MARCH, silent_after=30, now=AFTER)
    assert report.as_of == datetime.fromisoformat(f"{YEAR}-04-01T00:00:00+08:00")
    assert report.reporting_units == 7
    reported = {r.unit.code for r in report.units if r.reported}
    assert reported == {"unit-a", "unit-b", "petitions", "town"}
    assert report.complete_share == pytest.approx(4 / 7)
    silent = {r.unit.code: r.silent_days for r in report.silent}
    assert silent == {"water": WATER_SILENT, "county-c": None, "county-e": None}
    rows = {r.unit.code: r for r in report.units}
    assert rows["unit-a"].items == 2 and rows["unit-a"].incident_reports == 1
    assert rows["unit-b"].items == 0 and rows["unit-b"].incident_reports == 2
    assert rows["town"].items == 1  # as a joint unit


def test_broad(march):
    report = build(MARCH, silent_after=30, now=AFTER)
    kinds = {k.key: k.n for k in report.kinds}
    assert kinds == {"news": 2, "problem": 1, "experience": 0, "proposal": 0, "research": 0}
    assert report.kinds_covered == 2
    # Incident Z is merged into X: one event.
    categories = {c.key: c.n for c in report.categories}
    assert categories == {"natural": 1, "accident": 1, "health": 0, "social": 0}
    districts = {unit.code: covered for unit, covered in report.districts}
    assert districts == {"unit-a": True, "unit-b": True, "county-c": True, "county-e": False}
    assert report.district_share == 0.75
    assert report.tags == [("电力", 2), ("信访", 1)]
    assert report.tagged_share == pytest.approx(2 / 3)


def test_fresh(march):
    report = build(MARCH, silent_after=30, now=AFTER)
    assert report.event_to_report_days == 1.0  # 2 days and 0 days
    assert report.event_to_report_n == 2
    assert report.incident_to_report_minutes == 40.0  # 30 and 50 minutes; Z is a duplicate
    assert report.report_to_adoption_hours == 14.5  # 5 and 24 hours
    ages = {r.unit.code: r.newest_item_age for r in report.units}
    assert ages["unit-a"] == 21  # 03-10 09:00 → 04-01 00:00
    assert ages["water"] == WATER_SILENT
    assert ages["petitions"] == ages["town"] == 11
    assert ages["unit-b"] is None


def test_accurate(march):
    report = build(MARCH, silent_after=30, now=AFTER)
    assert report.items == 3
    assert (report.verified, report.disputed, report.corrected) == (1, 1, 1)
    assert report.verified_share == pytest.approx(1 / 3)
    assert report.false_reports == 1
    assert report.reports_total == 6  # three items and three incident reports
    assert report.false_share == pytest.approx(1 / 6)


def test_silence_is_counted_to_now_while_the_period_runs(march):
    report = build(MARCH, silent_after=30, now=local(f"{YEAR}-03-25 12:00"))
    rows = {r.unit.code: r for r in report.units}
    assert rows["water"].silent_days == WATER_SILENT_ON_25_MARCH and rows["water"].silent
    assert rows["unit-a"].silent_days == 5 and not rows["unit-a"].silent


def test_a_bounded_number_of_queries(march, unit_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build(MARCH, silent_after=30, now=AFTER)
        return len(queries)

    before = count()
    for n in range(5):
        make_unit(f"新单位{n}")
    officer = make_user(Role.OFFICER, unit_a)
    for day in range(1, 6):
        item(officer, WELFARE_VISITS, local(f"{YEAR}-03-0{day} 11:00"), tags=[f"话题{day}"])
    assert count() == before <= 15


def test_the_page(march, editor, client_of):
    response = client_of(editor).get("/archive/insight/report/", MARCH_QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert "4 / 7" in page and "3 / 4" in page
    assert "echarts-6.1.0.min.js" in page and 'data-chart="chart-ages"' in page
    assert f"/archive/insight/report.xlsx?start={YEAR}-03-01&amp;end={YEAR}-03-31" in page


MARCH_QUERY = {"start": f"{YEAR}-03-01", "end": f"{YEAR}-03-31"}


def test_the_export_reads_back(march, leader, client_of):
    response = client_of(leader).get("/archive/insight/report.xlsx", MARCH_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"archive-report-{YEAR}0301-{YEAR}0331.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    summary, units, coverage, topics = book.worksheets
    values = [row[2] for row in summary.iter_rows(min_row=2, max_row=20, values_only=True)]
    expected = [v for _d, _m, v, _s in summary_rows(build(MARCH, 30, now=AFTER))]
    assert values == pytest.approx(expected)
    assert values[:4] == [7, 4, pytest.approx(4 / 7), 3]
    by_unit = {row[0]: row for row in units.iter_rows(min_row=2, values_only=True)}
    assert by_unit["市水利局"][1:5] == (0, 0, datetime(YEAR, 2, 1, 10, 0), WATER_SILENT)
    assert by_unit["丁镇"][1] == 1
    assert ("电力", 2) in [tuple(r) for r in topics.iter_rows(min_row=2, values_only=True)]
    kinds = [r for r in coverage.iter_rows(min_row=2, values_only=True)]
    assert sum(r[2] for r in kinds[:5]) == 3  # the five item kinds


@pytest.mark.parametrize(
    ("start", "end"),
    [(f"{YEAR}-03-31", f"{YEAR}-03-01"), (f"{LAST_YEAR}-01-01", f"{YEAR}-03-01"), ("x", "")],
)
def test_a_bad_period_is_refused_clearly(editor, client_of, start, end):
    client = client_of(editor)
    response = client.get("/archive/insight/report/", {"start": start, "end": end})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    export = client.get("/archive/insight/report.xlsx", {"start": start, "end": end})
    assert export.status_code == 302


def test_the_default_period_is_this_month(editor, client_of):
    response = client_of(editor).get("/archive/insight/report/")
    assert response.status_code == 200
    period = response.context["report"].period
    assert period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 403),
        ("head_a", 403),
        ("system_admin", 403),
        ("audit_admin", 403),
        ("editor", 200),
        ("chief", 200),
        ("duty_officer", 200),
        ("leader", 200),
    ],
)
def test_who_sees_the_report(personas, client_of, persona, status):
    client = client_of(personas[persona])
    assert client.get("/archive/insight/report/").status_code == status
    assert client.get("/archive/insight/report.xlsx").status_code == status


def test_a_merged_duplicate_is_counted_once_for_its_unit(officer_a, head_a, officer_b, editor):
    first = item(officer_a, FLOOD_CHECK, local(f"{YEAR}-03-03 10:00"), head=head_a)
    second = item(officer_b, FLOOD_CHECK_AGAIN, local(f"{YEAR}-03-04 10:00"))
    actions.do_merge_items(editor, second.pk, first.pk)
    rows = {r.unit.code: r for r in build(MARCH, silent_after=30, now=AFTER).units}
    assert (rows["unit-a"].items, rows["unit-b"].items) == (1, 1)
    assert rows["unit-b"].newest_item == local(f"{YEAR}-03-04 10:00")
