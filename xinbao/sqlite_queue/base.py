"""SQLite with a fair queue for writers.

SQLite lets one writer in at a time. A writer that finds the database locked waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and retries: under load
the lock sits idle while every waiter sleeps, and latency goes to seconds. Here each
connection first takes an exclusive `flock` on a file beside the database before
`BEGIN IMMEDIATE`, and drops it after COMMIT or ROLLBACK. The kernel wakes the next waiter
the moment the lock is free, across threads and processes alike (each connection opens the
file itself, so each holds its own lock).

A write outside a transaction (Django's autocommit: `Model.save()` of one row, an
`update()`, a third-party app's insert) is a transaction of its own inside SQLite, so it
queues too, for that statement. Without that it would wait in the busy handler while queued
transactions pass it one after another, and fail with "database is locked" after `timeout`
seconds: a login (its `last_login` update) during the worker's catch-up after a large import
answered 500 so.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.sqlite3 import base

_READS = ("SELECT", "EXPLAIN")


class _QueuedCursor(base.SQLiteCursorWrapper):
    """Takes the writers' queue around a statement that writes outside a transaction."""

    owner: "DatabaseWrapper"

    def execute(self, query: str, params: Any = None) -> Any:
        with self.owner._queued_statement(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self.owner._queued_statement(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_QueuedCursor)
        cursor.owner = self
        return cursor

    @contextmanager
    def _queued_statement(self, query: str) -> Iterator[None]:
        """A statement in autocommit mode that may write holds the queue while it runs."""
        if (
            self._queue_held
            or not self.get_autocommit()
            or query.lstrip()[:7].upper().startswith(_READS)
        ):
            yield
            return
        self._enter_queue()
        try:
            yield
        finally:
            self._leave_queue()

    def _queue_path(self) -> str | None:
        if getattr(self, "transaction_mode", None) is None or self.is_in_memory_db():
            return None
        name = str(self.settings_dict["NAME"])
        return f"{name}.writers"

    def _enter_queue(self) -> None:
        path = self._queue_path()
        if path is None or self._queue_held:
            return
        if self._queue_fd is None:
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._queue_held = True

    def _leave_queue(self) -> None:
        if self._queue_held and self._queue_fd is not None:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queue_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._enter_queue()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
