"""Issue 17: a joint item's share for a partner unit goes to whoever held that unit's main
officer's post when it was submitted (nobody, said on the page, if the post was empty); a late
emergency report's penalty goes to the report's author; the roster page's cost does not grow
with its lines; overlapping leave is refused."""

import re
import threading
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability import actions as accountability_actions
from accountability import rules as accountability_rules
from accountability.models import Violation, ViolationKind
from audit.models import AuditEntry
from bulletins.models import AdoptionLevel
from org.roles import Role
from roster import actions, queries, rules
from roster.models import Leave, Post
from scoring.actions import rebuild
from scoring.attribution import unit_credits
from scoring.models import RuleKind, ScoreRule
from submissions.models import ItemState
from tests.accountability.accountability_helpers import late_report
from tests.clock import TODAY, local
from tests.emergencies.conftest import hub, province
from tests.factories import make_item, make_user

__all__ = ["hub", "province"]

CENT = Decimal("0.01")


def city_rule() -> Decimal:
    return ScoreRule.objects.get(
        kind=RuleKind.ADOPTION, level=AdoptionLevel.CITY, publication=None
    ).points


def shares(total: Decimal) -> tuple[Decimal, Decimal]:
    """Ground truth for a two-unit item: equal halves to the cent, the lead keeping the rest."""
    partner = (total / 2).quantize(CENT, rounding=ROUND_DOWN)
    return total - partner, partner


def points_in(row: str) -> Decimal:
    shown = re.search(r'<td class="points">([^<]*)</td>', row)
    assert shown is not None
    return Decimal(shown.group(1))


def line_of(page: str, name: str) -> str:
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S) if name in r]
    assert len(rows) == 1, rows
    return rows[0]


# --- a joint item's share for its partner unit ---------------------------------------------------


@pytest.fixture
def joint_story(
    _pinned_clock, chief, editor, officer_a, head_a, officer_b, unit_a, unit_b, city_daily
):
    """Unit A writes three items jointly with unit B: the first while officer_b is B's main
    officer (named before the roster), the second after successor_b took the post, the third
    after B's post was vacated."""
    day = TODAY - timedelta(days=20)
    successor_b = make_user(Role.OFFICER, unit_b, username="successor_b", full_name="乙继任")
    titles = ["联合稿件一", "联合稿件二", "联合稿件三"]
    steps = [
        None,
        lambda now: actions.appoint(chief, unit_b, Post.MAIN, successor_b, now=now),
        lambda now: actions.appoint(chief, unit_b, Post.MAIN, None, now=now),
    ]
    for n, (title, step) in enumerate(zip(titles, steps, strict=True)):
        if step is not None:
            step(local(day + timedelta(days=n), "09:00"))
        _pinned_clock.move_to(local(day + timedelta(days=n), "10:00"))
        make_item(
            officer_a,
            ItemState.ADOPTED,
            head=head_a,
            editor=editor,
            publication=city_daily,
            joint_units=(unit_b,),
            title=title,
        )
    _pinned_clock.move_to(local(TODAY, "11:00"))
    rebuild(as_of=timezone.now())
    return successor_b


def test_a_partner_units_share_goes_to_its_main_officer_at_submission(
    joint_story, officer_a, officer_b, unit_a, unit_b
):
    successor_b = joint_story
    lead, partner = shares(city_rule())
    assert partner > 0
    credits = unit_credits(unit_b)
    by_title = {c.label: c.person_id for c in credits}
    assert by_title == {
        "联合稿件一": officer_b.pk,
        "联合稿件二": successor_b.pk,
        "联合稿件三": None,
    }
    roster = queries.unit_roster(unit_b, timezone.now())
    got = {line.appointment.person_id: line.points for line in roster.history}
    assert got == {officer_b.pk: partner, successor_b.pk: partner}
    assert roster.current == []
    assert roster.unattributed_points == partner
    # The lead unit's share stays with the item's author.
    roster_a = queries.unit_roster(unit_a, timezone.now())
    (main,) = roster_a.current
    assert (main.appointment.person_id, main.points) == (officer_a.pk, lead * 3)


def test_a_backup_of_the_partner_gets_none_of_its_share(chief, joint_story, officer_b, unit_b):
    """officer_b, once main, is made backup A later: the share stays on the main-post line."""
    actions.appoint(chief, unit_b, Post.A, officer_b, now=timezone.now())
    roster = queries.unit_roster(unit_b, timezone.now())
    (backup,) = roster.current
    assert (backup.appointment.post, backup.points) == (Post.A, 0)


def test_the_roster_page_shows_the_partner_shares_and_what_is_nobodys(
    client_of, chief, joint_story, officer_b, unit_b
):
    _, partner = shares(city_rule())
    page = client_of(chief).get(reverse("roster:unit", args=[unit_b.pk])).content.decode()
    history = page[page.index('id="history-posts"') :]
    assert points_in(line_of(history, officer_b.full_name)) == partner
    assert points_in(line_of(history, joint_story.full_name)) == partner
    nobody = page[page.index('id="unattributed"') : page.index('id="leaves"')]
    assert "未归属到人" in nobody and "联合稿件三" in nobody
    assert "联合稿件一" not in nobody
    assert f"有 {partner.normalize():f} 分未归属到人" in nobody


# --- an emergency report's penalty ---------------------------------------------------------------


