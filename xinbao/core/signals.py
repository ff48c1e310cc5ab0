"""Signals whose receivers contribute data to the sender's write.

A lower app that stores something an app above it derives (insight's duplicate signature of an
item or an incident) sends a signal before the write; each receiver returns a dict of fields, and
the sender stores them in the same INSERT or UPDATE. The lower app never imports the higher one,
and the derived data is written in the same transaction, in the same statement, as its source.
"""

from collections.abc import Mapping

from django.dispatch import Signal


def derived_fields(signal: Signal, sender: type, **source: object) -> dict[str, object]:
    """The fields the receivers of `signal` derive from `source`, merged (a receiver may return
    None for nothing)."""
    fields: dict[str, object] = {}
    for _receiver, derived in signal.send(sender=sender, **source):
        if isinstance(derived, Mapping):
            fields.update(derived)
    return fields
