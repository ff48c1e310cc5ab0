"""Killing the worker at any moment loses no alert and sends none twice; two workers at once
never double-send.

A step (claim, DeadlineFlip, missed candidate, inbox notifications, deliveries) is one
transaction: made to fail at each point in between, it leaves nothing behind and the next pass
takes it whole. Then real `manage.py run_worker` processes are SIGKILLed while they work and
restarted, and two run side by side, against the test database: PostgreSQL directly, SQLite
through a file copy of pytest's in-memory database (a second process cannot open that one).
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from deadlines import engine, rules
from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from emergencies import deadline_kinds, policy
from emergencies.models import DeadlineRule, ExpectKind, ViolationCandidate
from notify import actions as notify_actions
from notify.models import Channel, ChannelKind, Delivery, Notification
from tests.clock import LAST_SUNDAY
from tests.clock import local as at
from tests.emergencies.emergency_factories import (
    hours,
    minutes,
    open_by_phone,
    row,
    run_until_idle,
    sighting,
    told,
)

ROOT = Path(__file__).resolve().parents[2]
SEEN = at(LAST_SUNDAY, "01:40")
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two workers racing need PostgreSQL's row locks: SQLite's BEGIN IMMEDIATE lets one "
    "writer in at a time, and threads cannot share pytest's in-memory SQLite database",
)


# --- one step, failing half-way -------------------------------------------------------------


@pytest.fixture
def watch(office):
    """An unmatched media sighting of unit A's fire: its watch breaches at 02:15 with a missed
    candidate, a flip, four inbox notifications (officer, head and — nobody holds a shift —
    both duty officers) and a delivery to the unit's channel."""
    Channel.objects.create(
        unit=office["officer_a"].unit,
        kind=ChannelKind.WEBHOOK,
        label="值班群",
        target="http://127.0.0.1:9/hook",
    )
    s = sighting(office["duty"], office["officer_a"].unit, SEEN)
    return ExpectedReport.objects.get(sighting=s)


class Killed(BaseException):
    """The process dying: not an error the worker could catch and carry on from."""


def die(*args, **kwargs):
    raise Killed


def die_after(real):
    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        raise Killed

    return wrapper


@pytest.mark.parametrize(
    ("module", "name", "fail"),
    [
        (deadline_kinds, "missed_candidate", die),  # after the claim and the flip
        (engine, "dispatch", die),  # after the missed candidate
        (
            engine,
            "dispatch",
            die_after(notify_actions.dispatch),
        ),  # after every notification was written
    ],
)
def test_a_step_killed_half_way_leaves_nothing_behind(watch, monkeypatch, module, name, fail):
    before = (watch.stage, watch.next_check_at)
    monkeypatch.setattr(module, name, fail)
    with pytest.raises(Killed):
        engine.run_pass(SEEN + minutes(35))
    watch.refresh_from_db()
    assert (watch.stage, watch.next_check_at) == before
    assert not DeadlineFlip.objects.exists()
    assert not ViolationCandidate.objects.exists()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_a_failing_row_is_set_aside_and_the_others_still_go_out(watch, office, monkeypatch):
    other = sighting(office["duty"], office["officer_a"].unit, SEEN)
    stage_before = watch.stage
    real = engine.take_step

    def broken_for_the_first(pk, now):
        if pk == watch.pk:
            raise RuntimeError("corrupt row")
        return real(pk, now)

    monkeypatch.setattr(engine, "take_step", broken_for_the_first)
    assert engine.run_pass(SEEN + minutes(35)) == 1
    watch.refresh_from_db()
    assert watch.stage == stage_before  # untouched, and looked at again a minute later
    assert watch.next_check_at == SEEN + minutes(35) + engine.POISON_RETRY
    assert DeadlineFlip.objects.get().expected.subject == other