def test_a_late_reports_penalty_goes_to_the_reports_author(hub, chief, officer_a, head_a, unit_a):
    incident = late_report(officer_a, head_a)
    late = Violation.objects.get(incident=incident, kind=ViolationKind.LATE, unit=unit_a)
    assert late.report is not None and late.report.author_id == officer_a.pk
    accountability_actions.do_decide(
        chief, late.pk, accountability_actions.Decision(accountability_rules.CONFIRM)
    )
    rebuild(as_of=timezone.now())
    penalty = ScoreRule.objects.get(kind=RuleKind.VIOLATION, violation_kind="late", level="").points
    assert penalty < 0
    roster = queries.unit_roster(unit_a, timezone.now())
    (main,) = roster.current
    assert main.points == penalty
    assert roster.unattributed == []
    period = rules.Period(head_a.pk, False, None, None)
    assert rules.credited(unit_credits(unit_a), period) == 0


# --- the page's cost -----------------------------------------------------------------------------


def _hand_over(chief, editor, head, unit, city_daily, _pinned_clock, times: int) -> None:
    """`times` more officers hold the main post in turn, each writing an adopted item."""
    for _ in range(times):
        person = make_user(Role.OFFICER, unit)
        actions.appoint(chief, unit, Post.MAIN, person, now=timezone.now())
        _pinned_clock.shift(timedelta(seconds=1))
        make_item(person, ItemState.ADOPTED, head=head, editor=editor, publication=city_daily)
        _pinned_clock.shift(timedelta(seconds=1))


def test_the_roster_page_costs_the_same_queries_for_ten_times_the_lines(
    client_of,
    chief,
    editor,
    head_a,
    officer_a,
    unit_a,
    city_daily,
    _pinned_clock,
    django_assert_max_num_queries,
):
    client = client_of(chief)
    url = reverse("roster:unit", args=[unit_a.pk])
    _hand_over(chief, editor, head_a, unit_a, city_daily, _pinned_clock, 2)
    rebuild(as_of=timezone.now())
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    assert small.status_code == 200 and small.content.decode().count("<tr") >= 3
    _hand_over(chief, editor, head_a, unit_a, city_daily, _pinned_clock, 20)
    rebuild(as_of=timezone.now())
    with django_assert_max_num_queries(len(few)):
        large = client.get(url)
    assert large.status_code == 200
    page = large.content.decode()
    history = page[page.index('id="history-posts"') :]
    assert history.count('<td class="points">') == 22  # officer_a and 21 successors
    assert points_in(line_of(history, officer_a.full_name)) == 0


# --- overlapping leave ---------------------------------------------------------------------------


@pytest.fixture
def on_leave(chief, officer_a):
    return actions.mark_leave(chief, officer_a, TODAY, TODAY + timedelta(days=4), "年休假")


def leave_form(person, first, last) -> dict[str, object]:
    return {"person": person.pk, "first_day": first.isoformat(), "last_day": last.isoformat()}


def test_an_overlapping_leave_is_refused_on_the_form_writing_nothing(
    client_of, chief, officer_a, unit_a, on_leave
):
    client = client_of(chief)
    before = (Leave.objects.count(), AuditEntry.objects.count())
    url = reverse("roster:leave", args=[unit_a.pk])
    first, last = TODAY + timedelta(days=4), TODAY + timedelta(days=9)
    response = client.post(url, leave_form(officer_a, first, last))
    assert response.status_code == 400
    page = response.content.decode()
    until = (TODAY + timedelta(days=4)).isoformat()
    shown = f"{TODAY.isoformat()} 至 {until} 的请假，与所填日期重叠"
    assert shown in page[page.index('id="mark-leave"') :]
    assert (Leave.objects.count(), AuditEntry.objects.count()) == before


def test_leave_that_only_touches_or_follows_a_cancelled_one_is_recorded(
    client_of, chief, officer_a, unit_a, on_leave
):
    url = reverse("roster:leave", args=[unit_a.pk])
    after = TODAY + timedelta(days=5)
    response = client_of(chief).post(url, leave_form(officer_a, after, after))
    assert response.status_code == 302
    actions.cancel_leave(chief, on_leave)
    actions.mark_leave(chief, officer_a, TODAY, TODAY + timedelta(days=1))
    assert Leave.objects.filter(person=officer_a, cancelled=False).count() == 2


@pytest.mark.parametrize("days", [(0, 0), (-3, 0), (2, 3), (-1, 10)])
def test_the_action_refuses_any_overlap_and_writes_nothing(chief, officer_a, on_leave, days):
    before = (Leave.objects.count(), AuditEntry.objects.count())
    first, last = (TODAY + timedelta(days=d) for d in days)
    with pytest.raises(actions.ActionError, match="重叠"):
        actions.mark_leave(chief, officer_a, first, last)
    assert (Leave.objects.count(), AuditEntry.objects.count()) == before


def test_another_persons_leave_on_the_same_days_is_no_overlap(chief, officer_a, unit_a, on_leave):
    backup = make_user(Role.OFFICER, unit_a)
    actions.mark_leave(chief, backup, TODAY, TODAY + timedelta(days=4))
    assert Leave.objects.filter(first_day=TODAY).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_leaves_recorded_at_once_leave_one(chief, officer_a):
    start = threading.Barrier(2)
    refused: list[BaseException] = []

    def mark(first_day: int) -> None:
        try:
            start.wait()
            day = TODAY + timedelta(days=first_day)
            actions.mark_leave(chief, officer_a, day, day + timedelta(days=3))
        except actions.ActionError as error:
            refused.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mark, args=(n,)) for n in (0, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(refused) == 1
    assert Leave.objects.filter(person=officer_a).count() == 1
