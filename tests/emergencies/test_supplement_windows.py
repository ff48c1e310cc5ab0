"""The 补报 windows edited on their policy page (issue 14): each change audited, bad input refused
in Chinese with nothing written, and a changed window changes which supplementary reports are
taken.

Ground truth is Decree 493 art. 13 as published (30 days from the day of the event; 7 for road
traffic accidents and fires) and the window's end worked out by hand: the day of the event does
not count, so an N-day window for an event on day D closes at the end of day D+N."""

import pytest

from audit.models import AuditEntry
from emergencies import actions, actions_grading
from emergencies.actions import ActionError
from emergencies.models import Category, IncidentReport, ReportKind, SupplementWindow
from tests.emergencies.test_emergency_chain import closed_accident, day, supplement

PAGE = "/emergencies/policy/supplement/"


def window(subtype: str = "") -> SupplementWindow:
    return SupplementWindow.objects.get(category=Category.ACCIDENT, subtype_contains=subtype)


def posted(**days_by_subtype: int | str) -> dict[str, str]:
    """The page as a browser posts it, with the days of the accident rows named by their words
    (`default` for the category's own row) changed."""
    data = {}
    for w in SupplementWindow.objects.all():
        key = w.subtype_contains or "default"
        value: int | str = w.days
        if w.category == Category.ACCIDENT and key in days_by_subtype:
            value = days_by_subtype[key]
        data[f"w{w.pk}-days"] = str(value)
        data[f"w{w.pk}-source"] = w.source
    return data


def test_the_page_states_each_seeded_windows_source(client_of, editor):
    page = client_of(editor).get(PAGE).content.decode()
    assert "《生产安全事故报告和调查处理条例》第十三条：道路交通事故自发生之日起7日内" in page
    assert "《生产安全事故报告和调查处理条例》第十三条：火灾事故自发生之日起7日内" in page
    assert "《生产安全事故报告和调查处理条例》第十三条：自事故发生之日起30日内" in page


def test_the_deadline_table_links_to_the_windows(client_of, chief):
    page = client_of(chief).get("/emergencies/policy/").content.decode()
    assert f'href="{PAGE}"' in page
    assert "修改补报时限" in page


def test_the_chief_edits_a_window_with_an_audit_entry(client_of, chief):
    response = client_of(chief).post(PAGE, posted(道路交通=10))
    assert response.status_code == 302
    assert window("道路交通").days == 10
    assert window("火灾").days == 7
    [entry] = AuditEntry.objects.filter(action="supplement_window_changed")
    assert entry.actor == chief
    source = window("道路交通").source
    assert entry.data == {
        "before": {"days": 7, "source": source},
        "after": {"days": 10, "source": source},
    }


def test_saving_the_page_unchanged_writes_no_audit_entry(client_of, chief):
    assert client_of(chief).post(PAGE, posted()).status_code == 302
    assert not AuditEntry.objects.filter(action="supplement_window_changed").exists()


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("0", "至少为1日"),
        ("-3", "至少为1日"),
        ("367", "至多为366日"),
        ("100000000000", "至多为366日"),
        ("七", "请输入整数日数"),
        ("7.5", "请输入整数日数"),
        ("", "请输入整数日数"),
    ],
    ids=["zero", "negative", "over-a-year", "absurd", "chinese-numeral", "fraction", "empty"],
)
def test_a_bad_window_saves_nothing_and_says_why_in_chinese(client_of, chief, bad, says):
    # One good change beside the bad one: all or nothing.
    response = client_of(chief).post(PAGE, posted(火灾=9, 道路交通=bad), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert "未保存任何修改" in page
    assert (window("道路交通").days, window("火灾").days) == (7, 7)
    assert not AuditEntry.objects.filter(action="supplement_window_changed").exists()


@pytest.mark.parametrize("days", [0, -1, 367, True, "30", None])
def test_the_action_refuses_what_is_not_a_window(chief, days):
    with pytest.raises(ActionError) as refused:
        actions_grading.do_save_supplement_windows(chief, {window().pk: {"days": days}})
    assert "1至366之间的整数日数" in str(refused.value)
    assert window().days == 30
    assert not AuditEntry.objects.filter(action="supplement_window_changed").exists()


def test_an_editor_reads_the_windows_but_may_not_edit_them(client_of, editor):
    assert client_of(editor).get(PAGE).status_code == 200
    assert client_of(editor).post(PAGE, posted(道路交通=10)).status_code == 403
    with pytest.raises(ActionError):
        actions_grading.do_save_supplement_windows(editor, {window("道路交通").pk: {"days": 10}})
    assert window("道路交通").days == 7


def test_a_longer_window_takes_a_supplementary_report_the_published_one_refuses(office, client_of):
    incident = closed_accident(office, "道路交通事故")
    with pytest.raises(actions.ActionError):
        supplement(office, incident, day(9), deaths=2)  # 7 days: closed at the end of day 7
    client_of(office["chief"]).post(PAGE, posted(道路交通=10))
    report = supplement(office, incident, day(9), deaths=2)  # 10 days: open to the end of day 10
    assert report.kind == ReportKind.SUPPLEMENTARY
    supplement(office, incident, day(10, "23:59"), deaths=3)
    with pytest.raises(actions.ActionError) as refused:
        supplement(office, incident, day(11, "00:00"), deaths=4)
    assert "（自事件发生之日起10日）" in str(refused.value)


def test_a_shorter_window_refuses_a_supplementary_report_the_published_one_takes(office, client_of):
    incident = closed_accident(office, "危险化学品")
    client_of(office["chief"]).post(PAGE, posted(default=20))
    supplement(office, incident, day(20, "23:59"), deaths=2)
    with pytest.raises(actions.ActionError):
        supplement(office, incident, day(21, "00:00"), deaths=3)
    assert IncidentReport.objects.filter(kind=ReportKind.SUPPLEMENTARY).count() == 1
