"""What a report is called: 电话首报 / 书面首报, 续报一、续报二…, 终报, on every page, notice and
deadline. The numerals are checked against a table written out by hand."""

import pytest
from django.utils import translation

from deadlines.models import ExpectedReport
from emergencies import actions, actions_level, actions_upward
from emergencies.labels import chinese_numeral, report_label
from emergencies.models import ExpectKind, IncidentReport, ReportKind
from notify.models import Notification
from tests.clock import THIS_MONDAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import (
    PhoneCall,
    add_written,
    content,
    minutes,
    open_by_phone,
    open_in_writing,
    row,
    sign_off,
)

# Written out as an office would write them, not computed.
NUMERALS = {
    1: "一",
    2: "二",
    3: "三",
    9: "九",
    10: "十",
    11: "十一",
    15: "十五",
    19: "十九",
    20: "二十",
    21: "二十一",
    30: "三十",
    45: "四十五",
    99: "九十九",
    100: "一百",
    101: "一百零一",
    110: "一百一十",
    111: "一百一十一",
    205: "二百零五",
    999: "九百九十九",
    1000: "一千",
    1001: "一千零一",
    1010: "一千零一十",
    1100: "一千一百",
    2026: "二千零二十六",
}


@pytest.mark.parametrize(("n", "text"), NUMERALS.items())
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


@pytest.mark.parametrize("n", [0, -1, 10000])
def test_no_numeral_outside_the_range(n):
    with pytest.raises(ValueError):
        chinese_numeral(n)


LABELS = [
    ("initial", 0, "phone", "电话首报", "Phone initial report"),
    ("initial", 0, "written", "书面首报", "Written initial report"),
    ("initial", 0, "", "首报", "Initial report"),
    ("followup", 1, "written", "续报一", "Follow-up report no. 1"),
    ("followup", 2, "phone", "续报二", "Follow-up report no. 2"),
    ("followup", 12, "written", "续报十二", "Follow-up report no. 12"),
    ("followup", 0, "", "续报", "Follow-up report"),
    ("final", 0, "written", "终报", "Final report"),
]


@pytest.mark.parametrize(("kind", "n", "channel", "zh", "en"), LABELS)
def test_report_labels(kind, n, channel, zh, en):
    with translation.override("zh-hans"):
        assert report_label(kind, n, channel) == zh
    with translation.override("en"):
        assert report_label(kind, n, channel) == en


def _labels(incident) -> list[str]:
    with translation.override("zh-hans"):
        return [r.label for r in IncidentReport.objects.filter(incident=incident)]


def test_after_a_phone_report_the_first_written_report_is_the_written_initial_one(office):
    at = shanghai(THIS_MONDAY, "09:00")
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at, level="3")
    first = add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(20)
    )
    assert (first.kind, first.sequence) == (ReportKind.INITIAL, 0)
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(200)
    )
    assert _labels(incident) == ["电话首报", "书面首报", "续报一"]
    with translation.override("zh-hans"):
        assert row(incident, ExpectKind.FOLLOWUP, 1).what == "续报一"
        nxt = ExpectedReport.objects.get(incident=incident, kind=ExpectKind.FOLLOWUP, sequence=2)
        assert nxt.what == "续报二"
    titles = list(Notification.objects.values_list("title", flat=True))
    assert any("书面首报" in t for t in titles)
    assert any("续报一" in t for t in titles)
    assert not any("续报1" in t or "续报2" in t for t in titles)


def test_a_unit_writing_first_keeps_its_follow_ups_numbered_from_one(office):
    at = shanghai(THIS_MONDAY, "09:00")
    report = sign_off(office["head_a"], open_in_writing(office["officer_a"], at, level="3"), at)
    incident = report.incident
    for n in (1, 2, 3):
        add_written(
            office["officer_a"],
            office["head_a"],
            incident,
            ReportKind.FOLLOWUP,
            at + minutes(60 * n),
        )
    final = at + minutes(400)
    add_written(office["officer_a"], office["head_a"], incident, ReportKind.FINAL, final)
    assert _labels(incident) == ["书面首报", "续报一", "续报二", "续报三", "终报"]


