"""Retention as data: entries older than the policy's days leave the database only into a signed
archive file, the chain still verifies from the archive boundary, and the worker does it."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit import checkpoints
from audit.actions import do_set_retention, do_verify, record
from audit.models import AuditEntry, AuditPolicy
from audit.retention import archive_expired
from xinbao.core.errors import ActionError
from xinbao.core.worker import Worker

pytestmark = pytest.mark.django_db


def write(n: int) -> list[dict]:
    for i in range(n):
        record(None, "login_failed", f"user{i}", {"ip": "10.0.0.1"})
    rows = AuditEntry.objects.order_by("seq").values("seq", "hash", "prev_hash", "action")
    return [dict(row) for row in rows]


def codes() -> list[str]:
    return [f.code for f in do_verify(None).findings]


def test_the_policy_keeps_180_days_by_default_and_refuses_less(audit_admin):
    assert AuditPolicy.current().retention_days == 180
    with pytest.raises(ActionError) as refused:
        do_set_retention(audit_admin, 179)
    assert "180" in str(refused.value) and "网络安全法" in str(refused.value)
    assert do_set_retention(audit_admin, 365)
    assert AuditPolicy.current().retention_days == 365
    change = AuditEntry.objects.get(action="audit_policy_changed")
    assert change.data == {"before": {"retention_days": 180}, "after": {"retention_days": 365}}


def test_only_the_audit_administrator_sets_retention(system_admin, security_admin):
    for actor in (system_admin, security_admin):
        with pytest.raises(ActionError):
            do_set_retention(actor, 400)
    assert AuditPolicy.current().retention_days == 180


def test_nothing_younger_than_the_retention_is_archived():
    write(3)
    assert archive_expired(timezone.now() + timedelta(days=179)) is None
    assert AuditEntry.objects.count() == 3


def test_expired_entries_go_to_a_signed_archive_and_the_chain_still_verifies(settings):
    old = write(3)
    done = archive_expired(timezone.now() + timedelta(days=181))
    assert (done.first_seq, done.last_seq, done.count) == (1, 3, 3)
    lines = [json.loads(x) for x in done.file.read_text().splitlines()]
    assert [(x["seq"], x["hash"], x["action"]) for x in lines] == [
        (x["seq"], x["hash"], x["action"]) for x in old
    ]
    manifest = json.loads(done.file.with_name(done.file.name + ".manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(done.file.read_bytes()).hexdigest()
    assert manifest["count"] == 3 and manifest["head_hash"] == old[-1]["hash"]
    key = settings.AUDIT_KEY_FILE.read_text().strip().encode()
    unsigned = {k: v for k, v in manifest.items() if k != "mac"}
    body = json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert manifest["mac"] == hmac.new(key, body.encode(), "sha256").hexdigest()
    remaining = list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "prev_hash"))
    assert remaining == [(4, "audit_archived", old[-1]["hash"])]
    assert codes() == []


def test_an_altered_archive_file_fails_verification():
    write(3)
    done = archive_expired(timezone.now() + timedelta(days=181))
    done.file.write_text(done.file.read_text().replace("user1", "user9"))
    assert codes() == ["archive_altered"]


def test_entries_deleted_from_the_start_without_an_archive_are_caught():
    write(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq <= 2")
    assert codes() == ["start_missing"]


def test_the_command_archives(capsys, _pinned_clock):
    write(2)
    _pinned_clock.shift(timedelta(days=200))
    call_command("archive_audit")
    assert "#1–#2 (2)" in capsys.readouterr().out
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["audit_archived"]
    assert codes() == []


def test_the_worker_archives_verifies_and_checkpoints_once_a_day(
    django_capture_on_commit_callbacks, _pinned_clock
):
    write(2)
    worker = Worker(log=lambda _: None)
    with django_capture_on_commit_callbacks(execute=True):
        worker.round()
        worker.round()  # not due again within the day
    assert AuditEntry.objects.filter(action="audit_verified").count() == 1
    first = [cp for _n, cp in checkpoints.read_all()]
    assert len(first) == 1 and first[0].head_seq == AuditEntry.objects.order_by("-seq")[0].seq
    _pinned_clock.shift(timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        worker.round()
    kinds = [cp.kind for _n, cp in checkpoints.read_all()]
    assert kinds == ["checkpoint", "archive", "checkpoint"]
    assert AuditEntry.objects.order_by("seq")[0].action == "audit_archived"
    assert codes() == []
