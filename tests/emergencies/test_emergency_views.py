"""The emergency screens, persona by persona: logging and writing reports, signing them off,
who sees what, the deadline table, query counts, and /healthz's view of the worker.

Views take the real clock, so the times posted here are a little in the past."""

import signal
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from deadlines import engine
from deadlines.fields import ESCALATION_ROWS, REMINDER_ROWS
from deadlines.models import DeadlineFlip, ExpectStatus
from emergencies import actions
from emergencies.models import (
    DeadlineRule,
    Incident,
    IncidentReport,
    ReportKind,
    ReportState,
)
from tests.emergencies.emergency_factories import (
    PhoneCall,
    content,
    hours,
    minutes,
    open_by_phone,
    open_in_writing,
    row,
)
from tests.factories import ADMINS
from xinbao.core.models import WorkerHeartbeat
from xinbao.core.worker import Worker, worker_alive

pytestmark = pytest.mark.django_db
NEW = "/emergencies/new/"


def field(moment) -> str:
    """A datetime-local input's value."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def incident_form(**overrides) -> dict:
    ago = timezone.now() - minutes(10)
    data = {
        "title": "甲区某化工厂仓库火灾",
        "category": "accident",
        "level": "2",
        "place": "甲区经开区某化工厂",
        "occurred_at": field(ago - minutes(5)),
        "known_at": field(ago),
        "summary": "仓库起火，明火已扑灭，无人员被困。",
        "deaths": "0",
        "injuries": "0",
        "measures": "消防救援力量已到场处置。",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def phone_form(unit, **overrides) -> dict:
    call = {
        "unit": str(unit.pk),
        "caller": "张三",
        "caller_phone": "13800000000",
        "called_at": field(timezone.now() - minutes(8)),
    }
    return incident_form(**{**call, **overrides})


# --- logging and writing reports ------------------------------------------------------------


def test_the_duty_officer_logs_a_phone_report(client_of, duty_officer, officer_a):
    response = client_of(duty_officer).post(NEW, phone_form(officer_a.unit))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("emergencies:detail", args=[incident.pk])
    report = incident.reports.get()
    assert (report.channel, report.state, report.caller) == ("phone", ReportState.RECEIVED, "张三")
    assert list(incident.responsible_units.all()) == [officer_a.unit]
    assert row(incident).status == ExpectStatus.OPEN  # the written report is still owed


def test_an_officer_writes_the_initial_report_for_their_own_unit_only(client_of, officer_a, unit_b):
    response = client_of(officer_a).post(NEW, incident_form(unit=str(unit_b.pk)))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert list(incident.responsible_units.all()) == [officer_a.unit]
    report = incident.reports.get()
    assert (report.channel, report.state, report.author) == (
        "written",
        ReportState.AWAITING_SIGNOFF,
        officer_a,
    )


def test_a_unit_head_cannot_open_an_incident(client_of, head_a):
    assert client_of(head_a).post(NEW, incident_form()).status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"known_at": field(timezone.now() + hours(2))},
        {"category": "social", "level": "2"},
        {"deaths": None, "injuries": None},
        {"measures": ""},
        {
            "occurred_at": field(timezone.now() - minutes(1)),
            "known_at": field(timezone.now() - hours(1)),
        },
    ],
    ids=["future", "social-with-level", "no-casualties", "no-measures", "known-before-it-happened"],
)
def test_bad_input_is_shown_back_and_nothing_is_written(client_of, duty_officer, officer_a, bad):
    response = client_of(duty_officer).post(NEW, phone_form(officer_a.unit, **bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Incident.objects.exists()
    assert not IncidentReport.objects.exists()


# --- sign-off -------------------------------------------------------------------------------


@pytest.fixture
def written(officer_a):
    """Unit A's written initial report, awaiting its head's sign-off."""
    return open_in_writing(officer_a, timezone.now() - minutes(10))


def sign_off_url(report) -> str:
    return f"/emergencies/reports/{report.pk}/sign-off/"


def test_the_unit_head_signs_the_report_off(client_of, head_a, written):
    response = client_of(head_a).post(sign_off_url(written))
    assert response.status_code == 302
    written.refresh_from_db()
    assert (written.state, written.signed_off_by) == (ReportState.RECEIVED, head_a)
    assert row(written.incident).status == ExpectStatus.MET


def test_the_officer_cannot_sign_off_their_own_report(client_of, officer_a, written):
    client_of(officer_a).post(sign_off_url(written))
    written.refresh_from_db()
    assert written.state == ReportState.AWAITING_SIGNOFF


def test_another_units_head_does_not_even_see_the_report(client_of, head_b, written):
    assert client_of(head_b).post(sign_off_url(written)).status_code == 404
    written.refresh_from_db()
    assert written.state == ReportState.AWAITING_SIGNOFF


def test_sign_off_takes_post_only(client_of, head_a, written):
    assert client_of(head_a).get(sign_off_url(written)).status_code == 405


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture
def fire(duty_officer, officer_a):
    return open_by_phone(duty_officer, officer_a.unit, timezone.now() - minutes(20))


@pytest.mark.parametrize(
    "who", ["officer_a", "head_a", "editor", "chief", "duty_officer", "leader"]
)
def test_the_unit_the_section_the_duty_office_and_leaders_see_the_incident(
    client_of, personas, fire, who
):
    assert client_of(personas[who]).get(f"/emergencies/{fire.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["officer_b", "head_b"])
def test_another_unit_gets_404_on_the_incident(client_of, personas, fire, who):
    assert client_of(personas[who]).get(f"/emergencies/{fire.pk}/").status_code == 404


def test_another_units_board_does_not_list_the_incident(client_of, officer_b, fire):
    response = client_of(officer_b).get("/emergencies/")
    assert response.status_code == 200
    assert fire.title not in response.content.decode()


def test_the_unit_officers_board_lists_it(client_of, officer_a, fire):
    assert fire.title in client_of(officer_a).get("/emergencies/").content.decode()


@pytest.mark.parametrize("admin", ADMINS)
def test_administrators_are_kept_off_the_board(client_of, personas, admin):
    assert client_of(personas[admin]).get("/emergencies/").status_code == 403


# --- the deadline table ---------------------------------------------------------------------


def table_form(**changes) -> dict:
    """Every row of the table as posted, with `changes` keyed 'accident-3-written_minutes'.

    Reminder points are posted as percentages, one row each (a change gives the list, e.g.
    ["50", "150"]); escalation steps as (minutes, role) rows (a change gives the list of
    pairs). Rows left over are posted empty, as the page posts them."""
    data = {}
    for rule in DeadlineRule.objects.all():
        values: dict[str, Any] = {
            "phone_minutes": rule.phone_minutes,
            "written_minutes": rule.written_minutes,
            "followup_hours": rule.followup_hours,
            "followup_times": rule.followup_times,
            "forward_minutes": rule.forward_minutes,
            "section_phone_minutes": rule.section_phone_minutes,
            # Written out by hand, not by the field under test: 0.5 → "50".
            "reminder_fractions": [
                str(round(float(f) * 100)) for f in rule.reminder_fractions.split(",") if f
            ],
            "escalation": [(s["after"], s["role"]) for s in rule.escalation],
        }
        for name, value in values.items():
            key = f"{rule.category}-{rule.level or 'x'}-{name}"
            value = changes.get(key, value)
            if name == "reminder_fractions":
                for i in range(REMINDER_ROWS):
                    data[f"r{rule.pk}-{name}_{i}"] = value[i] if i < len(value) else ""
            elif name == "escalation":
                for i in range(ESCALATION_ROWS):
                    minutes, role = value[i] if i < len(value) else ("", "")
                    data[f"r{rule.pk}-{name}_{2 * i}"] = str(minutes)
                    data[f"r{rule.pk}-{name}_{2 * i + 1}"] = role
            else:
                data[f"r{rule.pk}-{name}"] = "" if value is None else str(value)
    return data


def accident(level: str) -> DeadlineRule:
    return DeadlineRule.objects.get(category="accident", level=level)


def test_the_chief_edits_the_table_with_an_audit_entry(client_of, chief):
    response = client_of(chief).post(
        "/emergencies/policy/", table_form(**{"accident-3-written_minutes": 45})
    )
    assert response.status_code == 302
    assert accident("3").written_minutes == 45
    [entry] = AuditEntry.objects.filter(action="deadline_rule_changed")
    assert entry.actor == chief
    assert (entry.data["before"]["written_minutes"], entry.data["after"]["written_minutes"]) == (
        60,
        45,
    )


def test_an_escalation_edit_is_saved_in_order(client_of, chief):
    client_of(chief).post(
        "/emergencies/policy/",
        table_form(**{"accident-3-escalation": [(20, "secretary_general"), (0, "duty_officer")]}),
    )
    assert accident("3").escalation == [
        {"after": 0, "role": "duty_officer"},
        {"after": 20, "role": "secretary_general"},
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"accident-4-written_minutes": 0},
        {"accident-4-followup_times": "08:00,25:00"},
        {"accident-4-reminder_fractions": ["50", "150"]},
        {"accident-4-escalation": [(15, "mayor")]},
        {"accident-4-phone_minutes": 400},  # after the 360-minute written deadline
    ],
    ids=["zero-minutes", "bad-time", "bad-fraction", "unknown-role", "phone-after-written"],
)
def test_a_bad_value_saves_nothing_at_all(client_of, chief, bad):
    response = client_of(chief).post(
        "/emergencies/policy/", table_form(**{"accident-3-written_minutes": 45}, **bad)
    )
    assert response.status_code == 200
    assert accident("3").written_minutes == 60
    assert accident("4").written_minutes == 360
    assert not AuditEntry.objects.filter(action="deadline_rule_changed").exists()


def test_an_editor_may_read_the_table_but_not_edit_it(client_of, editor):
    assert client_of(editor).get("/emergencies/policy/").status_code == 200
    response = client_of(editor).post(
        "/emergencies/policy/", table_form(**{"accident-3-written_minutes": 45})
    )
    assert response.status_code == 403
    assert accident("3").written_minutes == 60


# --- query counts ---------------------------------------------------------------------------


def queries(client, url: str) -> int:
    """Queries of a warm page: the first request also creates one-off rows (office hours)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def fires(duty, unit, count: int) -> None:
    for n in range(count):
        open_by_phone(duty, unit, timezone.now() - hours(3) + minutes(n), title=f"火灾{n}")


