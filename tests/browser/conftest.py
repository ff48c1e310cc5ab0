"""Browser tests: Playwright (sync API) driving the operating system's Chromium, headless,
against pytest-django's live server. The `browser` fixture itself is tests/chromium.py's,
registered once for the whole run by tests/conftest.py."""

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import DEFAULT_TIMEOUT_MS
from tests.seeds import reseed

BROWSER_DIR = Path(__file__).resolve().parent
_pages = pytest.StashKey[tuple[Path, list[Any]]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only the ones in this directory.
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """When a browser test fails, save every page it had open and name the files in the
    failure report."""
    report = yield
    pages = item.stash.get(_pages, None)
    if report.when == "call" and report.failed and pages:
        folder, contexts = pages
        name = re.sub(r"[^\w.-]+", "_", item.name)
        lines = []
        for n, page in enumerate(p for context in contexts for p in context.pages):
            shot = folder / f"failure-{name}-{n}.png"
            try:
                page.screenshot(path=shot, full_page=True)
            except Exception as exc:  # a crashed page must not hide the real failure
                lines.append(f"could not screenshot {page.url}: {exc}")
            else:
                lines.append(f"{page.url} -> {shot}")
        report.sections.append(("browser screenshots", "\n".join(lines)))
    return report


@pytest.fixture
def seeded(transactional_db: Any) -> None:
    """What the migrations seed (the official calendar, the deadline table, the point table,
    unit classes and awards, the eligibility rule, notice and archive policies), seeded again.

    Live-server tests are transactional: each ends by flushing every table, so the next one
    would start without the calendar (every page then warns that the year is missing) or the
    deadline table. The seed functions skip what is already there."""
    reseed()


@pytest.fixture
def new_page(
    browser: Any, live_server: Any, seeded: None, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (zh-CN) whose base URL is the live server and
    whose clock starts at the server's (the pinned instant, see tests/conftest.py).

    `new_page(viewport={"width": 390, "height": 844}, is_mobile=True)` passes context options
    through. If the test fails, its open pages are saved as screenshots (see the report).
    """
    from django.utils import timezone

    contexts: list[Any] = []
    request.node.stash[_pages] = (tmp_path, contexts)

    def open_page(**options: Any) -> Any:
        options = {"locale": "zh-CN", "base_url": live_server.url, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        # The page's JavaScript runs on the test's clock too (see `SimulatedClock`).
        context.clock.install(time=timezone.now())
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A desktop-sized page in a fresh context."""
    return new_page(viewport={"width": 1280, "height": 900})


class SimulatedClock:
    """A "now" that runs at real speed from a chosen moment, for the server and the browser.

    The test process runs on the pinned clock of tests/conftest.py (time-machine); this moves
    that clock, so the live server (a thread of the test process) and everything that reads
    the time there — `timezone.now`, `auto_now`, fields declared `default=timezone.now` —
    move with it. Browser contexts attached with `attach` get the same time through
    Playwright's Clock API, so JavaScript countdowns (`Date.now()`) agree with the server.
    """

    def __init__(self, traveller: Any) -> None:
        self._traveller = traveller
        self._contexts: list[Any] = []

    def now(self) -> datetime:
        from django.utils import timezone

        return timezone.now()

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (aware); time runs on from there."""
        self._traveller.move_to(moment)
        self._sync()

    def advance(self, minutes: float) -> None:
        self._traveller.shift(timedelta(minutes=minutes))
        self._sync()

    def attach(self, page: Any) -> None:
        """Give the page's browser context this clock. Call it before the first navigation."""
        page.context.clock.set_system_time(self.now())
        self._contexts.append(page.context)

    def _sync(self) -> None:
        # Jump without firing the timers in between (fast_forward would run every interval).
        for context in self._contexts:
            context.clock.set_system_time(self.now())


@pytest.fixture
def simulated_clock(_pinned_clock: Any) -> SimulatedClock:
    """The server's clock, running on from the pinned instant until the test `set`s it."""
    return SimulatedClock(_pinned_clock)
