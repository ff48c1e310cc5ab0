"""The information database (信息库): the search index, its outbox, saved searches.

`Document` is one searchable thing — a routine item, an incident, one of its reports, a
bulletin entry, a criticism notice — as it stands now. Its primary key is the row id of the
full-text index and encodes the document's date (`rules`-independent: see `archive.index`), so
"newest first" is a walk down the index that stops after one page.

Triggers on the source tables write `Pending` rows in the same transaction as the write that
changed the source (whatever wrote it: actions, `QuerySet.update`, `bulk_create`, the admin,
raw SQL). The index catches up from those rows (`archive.index.drain`) before every search and
in the worker loop, so a search never answers from an index that disagrees with committed data.
The drain leaves a `NewlyIndexed` row per document it added or changed; the worker runs the
subscribed saved searches over them (`archive.subscriptions.announce_new`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class RowIdField(models.BigIntegerField):  # type: ignore[type-arg]  # as BigIntegerField
    """A 64-bit primary key that is SQLite's row id itself (`INTEGER PRIMARY KEY`), so the
    document table and the full-text index share one key without a second B-tree."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class DocKind(models.TextChoices):
    ITEM = "item", _("Routine information")
    INCIDENT = "incident", _("Incident")
    REPORT = "report", _("Incident report")
    ENTRY = "entry", _("Bulletin entry")
    NOTICE = "notice", _("Criticism notice")


class Document(models.Model):
    id = RowIdField(primary_key=True)
    key = models.CharField(max_length=40, unique=True)  # "item:12"
    kind = models.CharField(_("kind"), max_length=10, choices=DocKind.choices)
    source_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True)  # a report's incident, an entry's issue
    date = models.DateTimeField(_("date"))
    # Space-separated tokens: facets (kind, units, category, level, adoption, tags,
    # verification) and who may see the document. Kept so the index entry can be removed
    # exactly and facets counted without touching the sources.
    meta = models.TextField()
    unit = models.ForeignKey(
        "org.Unit", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    length = models.PositiveIntegerField()  # characters of the normalised title and body
    avg_length = models.FloatField()  # the average the tier tokens were computed against
    indexed_at = models.DateTimeField(auto_now=True)
    # The long columns last: facet counts and ranking read the short ones above from a row's
    # first page without walking the text's overflow pages.
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    # The normalised title and body, one line each: what was searched, and what ranking
    # counts occurrences in (PostgreSQL also checks substrings against it).
    norm = models.TextField()

    class Meta:
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")

    def __str__(self) -> str:
        return self.key


class Pending(models.Model):
    """A source row that changed and is not yet reflected in the index. Written by database
    triggers (see `archive.triggers`), removed by the transaction that indexes it."""

    kind = models.CharField(max_length=10)
    source_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_id}"


class NewlyIndexed(models.Model):
    """A document the drain added or changed that the subscribed saved searches have not yet
    been run over. Written in the drain's transaction, removed by the transaction of
    `archive.subscriptions.announce_new` that announces it (in the worker, never in a
    reader's request): a document is announced once, and none is lost between the two."""

    doc_key = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.doc_key


class IndexState(models.Model):
    """One row: which schema the index was built with, and the corpus statistics ranking uses,
    kept current by every write to the index (`archive.index.apply`): how many documents,
    their total normalised length, and so their average length."""

    version = models.CharField(max_length=60)
    avg_length = models.FloatField(default=500.0)
    doc_count = models.PositiveBigIntegerField(default=0)
    total_length = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.version


class Unsynced(models.Model):
    """A document whose entries in the tantivy index may lag its `Document` row (written in
    the transaction that changed the row, deleted once the index has been committed; see
    `archive.tantivy_index`). `doc_id` FULL (-1): the whole index is to be rebuilt from the
    document table, newest first, a step at a time; `filled_from` is how far that has got
    (every document with an id at or above it is in the index; null: not started)."""

    FULL = -1

    doc_id = models.BigIntegerField()
    filled_from = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.doc_id)


class SortOrder(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    RELEVANCE = "relevance", _("Most relevant first")


class SavedSearch(models.Model):
    """A query and its filters kept under a name; with `subscribed`, new matches are sent to
    the owner through the notification channels."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=400, blank=True)
    filters: "models.JSONField[dict[str, Any]]" = models.JSONField(_("filters"), default=dict)
    sort = models.CharField(
        _("order"), max_length=10, choices=SortOrder.choices, default=SortOrder.NEWEST
    )
    subscribed = models.BooleanField(_("notify me of new matches"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class SubscriptionHit(models.Model):
    """A document already announced to a subscription's owner: each is announced once."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    doc_key = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "doc_key"], name="hit_once")]

    def __str__(self) -> str:
        return f"{self.saved_search_id} {self.doc_key}"


class ImportedItem(models.Model):
    """An item brought in by `import_items`, under the key of its line (the file's own id, or
    a hash of its content): a line whose key is here is not imported again."""

    key = models.CharField(max_length=100, unique=True)
    item = models.OneToOneField(
        "submissions.InfoItem", on_delete=models.CASCADE, related_name="import_record"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
