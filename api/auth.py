"""Who is asking. A signed-in browser (its session, with CSRF on writes) for the pages' own
scripts and the interactive docs; machine clients use personal API tokens."""

from collections.abc import Callable
from typing import Any

from ninja.security import SessionAuth

SESSION = SessionAuth()

# Tried in order; the first that recognises the request wins.
AUTH: list[Callable[..., Any]] = [SESSION]
