"""`manage.py verify_audit`: the keyed chain and the checkpoints outside the database catch a
rewritten entry, entries deleted from the end or the middle, and a forged checkpoint."""

import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.actions import checkpoint, do_verify, record
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def write(n: int) -> list[int]:
    for i in range(n):
        record(None, "login_failed", f"user{i}", {"ip": "10.0.0.1"})
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


def unkeyed_rehash_from(seq: int) -> None:
    """What an attacker with the database but not the key does after editing entry `seq`:
    recompute every later hash the only way open to him, without the key."""
    rows = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEntry.objects.get(seq=seq - 1).hash
    with connection.cursor() as cursor:
        for row in rows:
            payload = json.dumps(
                [
                    row.seq,
                    row.at.isoformat(),
                    row.actor_name,
                    row.action,
                    row.target,
                    row.data,
                    prev,
                ],
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            ).encode()
            digest = hashlib.sha256(payload).hexdigest()
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
                [prev, digest, row.seq],
            )
            prev = digest


def verify() -> tuple[int, str]:
    try:
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        return 1, str(exc)
    return 0, ""


def codes() -> list[str]:
    return [f.code for f in do_verify(None).findings]


def test_an_intact_log_verifies_and_is_checkpointed(settings, django_capture_on_commit_callbacks):
    write(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify() == (0, "")
    lines = settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    head = AuditEntry.objects.order_by("-seq").first()
    assert json.loads(lines[-1])["head_seq"] == head.seq
    assert json.loads(lines[-1])["head_hash"] == head.hash


def test_a_rewritten_entry_is_caught_even_with_later_hashes_recomputed():
    seqs = write(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["sysadmin", seqs[2]]
        )
    unkeyed_rehash_from(seqs[2])
    status, message = verify()
    assert status == 1 and message == "审计日志未通过验证。"
    assert AuditEntry.objects.filter(action="audit_verified").last().data["first_break"] == seqs[2]


def test_entries_deleted_from_the_end_are_caught_by_the_checkpoint():
    write(3)
    checkpoint()
    seqs = write(2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= %s", [seqs[-4]])
    # What is left is a perfectly valid chain: only the checkpoint knows it was longer.
    assert codes()[:1] == ["truncated"]


def test_entries_deleted_from_the_middle_are_caught():
    seqs = write(6)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq IN (%s, %s)", [seqs[2], seqs[3]])
    assert verify()[0] == 1
    assert "entry_broken" in codes()


def test_a_forged_checkpoint_is_caught(settings):
    write(2)
    checkpoint()
    line = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()[-1])
    line["head_seq"] += 5
    line["mac"] = hmac.new(b"not the key", b"x", "sha256").hexdigest()
    with settings.AUDIT_CHECKPOINT_FILE.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    assert codes() == ["checkpoint_forged"]
    assert verify()[0] == 1


def test_a_key_leaked_into_no_file_means_nobody_else_verifies(settings, tmp_path):
    """The key is what makes the chain trustworthy: under another key nothing verifies."""
    write(2)
    assert codes() == []
    settings.AUDIT_KEY_FILE = tmp_path / "another_key"
    assert "entry_broken" in codes()


def test_the_key_file_is_created_private(settings):
    write(1)
    assert settings.AUDIT_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert settings.AUDIT_CHECKPOINT_FILE.exists() is False
    checkpoint()
    assert settings.AUDIT_CHECKPOINT_FILE.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("alg", ["hmac-sha256", "hmac-sm3"])
def test_either_algorithm_chains_and_verifies(settings, alg):
    settings.AUDIT_HASH_ALGORITHM = alg
    write(3)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.alg == alg
    key = settings.AUDIT_KEY_FILE.read_text().strip().encode()
    payload = json.dumps(
        [
            alg,
            entry.seq,
            entry.at.isoformat(),
            "",
            "login_failed",
            entry.target,
            entry.data,
            entry.prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    assert entry.hash == hmac.new(key, payload, alg.removeprefix("hmac-")).hexdigest()
    assert verify() == (0, "")


def test_a_chain_switched_to_sm3_midway_still_verifies(settings):
    write(2)
    settings.AUDIT_HASH_ALGORITHM = "hmac-sm3"
    write(2)
    assert codes() == []


def test_hashlib_sm3_is_the_national_standard():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
