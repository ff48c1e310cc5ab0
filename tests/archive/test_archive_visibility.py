"""Search results are filtered by the source apps' own visibility rules: for every persona,
what the archive finds of each kind is exactly what that app lets the persona open."""

import math
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accountability.access import visible_notices
from accountability.models import CriticismNotice, Issuer, NoticeStatus
from archive import backends, sqlite_index
from archive.models import Document
from archive.search import Filters, matching_ids, search
from bulletins.models import Issue, IssueEntry, IssueState
from bulletins.queries import visible_issues
from emergencies.access import visible_incidents
from emergencies.models import Incident, IncidentReport, ReportState
from submissions.models import ItemState
from submissions.queries import visible_items
from tests.clock import YEAR
from tests.factories import PERSONAS, REFUSED, make_item, make_unit

WORD = "防汛"


def keys(user, kind, query=""):
    ids = matching_ids(user, query, Filters(kinds=(kind,)))
    return set(Document.objects.filter(id__in=ids).values_list("key", flat=True))


@pytest.fixture
def world(officer_a, head_a, officer_b, head_b, editor, chief, city_daily, leader):
    """Items of both units in every state (one joint), an incident for each unit with its
    reports, a draft and a published bulletin issue, a draft and two issued notices."""
    now = timezone.now()
    items = []
    for state in (
        ItemState.DRAFT,
        ItemState.AWAITING_SIGNOFF,
        REFUSED,
        ItemState.SUBMITTED,
        ItemState.UNDER_REVIEW,
        ItemState.RETURNED,
        ItemState.ADOPTED,
        ItemState.FILED,
    ):
        items.append(
            make_item(officer_a, state, head=head_a, editor=editor, title=f"{WORD}{state}甲")
        )
        items.append(
            make_item(officer_b, state, head=head_b, editor=editor, title=f"{WORD}{state}乙")
        )
    items.append(
        make_item(
            officer_a,
            ItemState.SUBMITTED,
            head=head_a,
            joint_units=(officer_b.unit,),
            title=f"{WORD}联合",
        )
    )
    for unit, author in ((officer_a.unit, officer_a), (officer_b.unit, officer_b)):
        incident = Incident.objects.create(
            title=f"{unit.name}{WORD}险情",
            category="natural",
            level="3",
            place="河堤",
            occurred_at=now,
            known_at=now,
            clock_start=now,
            policy_applied_at=now,
            created_by=author,
        )
        incident.responsible_units.add(unit)
        for state in (ReportState.AWAITING_SIGNOFF, ReportState.RECEIVED):
            IncidentReport.objects.create(
                incident=incident,
                unit=unit,
                kind="initial",
                channel="written",
                state=state,
                summary=f"{WORD}报告{state}",
                author=author,
            )
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    for state in (IssueState.DRAFT, IssueState.PUBLISHED):
        issue = Issue.objects.create(
            publication=city_daily,
            year=YEAR,
            state=state,
            issue_date=date(YEAR, 5, 1),
            compiled_by=editor,
            published_at=now if state == IssueState.PUBLISHED else None,
        )
        IssueEntry.objects.create(
            issue=issue,
            item=items[12],
            position=1,
            title=f"{WORD}专报{state}",
            body="正文",
            credit="甲",
        )
    for status, to_all, named in (
        (NoticeStatus.DRAFT, False, [officer_a.unit]),
        (NoticeStatus.ISSUED, False, [officer_a.unit]),
        (NoticeStatus.ISSUED, True, []),
    ):
        notice = CriticismNotice.objects.create(
            issuer=Issuer.OWN,
            status=status,
            year=YEAR,
            title=f"关于{WORD}信息迟报的通报",
            body="通报正文",
            issuing_office="市委办公室",
            send_to_all=to_all,
            created_by=chief,
            issued_on=date(YEAR, 6, 1) if status == NoticeStatus.ISSUED else None,
        )
        notice.units.set(named)
    return items


def test_each_persona_finds_exactly_what_it_may_open(world, personas):
    for name in PERSONAS:
        user = personas[name]
        items = {f"item:{pk}" for pk in visible_items(user).values_list("pk", flat=True)}
        incidents = set(visible_incidents(user).values_list("pk", flat=True))
        reports = set(
            IncidentReport.objects.filter(incident__in=incidents).values_list("pk", flat=True)
        )
        entries = set(
            IssueEntry.objects.filter(issue__in=visible_issues(user)).values_list("pk", flat=True)
        )
        notices = set(visible_notices(user).values_list("pk", flat=True))
        assert keys(user, "item", WORD) == items, name
        assert keys(user, "incident") == {f"incident:{i}" for i in incidents}, name
        assert keys(user, "report") == {f"report:{i}" for i in reports}, name
        assert keys(user, "entry") == {f"entry:{i}" for i in entries}, name
        assert keys(user, "notice") == {f"notice:{i}" for i in notices}, name


class _EveryTokenOnEveryDocument(dict):
    def get(self, key, default=None):
        return 1.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_grants_tested_on_the_rows_of_a_window_show_each_persona_what_it_may_open(
    world, personas, monkeypatch
):
    """PostgreSQL tests a reader's grants on the rows of a window's matches when its
    statistics call them broad: claiming every token on every document, each persona's pages
    of items, newest first through windows of a few documents, are exactly the items the
    submissions app lets it open, in date order."""
    monkeypatch.setattr(backends, "WINDOW_ROWS", (2, 6))
    shares = backends.Shares(_EveryTokenOnEveryDocument(), 1.0)
    monkeypatch.setattr(backends.PostgresIndex, "_shares_read", (math.inf, shares))
    for name in PERSONAS:
        user = personas[name]
        allowed = {f"item:{pk}" for pk in visible_items(user).values_list("pk", flat=True)}
        shown = _pages_of_items(user)
        assert {d.key for d in shown} == allowed, name
        assert [d.id for d in shown] == sorted((d.id for d in shown), reverse=True), name


