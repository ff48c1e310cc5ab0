"""The shape every singleton policy shares: one row of settings that the people in charge edit,
seeded the first time it is read. The owning app's actions edit it (`locked`, then
`audit.actions.save_change`), so each edit leaves its before and after in the audit log."""

from typing import Any, Self

from django.db import models


class SingletonPolicy(models.Model):
    """A policy held as one row. Abstract: each policy keeps its own table."""

    class Meta:
        abstract = True

    @classmethod
    def seed(cls) -> dict[str, Any]:
        """Values of the row created when there is none yet, beyond the fields' own defaults."""
        return {}

    @classmethod
    def current(cls) -> Self:
        """The policy in force, created from `seed` the first time it is asked for."""
        policy: Self | None = cls._default_manager.order_by("pk").first()
        if policy is None:
            policy, _created = cls._default_manager.get_or_create(pk=1, defaults=cls.seed())
        return policy

    @classmethod
    def locked(cls) -> Self:
        """The policy in force, locked until the caller's transaction ends: two editors saving
        at once apply one edit after the other, each audited against what it replaced."""
        policy: Self = cls._default_manager.select_for_update().get(pk=cls.current().pk)
        return policy
