"""Read side of the bulletins: who may read which issue, what can go into one, who has read it."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from bulletins.actions import COMPILABLE, readers_of
from bulletins.models import Issue, IssueEntry, IssueState, Publication, ReadReceipt
from org.models import User
from org.roles import Capability
from submissions.models import InfoItem
from submissions.queries import visible_items

CANDIDATE_LIMIT = 60


def compiles(user: User) -> bool:
    """The information section compiles issues (and may open them in any state)."""
    return user.can(Capability.REVIEW)


def readable_publications(user: User) -> QuerySet[Publication]:
    """Publications whose published issues the user may read: the section and city leaders
    read them all; anyone else only those that list them as readers."""
    compiled = Publication.objects.filter(compiled_here=True)
    if user.can(Capability.READ_BULLETINS):
        return compiled
    if user.can(Capability.RECEIVE_BULLETINS):
        return compiled.filter(readers=user)
    return compiled.none()


def reads_bulletins(user: User) -> bool:
    """The bulletins page: the menu shows it to exactly these people."""
    return user.can(Capability.READ_BULLETINS) or (
        user.can(Capability.RECEIVE_BULLETINS) and Publication.objects.filter(readers=user).exists()
    )


def visible_issues(user: User) -> QuerySet[Issue]:
    if not user.is_active:
        return Issue.objects.none()
    if compiles(user):
        return Issue.objects.all()
    return Issue.objects.filter(
        state=IssueState.PUBLISHED, publication__in=readable_publications(user)
    )


def get_visible_issue(user: User, pk: int) -> Issue:
    """The issue if the user may open it; 404 otherwise, so unpublished issues stay unseen."""
    try:
        issues = visible_issues(user).select_related("publication", "compiled_by", "signed_off_by")
        return issues.get(pk=pk)
    except Issue.DoesNotExist:
        raise Http404 from None


def published_for(user: User) -> QuerySet[Issue]:
    """Published issues the user may read, newest first, each marked read or not."""
    return (
        visible_issues(user)
        .filter(state=IssueState.PUBLISHED)
        .select_related("publication")
        .annotate(
            is_read=Exists(ReadReceipt.objects.filter(issue=OuterRef("pk"), reader=user)),
        )
        .order_by("-published_at", "-pk")
    )


def entries_of(issue: Issue) -> QuerySet[IssueEntry]:
    return issue.entries.select_related("item", "item__unit", "item__forwarded_to").order_by(
        "position", "pk"
    )


def candidates(issue: Issue, user: User, q: str = "") -> QuerySet[InfoItem]:
    """Items the section can put into the issue: reached the section and still open or
    adopted elsewhere, not yet adopted by this publication, not in this issue — newest first.
    Items waiting in another unpublished issue of the same publication are left out too: the
    second issue could not publish them."""
    waiting = (
        IssueEntry.objects.filter(issue__publication=issue.publication)
        .exclude(issue__state=IssueState.PUBLISHED)
        .values("item_id")
    )
    items = (
        visible_items(user)
        .filter(state__in=COMPILABLE)
        .exclude(adoptions__publication=issue.publication)
        .exclude(pk__in=waiting)
        .select_related("unit")
        .prefetch_related("joint_units")
        .order_by("-submitted_at", "-pk")
    )
    if q:
        items = items.filter(title__contains=q)
    return items


def picker_rows(issue: Issue, user: User, q: str, ticked: Collection[int]) -> list[InfoItem]:
    """The candidate picker's rows for a search: the items the editor has ticked first (those
    still candidates), whatever the search, so that a new search or a cleared box never drops
    a choice; then the search's matches, at most CANDIDATE_LIMIT of them."""
    kept = list(candidates(issue, user).filter(pk__in=ticked)) if ticked else []
    matches = candidates(issue, user, q).exclude(pk__in=[item.pk for item in kept])
    return kept + list(matches[:CANDIDATE_LIMIT])


def conflicts(issue: Issue) -> list[IssueEntry]:
    """Entries whose item the publication has meanwhile adopted by hand: publishing would
    fail on them, so the page says so before anyone signs off."""
    if issue.state == IssueState.PUBLISHED:
        return []
    return list(
        issue.entries.filter(item__adoptions__publication=issue.publication).order_by("position")
    )


@dataclass(frozen=True)
class ReaderRow:
    reader: User
    read_at: datetime | None
    listed: bool  # one of the publication's readers, rather than someone who opened it anyway


def receipts(issue: Issue) -> list[ReaderRow]:
    """Every reader with the time they opened the issue; the ones who have not yet, last."""
    read = {
        r.reader_id: r
        for r in ReadReceipt.objects.filter(issue=issue)
        .select_related("reader", "reader__unit")
        .order_by("read_at")
    }
    listed = readers_of(issue.publication)
    listed_ids = {u.pk for u in listed}
    rows = [ReaderRow(r.reader, r.read_at, r.reader_id in listed_ids) for r in read.values()]
    rows += [ReaderRow(u, None, True) for u in listed if u.pk not in read]
    return rows


def leaves_receipt(user: User, issue: Issue) -> bool:
    """Opening a published issue counts as reading it, except for section staff checking
    their own work who are not among its readers."""
    if issue.state != IssueState.PUBLISHED:
        return False
    if not compiles(user):
        return True
    return issue.publication.readers.filter(pk=user.pk).exists()
