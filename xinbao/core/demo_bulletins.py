"""The demo city's bulletins: the last working day's 《每日要情》, published, signed off and
partly read, and the next edition (today's, or the next working day's when today is not one)
being compiled — all through bulletins.actions, then dated back.

The numbering continues the paper series the demo adoptions quote (“2026年第N期”): a city
that starts using xinbao in November does not start its year's numbers again at 1."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bulletins import actions
from bulletins.models import Issue, IssueCounter, IssueEntry, Publication, ReadReceipt
from org.models import User, provincial_office
from submissions.models import Adoption, InfoItem, ItemEvent, ItemState
from xinbao.core.demo_clock import DemoClock


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _open_items(publication: Publication) -> list[InfoItem]:
    """Items in the section's hands that the publication has not used: verified ones first."""
    return list(
        InfoItem.objects.filter(state__in=[ItemState.SUBMITTED, ItemState.UNDER_REVIEW])
        .exclude(adoptions__publication=publication)
        .order_by("-verification", "submitted_at", "pk")
    )


def _mark_forwarded(editor: User) -> int:
    """Items the province or the centre adopted were forwarded to it the day before."""
    province = provincial_office()
    if province is None:
        return 0
    upward = Adoption.objects.filter(level__in=["province", "central"]).order_by("recorded_at")
    done = 0
    for adoption in upward.select_related("item"):
        if adoption.item.forwarded_at is not None:
            continue
        actions.do_forward_item(editor, adoption.item_id, province)
        InfoItem.objects.filter(pk=adoption.item_id).update(
            forwarded_at=adoption.recorded_at - timedelta(days=1)
        )
        done += 1
    return done


def load_bulletins(
    users: dict[str, User], publications: dict[str, Publication], now: datetime
) -> str:
    editor, chief, leader = users["bianji1"], users["kezhang"], users["lingdao"]
    daily = publications["mryq"]
    daily.readers.set([leader, users["mishuzhang"]])
    clock = DemoClock.at(now)
    items = _open_items(daily)
    if not items:
        raise ValueError("The demo's bulletins need items in the section's hands.")
    # The edition being compiled is today's on a working day, else the next working day's. The
    # last one published is the latest working day's before it whose 07:00 compilation had
    # items to take — items whose whole history so far came before it (an adoption recorded
    # at 07:50 must not precede the item's review): after a weekend or a holiday the freshest
    # items may all have come in on the last working day itself.
    compiling_for = clock.working_day_on_or_after(clock.today)
    published_on = clock.working_days_before(compiling_for, 1)
    while min(i.updated_at for i in items) >= _at(published_on, 7, 0):
        published_on = clock.working_days_before(published_on, 1)
    # The paper series so far: the same count the demo adoption notes use.
    number = published_on.timetuple().tm_yday * 5 // 7 + 1
    IssueCounter.objects.update_or_create(
        publication=daily, year=published_on.year, defaults={"last_number": number - 1}
    )

    compiled_at = _at(published_on, 7, 0)
    published_items = [i for i in items if i.updated_at < compiled_at][:3]
    draft_items = [i for i in items if i not in published_items][:2]

    # The last issue: compiled from 07:00, signed off 07:40, published 07:50.
    issue = actions.do_create_issue(editor, daily, published_on)
    actions.do_add_entries(editor, issue.pk, [i.pk for i in published_items])
    first = IssueEntry.objects.filter(issue=issue).order_by("position").first()
    if first is not None:
        actions.do_edit_entry(
            editor,
            first.pk,
            first.title,
            first.body.split("\n")[0] if "\n" in first.body else first.body,
            first.credit,
        )
    actions.do_submit_issue(editor, issue.pk)
    actions.do_sign_off_issue(chief, issue.pk)
    issue = actions.do_publish(editor, issue.pk)
    Issue.objects.filter(pk=issue.pk).update(
        created_at=_at(published_on, 7, 0),
        signed_off_at=_at(published_on, 7, 40),
        published_at=_at(published_on, 7, 50),
        updated_at=_at(published_on, 7, 50),
    )
    item_ids = [i.pk for i in published_items]
    Adoption.objects.filter(issue=issue).update(recorded_at=_at(published_on, 7, 50))
    ItemEvent.objects.filter(item_id__in=item_ids, at__gte=now).update(at=_at(published_on, 7, 50))
    InfoItem.objects.filter(pk__in=item_ids).update(updated_at=_at(published_on, 7, 50))
    actions.do_mark_read(leader, issue)
    ReadReceipt.objects.filter(issue=issue).update(read_at=_at(published_on, 8, 12))

    # The next edition, being compiled: two items in, not yet sent to the chief.
    draft = actions.do_create_issue(editor, daily, compiling_for)
    actions.do_add_entries(editor, draft.pk, [i.pk for i in draft_items])

    forwarded = _mark_forwarded(editor)
    return (
        f"《{daily.name}》 no. {number} published with {len(published_items)} items, "
        f"a draft with {len(draft_items)}, {forwarded} items marked forwarded"
    )