def _pages_of_items(user) -> list[Document]:
    shown: list[Document] = []
    page = 1
    while True:
        result = search(user, WORD, Filters(kinds=("item",)), page=page, per_page=3)
        shown += [h.doc for h in result.hits]
        if not result.has_next:
            return shown
        page += 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
@pytest.mark.parametrize("depth", [1, 4])
def test_grants_tested_on_meta_show_each_persona_what_it_may_open(
    world, personas, monkeypatch, depth
):
    """SQLite tests a broad reader's grants on each newest match's `meta` column instead of
    walking the grant tokens in FTS5. Calling every reader broad, with pages of three and the
    newest one or four pages' worth of matches tested, each persona's pages of items are
    exactly the items the submissions app lets it open, newest first."""
    monkeypatch.setattr(sqlite_index, "BROAD_SHARE", 0.0)
    monkeypatch.setattr(sqlite_index, "GRANT_DEPTH", depth)
    monkeypatch.setattr(sqlite_index.SqliteIndex, "_breadth", {})
    for name in PERSONAS:
        user = personas[name]
        allowed = {f"item:{pk}" for pk in visible_items(user).values_list("pk", flat=True)}
        shown = _pages_of_items(user)
        assert [d.key for d in shown if d.key not in allowed] == [], name
        assert {d.key for d in shown} == allowed, name
        assert [d.id for d in shown] == sorted((d.id for d in shown), reverse=True), name


def test_an_officer_sees_own_drafts_and_not_another_units(world, officer_a, officer_b):
    assert keys(officer_a, "item", f"{WORD}draft") == {f"item:{world[0].pk}"}
    assert keys(officer_b, "item", f"{WORD}draft") == {f"item:{world[1].pk}"}


def test_a_leader_sees_adopted_items_only(world, leader):
    found = keys(leader, "item", WORD)
    assert found == {f"item:{i.pk}" for i in world if i.state == ItemState.ADOPTED}
    assert found


def test_admins_find_nothing(world, system_admin, security_admin, audit_admin):
    for admin in (system_admin, security_admin, audit_admin):
        assert search(admin, WORD).hits == []
        assert search(admin, WORD).total == 0


def test_visibility_follows_changes(world, officer_a, head_a, editor):
    """A draft becomes visible to the section the moment it is signed off."""
    from submissions import actions
    from submissions.rules import Action

    item = make_item(officer_a, ItemState.AWAITING_SIGNOFF, title="汛期水库巡查")
    assert keys(editor, "item", "水库巡查") == set()
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    assert keys(editor, "item", "水库巡查") == {f"item:{item.pk}"}


def test_inactive_user_finds_nothing(world, editor):
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert keys(editor, "item", WORD) == set()


def test_units_and_kinds_filter_with_counts(world, editor, officer_a):
    from archive.search import facets

    counts = facets(editor, WORD)
    assert counts.total == len(matching_ids(editor, WORD))
    assert counts.counts["kinds"]["item"] == len(keys(editor, "item", WORD))
    unit_a = str(officer_a.unit_id)
    narrowed = matching_ids(editor, WORD, Filters(units=(officer_a.unit_id,)))
    assert counts.counts["units"][unit_a] == len(narrowed)
    # A chosen unit keeps the other units' counts visible (each facet ignores its own filter).
    again = facets(editor, WORD, Filters(units=(officer_a.unit_id,)))
    assert again.counts["units"] == counts.counts["units"]
    assert again.total == len(narrowed)


def test_facet_counts_over_many_matches_are_lower_bounds(world, editor):
    """Past the counting limit the newest matches are counted and the counts say so."""
    from archive.search import facets

    newest = matching_ids(editor, WORD)
    assert len(newest) >= 2
    whole = facets(editor, WORD)
    assert whole.exact
    limit = len(newest) - 1
    capped = facets(editor, WORD, limit=limit)
    assert not capped.exact
    assert capped.total == limit
    assert sum(capped.counts["kinds"].values()) == limit  # each document has one kind
    assert sum(capped.years.values()) == limit
    for name, values in capped.counts.items():
        for value, n in values.items():
            assert n <= whole.counts[name][value]
    assert facets(editor, WORD, limit=len(newest)).exact


def test_date_range_filter(world, editor):
    today = timezone.localdate()
    inside = matching_ids(editor, WORD, Filters(date_from=today - timedelta(days=1), date_to=today))
    assert set(inside) == set(matching_ids(editor, WORD)) - set(
        matching_ids(editor, WORD, Filters(date_to=today - timedelta(days=2)))
    ) - set(matching_ids(editor, WORD, Filters(date_from=today + timedelta(days=1))))
    assert matching_ids(editor, WORD, Filters(date_to=date(2000, 1, 1))) == []


def test_a_new_unit_has_nothing(world, db):
    from org.roles import Role
    from tests.factories import make_user

    stranger = make_user(Role.OFFICER, make_unit("丙县委办公室"))
    assert keys(stranger, "item", WORD) == set()
