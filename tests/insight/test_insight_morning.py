"""The morning view (态势) at the pinned Tuesday 11:00: each section shows the lines its reader
may read, each a link to the thing itself, and nothing they may not (another unit's draft, an
item that was not adopted for a leader, an unpublished issue, another leader's instruction)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletins.actions import do_record_instruction
from insight.actions import do_mark_typical
from org.roles import Role
from submissions.models import ItemState
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import PINNED, TODAY, local
from tests.emergencies.emergency_factories import open_by_phone
from tests.factories import adopt, make_item, make_publication, make_user
from tests.insight.test_insight_trends import history, this_monday  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

YESTERDAY = TODAY - timedelta(days=1)
URL = reverse("insight:morning")


def page(client_of, user) -> str:
    answer = client_of(user).get(URL)
    assert answer.status_code == 200
    return answer.content.decode()


def section(html: str, name: str) -> str:
    found = re.search(rf'<section[^>]*id="{name}".*?</section>', html, re.S)
    assert found is not None, name
    return found.group(0)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"#?]+)', html)


# --- open incidents and units overdue ---------------------------------------------------------


@pytest.fixture
def incidents(duty_officer, unit_a, unit_b):
    """A grave fire phoned in at 09:00 (its written report was due by 09:35 and never came),
    and a minor one at 10:55 whose written report is due at 17:00."""
    grave = open_by_phone(duty_officer, unit_a, local(TODAY, "09:00"), title="甲区化工厂火灾")
    minor = open_by_phone(
        duty_officer, unit_b, local(TODAY, "10:55"), title="乙县仓库冒烟", level="4"
    )
    return grave, minor


def test_open_incidents_most_urgent_first_with_their_next_deadline(incidents, leader, client_of):
    grave, minor = incidents
    html = section(page(client_of, leader), "incidents")
    shown = links(html)
    detail = [reverse("emergencies:detail", args=[i.pk]) for i in (grave, minor)]
    assert [u for u in shown if u in detail] == detail  # the overdue one on top
    assert "甲区化工厂火灾" in html and "乙县仓库冒烟" in html
    assert "Ⅱ" in html or "重大" in html  # the level
    assert "事故灾难" in html  # the category
    assert "甲区委办公室" in html and "乙县委办公室" in html  # the units
    assert "已逾期" in html  # the grave one's written report
    assert "今日" in html  # the deadline, as a day word and a time


def test_units_overdue_name_the_report_and_lead_to_the_incident(incidents, leader, client_of):
    grave, _minor = incidents
    html = section(page(client_of, leader), "overdue")
    assert "甲区委办公室" in html and "甲区化工厂火灾" in html
    assert reverse("emergencies:detail", args=[grave.pk]) in html
    assert "乙县委办公室" not in html  # its report is not due yet


def test_nothing_open_says_so(leader, client_of):
    html = page(client_of, leader)
    assert "今日暂无在办突发事件" in section(html, "incidents")
    assert "今日暂无逾期未报单位" in section(html, "overdue")
    assert "昨日暂无采用信息" in section(html, "adopted")
    assert "今日暂无刊物" in section(html, "published")
    assert "暂无待反馈的批示" in section(html, "instructions")


# --- adoptions and the bulletin ---------------------------------------------------------------


@pytest.fixture
def adopted(officer_a, head_a, officer_b, editor, city_daily):
    """Adopted yesterday (one of them marked 内部), adopted today, still under review, and a
    draft of unit B."""
    yesterday = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="甲区昨日采用"
    )
    adopt(editor, yesterday, city_daily, YESTERDAY)
    internal = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="甲区内部情况"
    )
    internal.__class__.objects.filter(pk=internal.pk).update(secrecy="internal")
    adopt(editor, internal, city_daily, YESTERDAY)
    today = make_item(
        officer_a,
        ItemState.ADOPTED,
        head=head_a,
        editor=editor,
        publication=city_daily,
        title="甲区今日采用",
    )
    review = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="甲区审核中"
    )
    draft_b = make_item(officer_b, ItemState.DRAFT, title="乙县草稿")
    return {
        "yesterday": yesterday,
        "internal": internal,
        "today": today,
        "review": review,
        "draft": draft_b,
    }


def test_yesterdays_adoptions_and_only_yesterdays(adopted, leader, client_of):
    html = section(page(client_of, leader), "adopted")
    assert reverse("submissions:detail", args=[adopted["yesterday"].pk]) in html
    assert reverse("submissions:detail", args=[adopted["internal"].pk]) in html
    assert "内部" in html  # the secrecy mark is shown
    assert "每日要情" in html
    for other in ("today", "review", "draft"):
        assert reverse("submissions:detail", args=[adopted[other].pk]) not in html
    assert "乙县草稿" not in page(client_of, leader)


def test_todays_published_issue_with_its_entries_and_no_draft_issue(
    adopted, editor, chief, leader, city_daily, client_of
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = published(editor, chief, city_daily, [adopted["review"]], TODAY)
    other = make_publication(code="special", name="信息专报", compiled_here=True)
    unpublished = draft(editor, other, [], TODAY)
    html = section(page(client_of, leader), "published")
    assert reverse("bulletins:issue", args=[issue.pk]) in html
    entry = issue.entries.get()
    assert f"{reverse('bulletins:issue', args=[issue.pk])}#entry-{entry.pk}" in html
    assert entry.title in html
    assert reverse("bulletins:issue", args=[unpublished.pk]) not in html
    assert "今日刊物" in html


def test_the_latest_issue_when_none_came_out_today(
    adopted, editor, chief, leader, city_daily, client_of
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = published(editor, chief, city_daily, [adopted["review"]], YESTERDAY)
    html = section(page(client_of, leader), "published")
    assert reverse("bulletins:issue", args=[issue.pk]) in html
    assert "今日暂未出刊" in html


# --- rising terms and typical cases -----------------------------------------------------------


def test_rising_terms_of_what_each_reader_may_read(history, chief, leader, client_of):  # noqa: F811
    chief_html = section(page(client_of, chief), "signs")
    assert "停电" in chief_html
    assert reverse("insight:trends") in chief_html
    # A leader reads adopted items only: none of these was adopted.
    leader_html = section(page(client_of, leader), "signs")
    assert "停电" not in leader_html and "本周暂无上升词语" in leader_html


def test_new_typical_cases_within_what_the_reader_may_read(
    adopted, editor, chief, leader, client_of
):
    do_mark_typical(editor, adopted["today"].pk, "good", "经验做法值得推广")
    do_mark_typical(editor, adopted["review"].pk, "bad", "迟报典型")
    leader_html = section(page(client_of, leader), "signs")
    assert reverse("submissions:detail", args=[adopted["today"].pk]) in leader_html
    assert "经验做法值得推广" in leader_html
    assert reverse("submissions:detail", args=[adopted["review"].pk]) not in leader_html
    chief_html = section(page(client_of, chief), "signs")
    assert reverse("submissions:detail", args=[adopted["review"].pk]) in chief_html


# --- the leader's own instructions ------------------------------------------------------------


def test_own_instructions_awaiting_feedback_and_not_another_leaders(adopted, leader, client_of):
    mine = do_record_instruction(
        leader, adopted["yesterday"].pk, "请甲区抓好落实。", TODAY, now=PINNED
    )
    other_leader = make_user(Role.LEADER, None, username="leader2")
    theirs = do_record_instruction(other_leader, adopted["today"].pk, "请研究。", TODAY, now=PINNED)
    html = section(page(client_of, leader), "instructions")
    assert reverse("bulletins:task", args=[mine.tasks.get().pk]) in html
    assert reverse("bulletins:task", args=[theirs.tasks.get().pk]) not in html
    assert "甲区委办公室" in html


def test_the_chief_has_no_instructions_section(chief, client_of):
    assert 'id="instructions"' not in page(client_of, chief)


# --- the whole page ---------------------------------------------------------------------------


def test_the_page_keeps_a_fixed_number_of_queries(
    incidents, adopted, editor, chief, leader, city_daily, client_of, duty_officer, unit_a
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    published(editor, chief, city_daily, [adopted["review"]], TODAY)
    do_record_instruction(leader, adopted["yesterday"].pk, "请甲区抓好落实。", TODAY, now=PINNED)
    client = client_of(leader)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = count()
    open_by_phone(duty_officer, unit_a, local(TODAY, "08:00"), title="甲区道路塌陷")
    do_record_instruction(leader, adopted["internal"].pk, "请核实。", TODAY, now=PINNED)
    assert count() == before
    assert before <= 40


# --- zero reports among the units overdue -----------------------------------------------------


@pytest.fixture
def zero_day(chief, officer_a, unit_a, unit_b):
    """A zero-report period covering the pinned day, due 09:00: unit A filed at 10:00 (late),
    unit B has filed nothing (missed)."""
    from datetime import time

    from duty import actions_zero

    actions_zero.save_period(
        chief,
        actions_zero.PeriodData("国庆假期零报告", TODAY, TODAY, time(9, 0), 60),
        now=local(YESTERDAY, "18:00"),
    )
    actions_zero.file_report(officer_a, False, "", now=local(TODAY, "10:00"))


def test_units_overdue_include_todays_missed_and_late_zero_reports(
    zero_day, leader, chief, client_of
):
    html = section(page(client_of, leader), "overdue")
    lines = re.findall(r'<li class="urg-overdue zero-line">.*?</li>', html, re.S)
    assert len([x for x in lines if "乙县委办公室" in x and "时限 今日 09:00" in x]) == 1
    assert len([x for x in lines if "甲区委办公室" in x and "迟报，今日 10:00报送" in x]) == 1
    assert all("国庆假期零报告" in x for x in lines)
    # The leader may not open the duty grid: the lines carry no link there.
    assert reverse("duty:zero") not in html
    # The section chief, who keeps duty, may: each line leads to the grid.
    duty_html = section(page(client_of, chief), "overdue")
    assert duty_html.count(f'href="{reverse("duty:zero")}"') == len(lines)
