"""Rows written before 密级 existed (bulletins 0011–0012, submissions 0010, accountability 0008):
everything reads 公开, except the issues of 《每日要情》, which is 内部资料, and the publication's
default for its new issues."""

import pytest
from django.db import connection
from django.db.migrations.state import StateApps

from archive import triggers
from bulletins.models import Issue, Publication
from tests.clock import TODAY
from tests.migrating import Executor as MigrationExecutor

BEFORE = [("bulletins", "0010_merge")]


def migrate_to(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    triggers.install(connection)


@pytest.mark.django_db(transaction=True)
def test_daily_issues_become_internal_and_the_rest_stay_public(editor):
    try:
        old = migrate_to(BEFORE)
        publication = old.get_model("bulletins", "Publication")
        issue = old.get_model("bulletins", "Issue")
        daily = publication.objects.create(code="daily", name="每日要情", level="city", issuer="办")
        special = publication.objects.create(code="sp", name="信息专报", level="city", issuer="办")
        made = {
            p.code: issue.objects.create(
                publication=p, year=TODAY.year, issue_date=TODAY, compiled_by_id=editor.pk
            ).pk
            for p in (daily, special)
        }
    finally:
        migrate_to_latest()

    assert Publication.objects.get(code="daily").default_secrecy == "internal"
    assert Publication.objects.get(code="sp").default_secrecy == "public"
    assert Issue.objects.get(pk=made["daily"]).secrecy == "internal"
    assert Issue.objects.get(pk=made["sp"]).secrecy == "public"
