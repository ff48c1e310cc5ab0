"""The roster: changing a unit's officer keeps the history, audited; leave and training are
recorded; each officer's output is counted by author and period; the turnover threshold is
policy. Through the real actions and pages."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from audit.models import AuditEntry
from org.models import Unit
from org.roles import Role
from roster import actions, rules
from roster.models import Appointment, Employment, Leave, Post, RosterPolicy, TrainingSession
from submissions.models import ItemState
from tests.clock import TODAY
from tests.factories import make_item, make_user


@pytest.fixture
def successor(unit_a):
    return make_user(Role.OFFICER, unit_a, username="successor_a", full_name="李继任")


def test_changing_the_officer_ends_the_old_appointment_and_starts_a_new_one(
    chief, officer_a, successor, unit_a
):
    new = actions.appoint(chief, unit_a, Post.MAIN, successor, Employment.FULL_TIME, "13900000001")
    unit_a.refresh_from_db()
    assert unit_a.officer == successor
    rows = list(Appointment.objects.filter(unit=unit_a).order_by("pk"))
    assert [(a.person, a.started_at is None, a.ended_at is None) for a in rows] == [
        (officer_a, True, False),  # named before the roster: history from here
        (successor, False, True),
    ]
    assert new is not None and rows[0].ended_at == new.started_at
    entry = AuditEntry.objects.filter(action="roster_appointed").get()
    assert entry.data["before"] == officer_a.pk and entry.data["after"] == successor.pk


def test_changing_back_and_forth_keeps_every_period(chief, officer_a, successor, unit_a):
    actions.appoint(chief, unit_a, Post.MAIN, successor)
    actions.appoint(chief, unit_a, Post.MAIN, officer_a)
    people = list(
        Appointment.objects.filter(unit=unit_a).order_by("pk").values_list("person", "ended_at")
    )
    assert [p for p, _end in people] == [officer_a.pk, successor.pk, officer_a.pk]
    assert [end is None for _p, end in people] == [False, False, True]
    unit_a.refresh_from_db()
    assert unit_a.officer == officer_a


def test_vacating_the_main_post_leaves_the_unit_without_a_named_officer(chief, officer_a, unit_a):
    assert actions.appoint(chief, unit_a, Post.MAIN, None) is None
    unit_a.refresh_from_db()
    assert unit_a.officer is None
    assert not Appointment.objects.filter(unit=unit_a, ended_at__isnull=True).exists()


def test_someone_of_another_unit_cannot_hold_a_post(chief, officer_a, officer_b, unit_a):
    with pytest.raises(actions.ActionError, match="本单位"):
        actions.appoint(chief, unit_a, Post.A, officer_b)
    assert not Appointment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="roster_").exists()


def test_the_chief_changes_the_officer_on_the_roster_page(
    client_of, chief, officer_a, successor, unit_a
):
    client = client_of(chief)
    url = reverse("roster:appoint", args=[unit_a.pk])
    data = {"post": "main", "person": successor.pk, "employment": "full", "phone": "139"}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("roster:unit", args=[unit_a.pk])).content.decode()
    current = page[page.index('id="current"') : page.index('id="history"')]
    history = page[page.index('id="history"') : page.index('id="leaves"')]
    assert "李继任" in current and "专职" in current
    assert officer_a.full_name in history and "李继任" not in history


def test_a_bad_post_is_refused_with_a_message_and_nothing_written(client_of, chief, unit_a):
    url = reverse("roster:appoint", args=[unit_a.pk])
    response = client_of(chief).post(url, {"post": "boss", "employment": "full"})
    assert response.status_code == 400
    assert "选择" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_leave_ending_before_it_starts_is_refused(client_of, chief, officer_a, unit_a):
    url = reverse("roster:leave", args=[unit_a.pk])
    data: dict[str, object] = {"person": officer_a.pk}
    data["first_day"] = TODAY.replace(day=5).isoformat()
    data["last_day"] = TODAY.replace(day=1).isoformat()
    response = client_of(chief).post(url, data)
    assert response.status_code == 400
    assert not Leave.objects.exists()


def test_the_units_officer_reads_the_roster_but_cannot_change_it(
    client_of, officer_a, successor, unit_a
):
    client = client_of(officer_a)
    page = client.get(reverse("roster:unit", args=[unit_a.pk]))
    assert page.status_code == 200 and 'id="appoint"' not in page.content.decode()
    url = reverse("roster:appoint", args=[unit_a.pk])
    assert client.post(url, {"post": "main", "person": successor.pk}).status_code == 403
    unit_a.refresh_from_db()
    assert unit_a.officer == officer_a


def test_output_is_counted_by_author_and_period_not_by_who_holds_the_post(
    client_of, chief, editor, head_a, officer_a, successor, unit_a
):
    make_item(officer_a, ItemState.ADOPTED, head=head_a, editor=editor)
    make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    make_item(officer_a, ItemState.DRAFT)  # never left the unit: not counted
    actions.appoint(chief, unit_a, Post.MAIN, successor)
    make_item(successor, ItemState.SUBMITTED, head=head_a)
    from insight.health import output

    written = output(unit_a.pk)

    periods = {}
    for a in Appointment.objects.filter(unit=unit_a):
        period = rules.Period(a.person_id, True, a.started_at, a.ended_at)
        periods[a.person_id] = rules.output_of(written, period)
    assert (periods[officer_a.pk].items, periods[officer_a.pk].adopted) == (2, 1)
    assert (periods[successor.pk].items, periods[successor.pk].adopted) == (1, 0)
    page = client_of(chief).get(reverse("roster:unit", args=[unit_a.pk])).content.decode()
    history = page[page.index('id="history"') : page.index('id="leaves"')]
    assert "2 条信息，采用 1 条" in history


def test_training_is_recorded_and_shown_on_the_roster(client_of, chief, officer_a, unit_a):
    session = actions.record_training(chief, TODAY, "信息写作培训", "信息科", [officer_a])
    assert list(session.attendees.all()) == [officer_a]
    assert AuditEntry.objects.filter(action="roster_training_recorded").count() == 1
    page = client_of(chief).get(reverse("roster:unit", args=[unit_a.pk])).content.decode()
    assert "信息写作培训" in page


def test_a_training_needs_a_topic(chief, officer_a):
    with pytest.raises(actions.ActionError):
        actions.record_training(chief, TODAY, "  ", "信息科", [officer_a])
    assert not TrainingSession.objects.exists()


def test_the_chief_edits_the_turnover_threshold_audited(client_of, chief, editor):
    url = reverse("roster:policy")
    assert client_of(editor).post(url, {"turnover_threshold": "5"}).status_code == 403
    assert client_of(chief).post(url, {"turnover_threshold": "5"}).status_code == 302
    assert RosterPolicy.current().turnover_threshold == 5
    entry = AuditEntry.objects.filter(action="roster_policy_changed").get()
    assert entry.data == {"before": {"turnover_threshold": 2}, "after": {"turnover_threshold": 5}}


def test_the_migration_makes_an_appointment_of_every_named_officer(officer_a, officer_b, unit_b):
    carry_over = import_module("roster.migrations.0002_appointments_from_named_officers")
    Unit.objects.filter(pk=unit_b.pk).update(officer=None)
    carry_over.carry_over(apps, None)
    carry_over.carry_over(apps, None)  # run twice: nothing doubled
    rows = list(Appointment.objects.values_list("person", "post", "started_at", "ended_at"))
    assert rows == [(officer_a.pk, "main", None, None)]