def test_the_next_pass_takes_a_killed_step_whole_and_once(watch, monkeypatch):
    monkeypatch.setattr(engine, "dispatch", die_after(notify_actions.dispatch))
    with pytest.raises(Killed):
        engine.run_pass(SEEN + minutes(35))
    monkeypatch.undo()
    assert engine.run_pass(SEEN + minutes(35)) == 1
    [flip] = DeadlineFlip.objects.all()
    assert (flip.kind, flip.stage) == ("breach", 3)
    assert told(flip) == {"officer_a", "head_a", "duty", "duty2"}
    assert Notification.objects.count() == 4
    assert Delivery.objects.get().key == f"flip:{flip.pk}"
    assert ViolationCandidate.objects.count() == 1


def test_a_second_pass_at_the_same_moment_takes_nothing_new(watch):
    assert engine.run_pass(SEEN + minutes(35)) == 1
    counts = (DeadlineFlip.objects.count(), Notification.objects.count(), Delivery.objects.count())
    assert engine.run_pass(SEEN + minutes(35)) == 1  # the duty officer's escalation, at +0
    assert engine.run_pass(SEEN + minutes(35)) == 0
    assert engine.run_pass(SEEN + minutes(35)) == 0
    assert DeadlineFlip.objects.count() == counts[0] + 1
    assert Notification.objects.count() == counts[1] + 2
    assert Delivery.objects.count() == counts[2]


def test_a_finished_chain_is_never_looked_at_again(watch):
    run_until_idle(SEEN + hours(3))
    watch.refresh_from_db()
    assert (watch.stage, watch.next_check_at, watch.status) == (6, None, ExpectStatus.OPEN)
    assert engine.due_ids(SEEN + hours(48), 1000) == []


# --- real worker processes ------------------------------------------------------------------

# Seeded rows: a written report 35 minutes overdue by more than two hours. With the reminders
# stale, each row owes exactly four steps; nobody holds a duty shift, so the breach reaches
# the unit's officer and head plus the section (office hours) or both duty officers (outside
# them) — four people either way — and the duty officer's escalation both duty officers.
STEPS = [("breach", 3), ("escalation", 4), ("escalation", 5), ("escalation", 6)]
TOLD = {3: 4, 4: 2, 5: 1, 6: 1}


def overdue(office, count: int, start):
    """`count` written reports of unit A due 35 minutes after `start`, none of them taken."""
    # The units' rows only: the section's own call and forwarding upward are not counted here.
    DeadlineRule.objects.update(section_phone_minutes=None, forward_minutes=None)
    incident = open_by_phone(office["duty"], office["officer_a"].unit, start)
    first = row(incident)
    all_steps = rules.steps(first.window_start, first.due_at, policy.rule_for(incident))
    ExpectedReport.objects.bulk_create(
        ExpectedReport(
            subject=incident,
            unit=first.unit,
            kind=ExpectKind.WRITTEN,
            window_start=first.window_start,
            due_at=first.due_at,
            next_check_at=rules.next_check(all_steps, 0),
        )
        for _ in range(count - 1)
    )
    return ExpectedReport.objects.filter(incident=incident, kind=ExpectKind.WRITTEN)


def assert_every_step_taken_once(rows, steps=STEPS):
    flips = list(DeadlineFlip.objects.order_by("expected", "stage"))
    by_row: dict[int, list[tuple[str, int]]] = {}
    for flip in flips:
        by_row.setdefault(flip.expected_id, []).append((flip.kind, flip.stage))
    assert set(by_row) == {r.pk for r in rows}
    assert all(taken == steps for taken in by_row.values())
    assert not rows.exclude(stage=steps[-1][1]).exists()
    told_per_flip = Counter(
        Notification.objects.filter(key__startswith="flip:").values_list("key", flat=True)
    )
    assert told_per_flip == {f"flip:{flip.pk}": TOLD[flip.stage] for flip in flips}


