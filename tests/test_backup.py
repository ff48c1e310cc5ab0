"""Backup and restore: a realistic instance comes back whole into a scratch database and a
scratch var dir, a damaged backup is refused, and a backup taken under writes restores to
one consistent state.

Restored data is compared with the original directly (rows read back with plain database
connections, files byte for byte), not through the manifest the code under test wrote.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler
from django.utils import timezone

from audit.actions import record
from submissions.models import Attachment, ItemState
from tests.emergencies.emergency_factories import open_by_phone
from tests.factories import PDF_BYTES, PNG_BYTES, make_item, pdf
from xinbao.core import backup, restore
from xinbao.core.backup import BackupError, Instance
from xinbao.settings import SQLITE_OPTIONS

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed data only

KEY_TABLES = (
    "org_user",
    "submissions_infoitem",
    "submissions_attachment",
    "emergencies_incident",
    "audit_auditentry",
)


# --- Plain reads, independent of xinbao.core.backup ----------------------------------------


def _open(database):
    if "sqlite" in database["ENGINE"]:
        name = str(database["NAME"])
        return sqlite3.connect(name, uri=name.startswith("file:"))
    import psycopg

    return psycopg.connect(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        password=database.get("PASSWORD") or None,
    )


def rows(database, table):
    conn = _open(database)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- The world and the scratch instance ----------------------------------------------------


@pytest.fixture
def source(settings, tmp_path):
    """The instance under test: the test database, a var dir holding the files an instance
    keeps there (secret key, an audit key, checkpoints), attachments in MEDIA_ROOT."""
    var = tmp_path / "var"
    (var / "audit").mkdir(parents=True)
    (var / "secret_key").write_text("s" * 50)
    (var / "secret_key").chmod(0o600)
    (var / "audit" / "chain.key").write_bytes(bytes(range(32)))
    (var / "audit" / "checkpoint-1.json").write_text('{"count": 3}')
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    return Instance(database=connection.settings_dict, var_dir=var, media_root=var / "media")


@pytest.fixture
def world(source, officer_a, head_a, editor, duty_officer, unit_a):
    """Items with attachments in several states, an incident, audit entries."""
    make_item(
        officer_a,
        ItemState.SUBMITTED,
        head=head_a,
        files=[pdf("report.pdf"), pdf("photo.png", PNG_BYTES)],
    )
    make_item(officer_a, ItemState.ADOPTED, head=head_a, editor=editor, files=[pdf("b.pdf")])
    make_item(officer_a, title="草稿", files=[pdf("draft.pdf", PDF_BYTES + b"draft")])
    open_by_phone(duty_officer, unit_a, timezone.now() - timedelta(minutes=5))
    record(editor, "test.event", "item:1", {"n": 1})
    assert Attachment.objects.count() == 4
    return source


@pytest.fixture
def scratch(tmp_path):
    """An empty instance: a new SQLite file, or on PostgreSQL a database made for the test."""
    var = tmp_path / "restored"
    if connection.vendor == "sqlite":
        database = {"ENGINE": "xinbao.sqlite_queue", "NAME": str(tmp_path / "scratch.sqlite3")}
        yield Instance(database=database, var_dir=var, media_root=var / "media")
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    database = {**connection.settings_dict, "NAME": name}
    admin = _open({**database, "NAME": "postgres"})
    admin.autocommit = True
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield Instance(database=database, var_dir=var, media_root=var / "media")
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def _take(instance, tmp_path) -> Path:
    return backup.take(instance, tmp_path / "backups", timezone.now())


# --- Round trip -----------------------------------------------------------------------------


def test_a_backup_restores_into_an_empty_instance_with_every_row_and_file(world, scratch, tmp_path):
    made = _take(world, tmp_path)
    assert made.name.startswith("xinbao-backup-")
    assert not list((tmp_path / "backups").glob(".*"))  # no unfinished leftovers

    report = restore.restore(made, scratch)

    assert report.ok, report.problems
    for table in KEY_TABLES:
        original = rows(world.database, table)
        assert original, table
        assert rows(scratch.database, table) == original, table
    assert tree(scratch.var_dir) == tree(world.var_dir)
    assert (scratch.var_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    if connection.vendor == "sqlite":
        assert Path(scratch.database["NAME"]).stat().st_mode & 0o777 == 0o600
    # Every restored attachment row finds its file, with the hash recorded at upload.
    for attachment in Attachment.objects.all():
        restored = scratch.media_root / attachment.file.name
        assert restored.read_bytes() == Path(attachment.file.path).read_bytes()
        assert backup.sha256_of(restored) == attachment.sha256


def test_the_manifest_counts_every_table_and_names_the_code_and_migrations(world, tmp_path):
    made = _take(world, tmp_path)
    manifest = json.loads((made / "manifest.json").read_text())

    assert manifest["vendor"] == connection.vendor
    for table in KEY_TABLES:
        assert manifest["tables"][table] == len(rows(world.database, table))
    assert "0001_initial" in manifest["migrations"]["submissions"]
    assert set(manifest["files"]) >= {
        "var/secret_key",
        "var/audit/chain.key",
        "var/audit/checkpoint-1.json",
    }
    assert sum(1 for f in manifest["files"] if f.startswith("media/")) == 4
    assert manifest["created_at"]


# --- Refusals ------------------------------------------------------------------------------


def test_restore_refuses_a_database_that_holds_data_unless_forced(world, scratch, tmp_path):
    made = _take(world, tmp_path)
    assert restore.restore(made, scratch).ok

    with pytest.raises(BackupError, match="--force"):
        restore.restore(made, scratch)
    assert restore.restore(made, scratch, force=True).ok


def test_the_restore_command_refuses_the_live_database_and_the_backup_command_writes_one(
    world, tmp_path
):
    call_command("backup", "--output", str(tmp_path / "out"))
    (made,) = (tmp_path / "out").iterdir()

    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(made))
    call_command("restore", "--check", str(made))  # verifies in place, restores nothing


def test_backups_kept_in_the_var_dir_are_not_backed_up_again(world, settings):
    call_command("backup")
    call_command("backup")

    _first, second = sorted((world.var_dir / "backups").iterdir())  # two, never one reused
    files = json.loads((second / "manifest.json").read_text())["files"]
    assert not [f for f in files if f.startswith("var/backups/")]
    assert "var/secret_key" in files


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_commands_as_an_operator_runs_them(world, tmp_path):
    """`manage.py backup` and `manage.py restore` in their own processes, on an SQLite
    instance in its var dir, into a second, empty var dir; exit status 1 on refusal."""
    live = world.var_dir / "xinbao.sqlite3"
    src = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    with sqlite3.connect(live) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    manage = Path(django_settings.BASE_DIR) / "manage.py"

    def run(var_dir, *args):
        env = {**os.environ, "XINBAO_VAR_DIR": str(var_dir), "XINBAO_TESTING": "1"}
        env.pop("DATABASE_URL", None)
        env.pop("XINBAO_MEDIA_ROOT", None)
        cmd = [sys.executable, str(manage), *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)

    made = run(world.var_dir, "backup", "--output", str(tmp_path / "out"))
    assert made.returncode == 0, made.stderr
    (path,) = (tmp_path / "out").iterdir()
    assert made.stdout.startswith(str(path))

    fresh = tmp_path / "fresh"
    restored = run(fresh, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert "verified:" in restored.stdout
    assert tree(fresh / "media") == tree(world.media_root)
    assert rows({"ENGINE": "sqlite", "NAME": str(fresh / "xinbao.sqlite3")}, "org_user") == rows(
        world.database, "org_user"
    )

    refused = run(world.var_dir, "restore", str(path))
    assert refused.returncode == 1
    assert "--force" in refused.stderr


def test_a_changed_file_in_the_backup_is_refused_before_anything_is_written(
    world, scratch, tmp_path
):
    made = _take(world, tmp_path)
    victim = next(p for p in (made / "media").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b" ")

    with pytest.raises(BackupError, match="changed since the backup"):
        restore.restore(made, scratch)
    assert not scratch.var_dir.exists()
    with pytest.raises(CommandError, match="verification failed"):
        call_command("restore", "--check", str(made))


def test_a_backup_without_its_manifest_is_not_a_backup(world, scratch, tmp_path):
    made = _take(world, tmp_path)
    (made / "manifest.json").unlink()

    with pytest.raises(BackupError, match="not a complete backup"):
        restore.restore(made, scratch)


def test_a_backup_that_fails_half_way_leaves_nothing_that_looks_like_a_backup(
    world, tmp_path, monkeypatch
):
    copied = []
    real_copy = backup.copy_hashed

    def copy_then_fail(src, dst):
        if len(copied) == 3:
            raise OSError(28, "No space left on device")
        copied.append(src)
        return real_copy(src, dst)

    monkeypatch.setattr(backup, "copy_hashed", copy_then_fail)

    with pytest.raises(CommandError, match=r"backup failed: .*No space left"):
        call_command("backup", "--output", str(tmp_path / "out"))
    assert len(copied) == 3
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_backup_of_a_database_file_that_is_not_there_fails_instead_of_saving_nothing(
    world, tmp_path
):
    wrong = Instance(
        database={"ENGINE": "xinbao.sqlite_queue", "NAME": str(tmp_path / "typo.sqlite3")},
        var_dir=world.var_dir,
        media_root=world.media_root,
    )
    with pytest.raises(BackupError, match="does not exist"):
        _take(wrong, tmp_path)
    assert not (tmp_path / "typo.sqlite3").exists()
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_manifest_naming_a_path_outside_the_instance_is_refused(world, scratch, tmp_path):
    made = _take(world, tmp_path)
    manifest = json.loads((made / "manifest.json").read_text())
    (tmp_path / "evil").write_text("x")
    manifest["files"]["var/../../evil"] = {"sha256": backup.sha256_of(tmp_path / "evil")}
    (made / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="outside the instance"):
        restore.restore(made, scratch)
    assert not scratch.var_dir.exists()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_missing_row_fails_verification(world, scratch, tmp_path):
    """Someone deletes a row from the copy and even fixes the file's hash: the counts still
    give it away, in place and after a restore."""
    made = _take(world, tmp_path)
    copy = made / "database.sqlite3"
    last_id = Attachment.objects.order_by("-id").first().id
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM submissions_attachment WHERE id = ?", [last_id])
    conn.close()
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["files"]["database.sqlite3"]["sha256"] = backup.sha256_of(copy)
    (made / "manifest.json").write_text(json.dumps(manifest))

    report = restore.restore(made, scratch)

    assert not report.ok
    assert "table submissions_attachment: 3 rows, the backup has 4" in report.problems
    with pytest.raises(CommandError, match="verification failed"):
        call_command("restore", "--check", str(made))


def test_verification_after_a_restore_names_a_missing_row_and_a_changed_file(
    world, scratch, tmp_path
):
    made = _take(world, tmp_path)
    assert restore.restore(made, scratch).ok
    manifest = restore.read_manifest(made)
    conn = _open(scratch.database)
    with conn:
        conn.execute(
            "DELETE FROM audit_auditentry WHERE id = (SELECT max(id) FROM audit_auditentry)"
        )
    conn.close()
    (scratch.var_dir / "audit" / "chain.key").write_bytes(b"another key")

    report = restore.verify(scratch, manifest)

    expected = manifest["tables"]["audit_auditentry"]
    assert report.problems == [
        f"table audit_auditentry: {expected - 1} rows, the backup has {expected}",
        "file var/audit/chain.key differs from the backup",
    ]


# --- Under writes ----------------------------------------------------------------------------


class Pairs:
    """Another thread's writes: every commit adds row n to both pair_a and pair_b."""

    def __init__(self, connect):
        self.connect = connect  # () -> (insert_pair(n) committing one transaction, close())
        self.stop = threading.Event()
        self.committed = 0
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        insert_pair, close = self.connect()
        try:
            while not self.stop.is_set():
                insert_pair(self.committed + 1)
                self.committed += 1
        except BaseException as exc:  # surfaced by the main thread
            self.errors.append(exc)
        finally:
            close()

    def wait_for_more(self, n: int = 20):
        goal = self.committed + n
        deadline = time.monotonic() + 60
        while self.committed < goal and not self.errors:
            assert time.monotonic() < deadline, "the writer stopped writing"
            self.stop.wait(0.01)

    def back_up_three_times(self, instance, tmp_path) -> list[Path]:
        """Three backups, the writer busy before, between and after them."""
        self.thread.start()
        taken = []
        try:
            for k in range(3):
                self.wait_for_more()
                taken.append(backup.take(instance, tmp_path / f"b{k}", timezone.now()))
            self.wait_for_more()
        finally:
            self.stop.set()
            self.thread.join()
        assert not self.errors, self.errors
        return taken

    def check_restored(self, database, saved: list[int]):
        a = rows(database, "pair_a")
        b = rows(database, "pair_b")
        assert [n for _id, n in a] == list(range(1, len(a) + 1))
        assert [n for _id, n in b] == [n for _id, n in a]
        saved.append(len(a))


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_backup_taken_while_the_server_writes_restores_to_one_consistent_state(world, tmp_path):
    """A file database in WAL mode (as in production), written by another thread through
    xinbao's own SQLite backend. Each backup restores with the two tables equal, and holds
    exactly the first commits in order."""
    live = tmp_path / "live.sqlite3"
    src = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    with sqlite3.connect(live) as dst:
        src.backup(dst)
        dst.execute("CREATE TABLE pair_a (id INTEGER PRIMARY KEY, n INTEGER)")
        dst.execute("CREATE TABLE pair_b (id INTEGER PRIMARY KEY, n INTEGER)")
    dst.close()
    src.close()
    instance = Instance(
        database={"ENGINE": "xinbao.sqlite_queue", "NAME": str(live)},
        var_dir=world.var_dir,
        media_root=world.media_root,
    )

    def connect():
        settings = {"ENGINE": "xinbao.sqlite_queue", "NAME": str(live), "OPTIONS": SQLITE_OPTIONS}
        conn = ConnectionHandler({"default": settings})["default"]
        conn.ensure_connection()

        def insert_pair(n):
            conn._start_transaction_under_autocommit()
            with conn.cursor() as cursor:
                cursor.execute("INSERT INTO pair_a (n) VALUES (%s)", [n])
                cursor.execute("INSERT INTO pair_b (n) VALUES (%s)", [n])
            conn.commit()

        return insert_pair, conn.close

    pairs = Pairs(connect)
    taken = pairs.back_up_three_times(instance, tmp_path)

    saved: list[int] = []
    for k, made in enumerate(taken):
        target = tmp_path / f"restored{k}"
        scratch = Instance(
            database={"ENGINE": "xinbao.sqlite_queue", "NAME": str(target / "db.sqlite3")},
            var_dir=target,
            media_root=target / "media",
        )
        report = restore.restore(made, scratch)
        assert report.ok, report.problems
        pairs.check_restored(scratch.database, saved)
        assert rows(scratch.database, "submissions_attachment") == rows(
            world.database, "submissions_attachment"
        )
    assert 0 < saved[0] < saved[1] < saved[2] < pairs.committed


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_pg_dump_taken_while_the_server_writes_matches_its_manifest(world, scratch, tmp_path):
    """pg_dump and the manifest's counts read one snapshot: under writes, each restore
    verifies, with the two tables equal and holding exactly the first commits."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE pair_a (id serial PRIMARY KEY, n integer)")
        cursor.execute("CREATE TABLE pair_b (id serial PRIMARY KEY, n integer)")

    def connect():
        conn = _open(world.database)

        def insert_pair(n):
            conn.execute("INSERT INTO pair_a (n) VALUES (%s)", [n])
            conn.execute("INSERT INTO pair_b (n) VALUES (%s)", [n])
            conn.commit()

        return insert_pair, conn.close

    pairs = Pairs(connect)
    try:
        taken = pairs.back_up_three_times(world, tmp_path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE pair_a, pair_b")

    saved: list[int] = []
    for made in taken:
        report = restore.restore(made, scratch, force=True)
        assert report.ok, report.problems
        pairs.check_restored(scratch.database, saved)
    assert 0 < saved[0] < saved[1] < saved[2] < pairs.committed
