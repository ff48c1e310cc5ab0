"""The locked counter behind every sequence number (a bulletin's issue number, a notice's 〔year〕
N号). Each app keeps its counter rows in its own table; this is how a number is taken."""

from typing import Any

from django.db import models, transaction


def take_next(counter: type[models.Model], field: str, **key: Any) -> int:
    """Add one to `field` of the `counter` row matching `key` (created at 0 if missing) and
    return the new value. The row stays locked (PostgreSQL) or the database does (SQLite's
    BEGIN IMMEDIATE) until the caller's transaction ends, so two callers at once get
    consecutive numbers and a rolled-back caller gives its number back."""
    with transaction.atomic():
        counter._default_manager.get_or_create(**key)
        row = counter._default_manager.select_for_update().get(**key)
        value: int = getattr(row, field) + 1
        setattr(row, field, value)
        row.save(update_fields=[field])
    return value