class WorkerDatabase:
    """The test database as a worker process reaches it."""

    def __init__(self, tmp_path: Path) -> None:
        self.file: Path | None = None
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            self.file = tmp_path / "worker.sqlite3"
            url = f"sqlite:///{self.file}"
        else:
            url = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        self.env = {**os.environ, "DATABASE_URL": url, "XINBAO_VAR_DIR": str(settings.VAR_DIR)}
        self.logs = tmp_path
        self.procs: list[subprocess.Popen] = []

    def hand_over(self) -> None:
        """SQLite: copy the in-memory test database to the file the workers open."""
        if self.file is not None:
            connection.ensure_connection()
            with closing(sqlite3.connect(self.file)) as dest:
                connection.connection.backup(dest)

    def take_back(self) -> None:
        """SQLite: copy the workers' file back over the test database, for the ORM to read."""
        if self.file is not None:
            with closing(sqlite3.connect(self.file)) as source:
                source.backup(connection.connection)

    def flips(self) -> int:
        if self.file is None:
            return DeadlineFlip.objects.count()
        with closing(sqlite3.connect(self.file, timeout=20)) as db:
            return db.execute("SELECT COUNT(*) FROM emergencies_deadlineflip").fetchone()[0]

    def start(self) -> subprocess.Popen:
        with (self.logs / f"worker-{len(self.procs) + 1}.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc

    def output(self) -> str:
        return "".join(
            path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log"))
        )

    def wait_for(self, done, procs, what: str, patience: float = 120) -> None:
        """Poll until done(); a timeout or a worker that died by itself fails the test."""
        give_up = time.monotonic() + patience
        while not done():
            for proc in procs:
                assert proc.poll() is None, f"a worker exited while {what}:\n{self.output()}"
            assert time.monotonic() < give_up, f"gave up waiting for {what}:\n{self.output()}"
            time.sleep(0.01)


@pytest.fixture
def workers(tmp_path):
    db = WorkerDatabase(tmp_path)
    yield db
    for proc in db.procs:  # never leave a worker behind, whatever failed
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def stop(procs) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)  # finish the round, then exit
    for proc in procs:
        proc.wait(timeout=60)


@pytest.mark.wallclock  # a real worker process: its clock cannot be pinned
@pytest.mark.django_db(transaction=True)
def test_killing_a_real_worker_again_and_again_loses_no_step_and_repeats_none(
    seeded, office, workers
):
    rows = overdue(office, 40, timezone.now() - hours(3))
    total = len(STEPS) * rows.count()
    workers.hand_over()
    for _ in range(5):
        before = workers.flips()
        proc = workers.start()
        workers.wait_for(lambda b=before: workers.flips() > b, [proc], "the worker's first step")
        time.sleep(random.uniform(0, 0.05))  # then kill -9 at an arbitrary moment
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    last = workers.start()
    workers.wait_for(lambda: workers.flips() >= total, [last], "the last worker to finish")
    stop([last])
    workers.take_back()
    assert "round failed" not in workers.output()
    assert_every_step_taken_once(rows)


@pytest.mark.wallclock  # a real worker process: its clock cannot be pinned
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_side_by_side_take_every_step_once(seeded, office, workers):
    rows = overdue(office, 30, timezone.now() - hours(3))
    total = len(STEPS) * rows.count()
    workers.hand_over()
    pair = [workers.start(), workers.start()]
    workers.wait_for(lambda: workers.flips() >= total, pair, "two workers to finish")
    stop(pair)
    workers.take_back()
    assert "round failed" not in workers.output()
    assert_every_step_taken_once(rows)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_300_due_rows_take_every_step_exactly_once(seeded, office):
    now = at(LAST_SUNDAY, "02:45")  # the breach and the duty officer's escalation are due
    rows = overdue(office, 300, at(LAST_SUNDAY, "02:00"))
    taken, errors = [0, 0], []
    barrier = threading.Barrier(2)

    def work(n: int) -> None:
        try:
            barrier.wait()
            while step := engine.run_pass(now):
                taken[n] += step
        except Exception as exc:  # an IntegrityError here would be a double send
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(taken) == 2 * 300
    assert_every_step_taken_once(rows, STEPS[:2])
