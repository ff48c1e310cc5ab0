"""Re-key the existing chain under the HMAC key.

Entries written before this migration carry plain SHA-256 hashes that anybody can recompute.
We considered three ways forward and chose the third:

1. Leave the old entries unkeyed and start the keyed chain after them: the old stretch would
   stay rewritable without detection, and the verifier would need two rules forever.
2. Refuse to migrate when the old chain is broken: an instance with one altered row could
   never be upgraded, and nothing in the product could repair it.
3. (chosen) Walk the old chain with its own unkeyed rule first, then recompute every hash as
   an HMAC under the key, in sequence order, and append a `chain_rekeyed` entry that states
   how many entries were re-keyed, the old head hash, and — if the old chain was already
   broken — the first broken sequence number. Re-keying a broken chain cannot launder it: the
   break is written into the keyed chain itself, where the auditor reads it.

It runs inside the migration's transaction: either the whole chain is re-keyed or none of it.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def rekey(apps, schema_editor):
    from audit import chain
    from audit.keys import chain_key

    Entry = apps.get_model("audit", "AuditEntry")
    rows = list(Entry.objects.order_by("seq"))
    if not rows:
        return
    old_break = chain.first_break_unkeyed(
        chain.EntryFacts(
            r.seq, r.at.isoformat(), r.actor_name, r.action, r.target, r.data, r.prev_hash, r.hash
        )
        for r in rows
    )
    old_head = rows[-1].hash
    key, alg = chain_key(), settings.AUDIT_HASH_ALGORITHM
    prev = rows[0].prev_hash if rows[0].seq != 1 else chain.GENESIS
    for row in rows:
        digest = chain.entry_mac(
            key,
            alg,
            row.seq,
            row.at.isoformat(),
            row.actor_name,
            row.action,
            row.target,
            row.data,
            prev,
        )
        Entry.objects.filter(pk=row.pk).update(prev_hash=prev, hash=digest, alg=alg)
        prev = digest
    at = timezone.now()
    data = {"entries": len(rows), "old_head": old_head, "old_first_break": old_break}
    seq = rows[-1].seq + 1
    Entry.objects.create(
        seq=seq,
        at=at,
        actor=None,
        actor_name="",
        action="chain_rekeyed",
        target="",
        data=data,
        prev_hash=prev,
        alg=alg,
        hash=chain.entry_mac(key, alg, seq, at.isoformat(), "", "chain_rekeyed", "", data, prev),
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_entry_algorithm_and_retention")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