def test_the_board_does_not_query_per_incident(
    client_of, chief, duty_officer, officer_a, django_assert_max_num_queries
):
    client = client_of(chief)
    fires(duty_officer, officer_a.unit, 3)
    with_three = queries(client, "/emergencies/")
    fires(duty_officer, officer_a.unit, 12)
    with django_assert_max_num_queries(with_three):
        client.get("/emergencies/")


def add_followups(duty, incident, count: int) -> None:
    unit = incident.responsible_units.get()
    for n in range(count):
        at = timezone.now() - minutes(60 - n)
        actions.do_add_report(
            duty,
            incident.pk,
            ReportKind.FOLLOWUP,
            content(summary=f"续报{n}"),
            unit=unit,
            call=PhoneCall("张三", "13800000000", at),
            now=at,
        )


def test_the_incident_page_does_not_query_per_report_or_flip(
    client_of, chief, duty_officer, officer_a, django_assert_max_num_queries
):
    client = client_of(chief)
    # The unit's rows only: the section's own duties upward would add steps of their own.
    DeadlineRule.objects.update(section_phone_minutes=None, forward_minutes=None)
    fire = open_by_phone(duty_officer, officer_a.unit, timezone.now() - hours(3))
    add_followups(duty_officer, fire, 2)
    engine.run_pass()  # the written report is long overdue: the breach
    with_three = queries(client, f"/emergencies/{fire.pk}/")
    add_followups(duty_officer, fire, 12)
    engine.run_pass()
    engine.run_pass()  # two escalations
    assert DeadlineFlip.objects.count() == 3
    with django_assert_max_num_queries(with_three):
        client.get(f"/emergencies/{fire.pk}/")


