"""The duty pages with bad input: a clear Chinese message, nothing written, never a 500."""

from datetime import time, timedelta

import pytest
import time_machine

from duty import actions_zero
from duty.models import ZeroPeriod, ZeroReport
from tests.clock import TODAY, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(chief, unit_a):
    return actions_zero.save_period(
        chief,
        actions_zero.PeriodData(
            "节日期间", TODAY, TODAY + timedelta(days=1), time(9), 60, [unit_a]
        ),
    )


def test_the_officer_home_page_offers_the_zero_report_during_a_period(period, officer_a, client_of):
    client = client_of(officer_a)
    page = client.get("/items/home/").content.decode()
    assert "今日无紧急情况" in page and "节日期间" in page
    response = client.post("/duty/zero/file/", {"has_matters": "1", "text": " "})
    assert response.status_code == 400
    assert "请填写报告的情况" in response.content.decode()
    assert not ZeroReport.objects.exists()
    assert client.post("/duty/zero/file/", {"has_matters": "0"}).status_code == 302
    assert "今日零报告已于" in client.get("/items/home/").content.decode()


def test_no_banner_outside_a_period(officer_a, client_of):
    assert "zero-report" not in client_of(officer_a).get("/items/home/").content.decode()


def test_a_period_ending_before_it_begins_is_refused(chief, client_of):
    response = client_of(chief).post(
        "/duty/zero/periods/",
        {
            "name": "错误时段",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY - timedelta(days=1)).isoformat(),
            "due_time": "09:00",
            "reminder_minutes": "60",
        },
    )
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()
    assert not ZeroPeriod.objects.exists()


def test_the_grid_after_the_due_time_names_the_silent_unit(period, duty_officer, client_of):
    with time_machine.travel(local(TODAY, "09:30"), tick=False):
        page = client_of(duty_officer).get("/duty/zero/").content.decode()
    assert 'data-unit="甲区委办公室"' in page
    assert "未报" in page


def test_a_log_entry_in_the_future_is_refused(duty_officer, client_of):
    from org.models import DutyShift

    shift = DutyShift.objects.create(
        person=duty_officer,
        starts_at=local(TODAY, "08:00"),
        ends_at=local(TODAY, "18:00"),
    )
    response = client_of(duty_officer).post(
        "/duty/entries/",
        {
            "shift": shift.pk,
            "at": (TODAY + timedelta(days=1)).isoformat() + "T10:00",
            "kind": "call_in",
            "summary": "来电",
        },
    )
    assert response.status_code == 400
    assert "记录时间不能晚于当前时间" in response.content.decode()
