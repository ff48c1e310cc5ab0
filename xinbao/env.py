"""Typed parsers for settings taken from the environment.

A wrong value stops the process with a message naming the variable, so a typo in a
deployment never turns into a silently different configuration.
"""

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str) -> str:
    return os.environ.get(name, default)


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def choice(name: str, default: str, allowed: list[str]) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip() not in allowed:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(allowed)}")
    return raw.strip()


def csv(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else default


def secret_key(name: str, fallback_file: Path) -> str:
    """Read the secret key from the environment, or from a file created once with 0600."""
    raw = os.environ.get(name)
    if raw:
        if len(raw) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long")
        return raw
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    if not fallback_file.exists():
        # Written whole under a name of this process's, then linked into place: processes
        # starting together (web workers, a test run per database) all read the one key.
        draft = fallback_file.with_name(f".{fallback_file.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(draft, fallback_file)
        finally:
            draft.unlink()
    return fallback_file.read_text().strip()
