"""Adoptions moved from submissions to bulletins, and an item's solicitation became a plain id,
without moving a row (submissions 0007, bulletins 0006): what was written before the two
migrations is read after them, and the adoption's constraint still holds."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.state import StateApps
from django.utils import timezone

from archive import triggers
from bulletins.models import Adoption, Issue, Solicitation
from submissions import hooks
from submissions.models import InfoItem, ItemState
from tests.factories import make_item
from tests.migrating import Executor as MigrationExecutor

BEFORE = [("submissions", "0006_column_bounds"), ("bulletins", "0005_column_bounds")]


def migrate_to(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # A migration run by hand sends no post_migrate, and SQLite drops the triggers of a table
    # it rebuilds: put the archive's back, as `migrate` does.
    triggers.install(connection)


@pytest.mark.django_db(transaction=True)
def test_an_adoption_and_a_solicitation_link_written_before_are_read_after(
    officer_a, head_a, editor, unit_a, province_bulletin
):
    # Rows whose tables the two migrations leave alone, written with today's models.
    item = make_item(officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor)
    day = timezone.localdate()
    issue = Issue.objects.create(
        publication=province_bulletin, year=day.year, issue_date=day, compiled_by=editor
    )
    solicitation = Solicitation.objects.create(
        topic="汛期隐患排查",
        requirements="请报送本地排查整治情况。",
        due_at=timezone.now() + timedelta(days=3),
        issued_by=editor,
    )
    solicitation.units.add(unit_a)

    try:
        old = migrate_to(BEFORE)
        old_item = old.get_model("submissions", "InfoItem")
        old_item.objects.filter(pk=item.pk).update(solicitation=solicitation.pk)
        written = old.get_model("submissions", "Adoption").objects.create(
            item_id=item.pk,
            publication_id=province_bulletin.pk,
            level="province",
            adopted_on=day,
            recorded_by_id=editor.pk,
            note="第12期",
            issue_id=issue.pk,
        )
    finally:
        migrate_to_latest()

    read = Adoption.objects.select_related("item", "publication", "issue").get(pk=written.pk)
    assert (read.item, read.publication, read.issue, read.level, read.adopted_on, read.note) == (
        item,
        province_bulletin,
        issue,
        "province",
        day,
        "第12期",
    )
    assert read.recorded_by_id == editor.pk
    assert list(InfoItem.objects.get(pk=item.pk).adoptions.all()) == [read]
    assert list(issue.adoptions.all()) == [read]
    assert InfoItem.objects.get(pk=item.pk).solicitation_id == solicitation.pk
    assert hooks.open_solicitations(unit_a.pk) == [(solicitation.pk, "汛期隐患排查")]
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(
            item=item,
            publication=province_bulletin,
            level="province",
            adopted_on=day,
            recorded_by=editor,
        )
