"""The background worker loop: deadline steps, the search index and the points ledger catching
up, then notification deliveries, then a heartbeat.

Each step is a function returning how much it did (the healthchecks `process_one_*` shape);
the loop sleeps only when a whole round found nothing to do. Any number of workers can run:
every claim is a conditional UPDATE.
"""

import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

from django.db import close_old_connections
from django.utils import timezone

from xinbao.core.models import WorkerHeartbeat

HEARTBEAT_FRESH = timedelta(seconds=30)


def worker_alive() -> bool:
    cutoff = timezone.now() - HEARTBEAT_FRESH
    return WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).exists()


class Worker:
    def __init__(self, interval: float = 1.0, log: Callable[[str], None] = print) -> None:
        self.interval = interval
        self.log = log
        self.stopping = False
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.beaten_at = timezone.now()  # the first beat ends the first round

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.log(f"{signal.strsignal(signum)}: finishing the current round")
        self.stopping = True

    def round(self) -> tuple[int, int]:
        from archive.index import build_step, drain
        from archive.subscriptions import announce_new
        from audit.scheduled import run_due as audit_checkpoint
        from deadlines.engine import run_pass
        from duty.schedule import ensure_due as expect_zero_reports
        from federation.outbox import send_due
        from notify.worker import process_deliveries
        from scoring.live import catch_up

        # The search index's outbox is applied here too, and only here are saved-search
        # subscribers told of new matches (a search drains the outbox but announces nothing).
        # Once a day the audit log is archived by retention, verified and checkpointed.
        # The points ledger counts the adoptions, instructions, violations and policy edits
        # queued since the last round (the rankings are live within a round).
        # The zero reports of today and tomorrow become expected reports before the engine runs.
        expect_zero_reports()
        steps = 0
        # A duty can take long (the ledger's step after a large import, a step of a full build):
        # the worker beats between them, so that a round of several long duties is not a dead
        # worker for /healthz (`HEARTBEAT_FRESH`).
        # A full build of a tantivy index is taken a step per round, between the others.
        for duty in (run_pass, drain, announce_new, audit_checkpoint, catch_up, build_step):
            steps += duty()
            self.keep_fresh()
        # Federation messages to the other level leave from their outbox, retried with backoff.
        sent = process_deliveries() + send_due()
        return steps, sent

    def idle_sleep(self) -> float:
        """Sleep until the next deadline step falls due, at most one interval."""
        from deadlines.models import ExpectedReport, ExpectStatus

        upcoming = (
            ExpectedReport.objects.filter(status=ExpectStatus.OPEN, next_check_at__isnull=False)
            .order_by("next_check_at")
            .values_list("next_check_at", flat=True)
            .first()
        )
        if upcoming is None:
            return self.interval
        wait = (upcoming - timezone.now()).total_seconds()
        return min(self.interval, max(0.01, wait))

    def keep_fresh(self) -> None:
        """Beat within a round once a third of `HEARTBEAT_FRESH` has passed since the last."""
        if timezone.now() - self.beaten_at >= HEARTBEAT_FRESH / 3:
            self.beat(0, 0)

    def beat(self, steps: int, sent: int) -> None:
        now = self.beaten_at = timezone.now()
        updated = WorkerHeartbeat.objects.filter(name=self.name).update(beat_at=now)
        if not updated:
            WorkerHeartbeat.objects.create(name=self.name, started_at=now, beat_at=now)
        if steps or sent:
            from django.db.models import F

            WorkerHeartbeat.objects.filter(name=self.name).update(
                passes=F("passes") + 1,
                steps_taken=F("steps_taken") + steps,
                deliveries=F("deliveries") + sent,
            )

    def run(self, rounds: int | None = None) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.log(f"worker {self.name} running, interval {self.interval}s")
        done = 0
        while not self.stopping and (rounds is None or done < rounds):
            close_old_connections()
            try:
                steps, sent = self.round()
            except Exception as exc:  # keep the loop alive; the row will be retried
                self.log(f"round failed: {exc!r}")
                steps, sent = 0, 0
            self.beat(steps, sent)
            if steps or sent:
                self.log(f"{steps} deadline step(s), {sent} deliver(y/ies)")
            done += 1
            if not (steps or sent):
                time.sleep(self.idle_sleep())
        WorkerHeartbeat.objects.filter(name=self.name).delete()
        self.log("worker stopped")