# --- /healthz and the worker ----------------------------------------------------------------


def test_healthz_says_the_worker_is_down_without_a_heartbeat(client):
    assert client.get("/healthz").json() == {"status": "ok", "db": "ok", "worker": "down"}


def test_healthz_says_ok_with_a_fresh_heartbeat(client):
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="host:1", started_at=now, beat_at=now)
    assert client.get("/healthz").json()["worker"] == "ok"


def test_a_stale_heartbeat_is_a_dead_worker(client):
    then = timezone.now() - timedelta(minutes=1)
    WorkerHeartbeat.objects.create(name="host:1", started_at=then, beat_at=then)
    assert client.get("/healthz").json()["worker"] == "down"


@pytest.fixture
def own_signal_handlers():
    """Worker.run installs SIGTERM/SIGINT handlers; give pytest its own back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.mark.django_db(transaction=True)  # the worker closes a connection left in a transaction
def test_a_worker_round_beats_takes_the_due_step_and_clears_its_heartbeat(
    seeded, client, fire, own_signal_handlers
):
    alive = []

    def log(line: str) -> None:  # before the round, after its beat, and on the way out
        alive.append(worker_alive())
        if "deadline step" in line:
            alive.append(client.get("/healthz").json()["worker"])

    Worker(interval=0, log=log).run(rounds=1)
    assert alive == [False, True, "ok", False]
    assert DeadlineFlip.objects.filter(expected=row(fire)).count() == 1  # the first reminder
    assert not WorkerHeartbeat.objects.exists()


def test_a_round_of_long_duties_keeps_the_worker_alive(seeded, _pinned_clock, monkeypatch):
    """A round whose duties take long (the ledger after an import of a million items, a step of
    a full build) beats between them: /healthz does not call a working worker dead."""
    from archive import index
    from scoring import live

    worker = Worker(log=lambda _: None)
    worker.beat(0, 0)
    alive = []

    def slow(duty):
        def twenty_seconds() -> int:
            done = duty()
            _pinned_clock.shift(timedelta(seconds=20))
            alive.append(worker_alive())
            return done

        return twenty_seconds

    monkeypatch.setattr(index, "drain", slow(index.drain))
    monkeypatch.setattr(live, "catch_up", slow(live.catch_up))
    worker.round()
    assert alive == [True, True]