def test_a_phone_follow_up_before_the_written_report_is_follow_up_one(office):
    at = shanghai(THIS_MONDAY, "09:00")
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at, level="3")
    actions.do_add_report(
        office["duty"],
        incident.pk,
        ReportKind.FOLLOWUP,
        content(),
        unit=office["officer_a"].unit,
        call=PhoneCall("张三", "13800000000", at + minutes(10)),
        now=at + minutes(10),
    )
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(30)
    )
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(200)
    )
    assert _labels(incident) == ["电话首报", "续报一", "书面首报", "续报二"]
    # The deadline after the written initial report was 续报二's, and the next is 续报三's.
    owed = ExpectedReport.objects.filter(incident=incident, kind=ExpectKind.FOLLOWUP)
    assert sorted(r.sequence for r in owed) == [2, 3]


def test_the_pages_name_reports_as_the_office_does(client, office, province):
    at = shanghai(THIS_MONDAY, "09:00")
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at, level="3")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(20)
    )
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(200)
    )
    # Forwarded and phoned upward: the next thing due on the board is the unit's second follow-up.
    actions_level.do_forward(office["chief"], incident.pk, province, "上报", now=at + minutes(210))
    actions_upward.do_record_section_call(
        office["duty"], incident.pk, "省委总值班室", at + minutes(10), now=at + minutes(210)
    )
    client.force_login(office["editor"])
    page = client.get(f"/emergencies/{incident.pk}/").content.decode()
    for label in ("电话首报", "书面首报", "续报一", "续报二"):
        assert label in page
    board = client.get("/emergencies/").content.decode()
    assert "续报二" in board
    for wrong in ("续报1", "续报2", "续报 2", "续报 3"):
        assert wrong not in page
        assert wrong not in board


def test_reports_filed_under_the_old_numbering_are_renumbered(office):
    """Migration 0010 on a chain stored as it was before: 电话首报, the written initial report
    as 续报1, a follow-up as 续报2 and the next follow-up deadline as 3."""
    from importlib import import_module

    from django.apps import apps

    at = shanghai(THIS_MONDAY, "09:00")
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at, level="3")
    written = add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(20)
    )
    followup = add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(200)
    )
    expected = {
        r.pk: r.sequence
        for r in ExpectedReport.objects.filter(incident=incident, kind=ExpectKind.FOLLOWUP)
    }
    assert sorted(expected.values()) == [1, 2]
    # As the old code stored them.
    IncidentReport.objects.filter(pk=followup.pk).update(sequence=2)
    IncidentReport.objects.filter(pk=written.pk).update(kind=ReportKind.FOLLOWUP, sequence=1)
    for pk, n in sorted(expected.items(), key=lambda e: -e[1]):
        ExpectedReport.objects.filter(pk=pk).update(sequence=n + 1)
    assert _labels(incident) == ["电话首报", "续报一", "续报二"]

    import_module("emergencies.migrations.0010_written_initial_reports").renumber(apps, None)

    assert _labels(incident) == ["电话首报", "书面首报", "续报一"]
    after = {
        r.pk: r.sequence
        for r in ExpectedReport.objects.filter(incident=incident, kind=ExpectKind.FOLLOWUP)
    }
    assert after == expected
    # Run again, it changes nothing.
    import_module("emergencies.migrations.0010_written_initial_reports").renumber(apps, None)
    assert _labels(incident) == ["电话首报", "书面首报", "续报一"]


def test_the_report_form_says_what_the_report_is_filed_as(client, office):
    at = shanghai(THIS_MONDAY, "09:00")
    incident = open_by_phone(office["duty"], office["officer_a"].unit, at, level="3")
    client.force_login(office["officer_a"])
    url = f"/emergencies/{incident.pk}/report/"
    assert "将作为本单位的书面首报报送" in client.get(url).content.decode()
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, at + minutes(20)
    )
    assert "将作为本单位的续报一报送" in client.get(url).content.decode()
