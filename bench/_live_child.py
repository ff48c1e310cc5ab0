"""The part of the live-ranking benchmark that runs inside Django, against a fresh database.

    python -m bench._live_child build '{"units": 1000, "lines": 1000000, "year": 2025}'
    python -m bench._live_child measure '{"year": 2025, "events": 40, "steps": 20, "baseline": 3}'

`build` writes the ranking benchmark's corpus (`bench._ranking_child.build`) and then rebuilds
every year once, which counts the changes the corpus queued: the worker starts idle.
`measure` starts the real worker (`manage.py run_worker`, its default interval), records
adoptions one at a time and times, for each, the moment its transaction commits to the
moment `scoring.queries.rankings` shows the unit's new total; then stops the worker and times
the worker's step alone (`scoring.live.catch_up` after an adoption) and the baseline: the same
adoption followed by the full rebuild of the year the chief's 重算 button runs today.
Progress goes to stderr; the command's result, one JSON object, is the last line on stdout.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench._common import PYTHON, ROOT, log, percentile
from bench._ranking_child import _setup
from bench._ranking_child import build as build_corpus

POLL_S = 0.005  # between two ranking reads while waiting for an adoption to show


def build(units: int, lines: int, year: int) -> dict[str, Any]:
    from archive.models import Pending
    from scoring import actions
    from scoring.models import LedgerChange

    built = build_corpus(units, lines, year)
    # The search index's outbox holds every item written: a production index would be up to
    # date, so the worker's first round is not spent indexing the corpus (the search index is
    # not what this benchmark measures; each adoption below still queues its item for it).
    Pending.objects.all().delete()
    queued = LedgerChange.objects.count()
    t = time.monotonic()
    actions.rebuild(None)
    took = time.monotonic() - t
    log(f"build: rebuilt every year, counting {queued:,} queued changes, in {took:.1f} s")
    built["queued_by_build"] = queued
    return built


class Event:
    """One adoption by a random unit's item, recorded in its own transaction."""

    def __init__(self, year: int, seed: int = 13) -> None:
        from bulletins.models import Publication
        from org.models import User
        from submissions.models import InfoItem

        self.year = year
        self.rng = random.Random(seed)
        self.publication = Publication.objects.get(code="province")
        # Items the province has not adopted yet (an item is adopted once per publication).
        self.items = list(
            InfoItem.objects.exclude(adoptions__publication=self.publication)
            .order_by("pk")
            .values_list("pk", "unit_id")[:50_000]
        )
        self.rng.shuffle(self.items)
        self.chief = User.objects.get(username="chief")
        self.day = 0

    def pick(self) -> tuple[int, int]:
        """A random item not adopted by the province yet, and its lead unit."""
        return self.items.pop()

    def record(self, item_id: int) -> float:
        """Adopt the item; returns the monotonic moment the commit returned."""
        from datetime import date, timedelta

        from django.db import transaction

        from bulletins.models import Adoption, AdoptionLevel

        self.day = (self.day + 1) % 360
        with transaction.atomic():
            Adoption.objects.create(
                item_id=item_id,
                publication=self.publication,
                level=AdoptionLevel.PROVINCE,
                adopted_on=date(self.year, 1, 1) + timedelta(days=self.day),
                recorded_by=self.chief,
            )
        return time.monotonic()


def _total(year: int, unit_id: int) -> Any:
    from scoring import queries

    period = queries.Period(year, "")
    for board in queries.rankings(period):
        for place in board.places:
            if place.standing.unit == unit_id:
                return place.standing.total
    raise LookupError(unit_id)


def _wait_shown(year: int, unit_id: int, before: Any, committed: float, limit_s: float) -> float:
    """Read the ranking until the unit's total moves; the seconds since `committed`."""
    while True:
        if _total(year, unit_id) != before:
            return time.monotonic() - committed
        if time.monotonic() - committed > limit_s:
            raise TimeoutError(f"unit {unit_id}: the adoption did not reach the ranking")
        time.sleep(POLL_S)


def _start_worker() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "run_worker"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from xinbao.core.worker import worker_alive

    deadline = time.monotonic() + 60
    while not worker_alive():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("the worker did not start")
        time.sleep(0.1)
    return proc


def measure(year: int, events: int, steps: int, baseline: int) -> dict[str, Any]:
    from scoring import actions, live
    from scoring.models import LedgerChange

    event = Event(year)
    rng = random.Random(2026)

    log(f"measure: worker started; {events} adoptions, each waited for in the ranking")
    worker = _start_worker()
    latencies = []
    try:
        for n in range(events):
            time.sleep(rng.uniform(0, 1.0))  # not in step with the worker's idle interval
            item_id, unit_id = event.pick()
            before = _total(year, unit_id)
            committed = event.record(item_id)
            latencies.append(_wait_shown(year, unit_id, before, committed, limit_s=120))
            log(f"measure: adoption {n + 1}/{events} shown after {latencies[-1] * 1000:.0f} ms")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    live.catch_up_all()
    assert not LedgerChange.objects.exists()

    log(f"measure: the worker's step alone, {steps} times")
    step_s = []
    for _ in range(steps):
        event.record(event.pick()[0])
        t = time.monotonic()
        live.catch_up()
        step_s.append(time.monotonic() - t)

    log(f"measure: baseline, {baseline} adoption(s) each followed by the full rebuild of {year}")
    baseline_s = []
    for n in range(baseline):
        item_id, unit_id = event.pick()
        before = _total(year, unit_id)
        committed = event.record(item_id)
        actions.rebuild(year)
        baseline_s.append(_wait_shown(year, unit_id, before, committed, limit_s=1))
        log(f"measure: baseline {n + 1}/{baseline}: {baseline_s[-1]:.1f} s")
        live.catch_up_all()  # the rebuild of one year leaves the change queued

    latencies.sort()
    step_s.sort()
    baseline_s.sort()
    return {
        "latency_p50_ms": percentile(latencies, 50) * 1000,
        "latency_p95_ms": percentile(latencies, 95) * 1000,
        "latency_max_ms": latencies[-1] * 1000,
        "step_p50_ms": percentile(step_s, 50) * 1000,
        "step_p95_ms": percentile(step_s, 95) * 1000,
        "baseline_p50_ms": percentile(baseline_s, 50) * 1000,
        "baseline_p95_ms": percentile(baseline_s, 95) * 1000,
        "events": events,
        "steps": steps,
        "baseline_events": baseline,
    }


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], json.loads(argv[1])
    commands: dict[str, Callable[..., dict[str, Any]]] = {"build": build, "measure": measure}
    result = commands[command](**args)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
