"""The embedded database queues writers fairly instead of leaving them in SQLite's busy loop."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from xinbao.settings import SQLITE_OPTIONS


def wrapper(path):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "xinbao.sqlite_queue",
                "NAME": str(path),
                "OPTIONS": dict(SQLITE_OPTIONS),
            }
        }
    )
    connection = handler["default"]
    connection.ensure_connection()
    return connection


@pytest.fixture(autouse=True)
def _own_databases(request, django_db_blocker):
    """These tests open their own file databases, outside pytest-django's test database."""
    if request.node.get_closest_marker("django_db"):
        yield
        return
    with django_db_blocker.unblock():
        yield


def test_a_second_writer_waits_for_the_first_to_commit_then_goes(tmp_path):
    db = tmp_path / "q.sqlite3"
    first = wrapper(db)
    with first.cursor() as c:
        c.execute("CREATE TABLE t (n INTEGER)")
    order = []

    first.set_autocommit(True)
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO t VALUES (1)")

    def write_second():
        second = wrapper(db)  # a connection belongs to the thread that opened it
        second._start_transaction_under_autocommit()  # must wait in the queue
        order.append("second in")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.close()

    t = threading.Thread(target=write_second)
    t.start()
    # Commit only once the kernel lists the second writer as blocked on the queue's lock, so
    # the test proves it waited (a sleep would only make that likely).
    wait_until(lambda: waiting_on_queue(db) == 1)
    assert order == []
    order.append("first commits")
    first.commit()
    t.join(timeout=10)
    assert order == ["first commits", "second in"]
    with first.cursor() as c:
        c.execute("SELECT n FROM t ORDER BY n")
        assert [r[0] for r in c.fetchall()] == [1, 2]
    first.close()


def waiting_on_queue(db) -> int:
    """How many lock requests the kernel holds blocked on the queue file (Linux /proc/locks)."""
    inode = os.stat(f"{db}.writers").st_ino
    with open("/proc/locks") as locks:
        return sum(1 for line in locks if " -> " in line and line.split()[6].endswith(f":{inode}"))


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.005)


def queue_is_free(db) -> bool:
    fd = os.open(f"{db}.writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops a lock we may have taken
    return True


def test_a_writer_holds_the_queue_from_begin_to_commit(tmp_path):
    db = tmp_path / "q.sqlite3"
    conn = wrapper(db)
    with conn.cursor() as c:
        c.execute("CREATE TABLE t (n INTEGER)")
    assert queue_is_free(db)
    conn._start_transaction_under_autocommit()
    assert not queue_is_free(db)
    conn.commit()
    assert queue_is_free(db)
    conn.close()


def test_a_rolled_back_writer_leaves_the_queue(tmp_path):
    db = tmp_path / "q.sqlite3"
    first = wrapper(db)
    with first.cursor() as c:
        c.execute("CREATE TABLE t (n INTEGER)")
    first._start_transaction_under_autocommit()
    first.rollback()
    done = threading.Event()

    def write_second():
        second = wrapper(db)
        second._start_transaction_under_autocommit()
        second.commit()
        second.close()
        done.set()

    threading.Thread(target=write_second).start()
    assert done.wait(timeout=10)
    first.close()


@pytest.mark.django_db
def test_the_in_memory_test_database_needs_no_queue():
    connection = connections["default"]
    connection.ensure_connection()
    assert connection.vendor != "sqlite" or connection._queue_path() is None


def test_a_write_outside_a_transaction_queues_instead_of_failing_as_locked(tmp_path):
    """A single autocommit statement (a `save()` of one row: the login's `last_login`) behind
    a transaction that outlasts SQLite's busy timeout waits its turn in the queue; in the busy
    handler it would fail with "database is locked"."""
    db = tmp_path / "q.sqlite3"
    first = wrapper(db)
    with first.cursor() as c:
        c.execute("CREATE TABLE t (n INTEGER)")
    first.set_autocommit(True)
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO t VALUES (1)")
    failures = []

    def write_alone():
        second = wrapper(db)
        second.settings_dict["OPTIONS"]["timeout"] = 0.2
        second.close()
        second.connect()  # busy timeout 0.2 s: the first transaction lasts longer
        try:
            assert second.get_autocommit()
            second.cursor().execute("INSERT INTO t VALUES (2)")
        except Exception as error:
            failures.append(error)
        finally:
            second.close()

    t = threading.Thread(target=write_alone)
    t.start()
    wait_until(lambda: waiting_on_queue(db) == 1)  # it waits in the queue, not the busy loop
    time.sleep(0.5)  # longer than its busy timeout
    first.commit()
    t.join(timeout=10)
    assert failures == []
    with first.cursor() as c:
        c.execute("SELECT n FROM t ORDER BY n")
        assert [r[0] for r in c.fetchall()] == [1, 2]
    first.close()
