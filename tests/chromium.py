"""The one Chromium of a test run (Playwright's sync API), for the browser tests in
tests/browser and any other test that drives a browser (the federation pair's). The fixture is
registered once, by tests/conftest.py: a second `sync_playwright()` started while the first is
alive fails ("Sync API inside the asyncio loop"), so no other conftest may define or import it.

Chromium is looked for in $XINBAO_CHROMIUM (when set, only that path counts), then
/usr/bin/chromium, then `chromium` on the PATH. Without one the browser tests are skipped and
one loud line says so at the end of the run — unless CI=true, where the missing browser is a
failure: CI must not go green without having driven a browser."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
SKIPPED_LINE = "!!! BROWSER TESTS SKIPPED: no Chromium found (install chromium) !!!"
_skipped = pytest.StashKey[bool]()


def find_chromium() -> str | None:
    """The Chromium to drive, or None. A set XINBAO_CHROMIUM is the only candidate."""
    configured = os.environ.get("XINBAO_CHROMIUM")
    candidates: list[str | None] = (
        [configured] if configured is not None else ["/usr/bin/chromium", shutil.which("chromium")]
    )
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.stash.get(_skipped, False):
        terminalreporter.write_line(SKIPPED_LINE, red=True, bold=True)


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Any]:
    executable = find_chromium()
    if executable is None:
        configured = os.environ.get("XINBAO_CHROMIUM")
        where = (
            f"XINBAO_CHROMIUM={configured!r}"
            if configured is not None
            else "/usr/bin/chromium, or chromium on PATH"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI=true and no Chromium found ({where}): browser tests must run in CI. "
                "Install the OS package `chromium` or set XINBAO_CHROMIUM.",
                pytrace=False,
            )
        pytestconfig.stash[_skipped] = True
        pytest.skip(f"no Chromium found ({where})")

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
