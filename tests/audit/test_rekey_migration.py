"""Migration 0004 re-keys the chain written before it: the old unkeyed chain is walked first,
every hash becomes an HMAC, and `chain_rekeyed` says what was re-keyed — including a break the
old chain already had."""

import hashlib
import json
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from audit.actions import verify_chain
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

rekey = import_module("audit.migrations.0004_rekey_chain").rekey


def write_unkeyed(n: int) -> str:
    """Entries as the chain before the key wrote them: plain SHA-256 over the same payload."""
    prev = "0" * 64
    for seq in range(1, n + 1):
        at = timezone.now()
        data = {"ip": "10.0.0.1"}
        payload = json.dumps(
            [seq, at.isoformat(), "", "login_failed", f"u{seq}", data, prev],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    seq=seq,
                    at=at,
                    actor_name="",
                    action="login_failed",
                    target=f"u{seq}",
                    data=data,
                    prev_hash=prev,
                    hash=digest,
                )
            ]
        )
        prev = digest
    return prev


def test_an_intact_old_chain_is_rekeyed_and_verifies():
    old_head = write_unkeyed(4)
    assert verify_chain() == 1  # unkeyed hashes do not verify under the key
    rekey(apps, None)
    assert verify_chain() is None
    last = AuditEntry.objects.order_by("-seq").first()
    assert (last.seq, last.action) == (5, "chain_rekeyed")
    assert last.data == {"entries": 4, "old_head": old_head, "old_first_break": None}


def test_a_break_in_the_old_chain_is_carried_into_the_keyed_one():
    write_unkeyed(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET target = 'forged' WHERE seq = 2")
    rekey(apps, None)
    assert verify_chain() is None  # re-keyed as it stood ...
    # ... but the keyed chain itself says where the old one was already broken.
    assert AuditEntry.objects.get(action="chain_rekeyed").data["old_first_break"] == 2


def test_an_empty_log_stays_empty():
    rekey(apps, None)
    assert not AuditEntry.objects.exists()
