"""Early signs and tendencies (倾向性、苗头性问题): terms and topics rising against their own
baseline, week by ISO week.

Every item that reached the section (or, for a leader, every adopted item: what the reader may
read) in the chosen week and the baseline weeks before it is segmented with rjieba; a term
counts once per item, and the office's tags are taught to the segmenter as whole words first.
Tags are counted the same way, as topics. `rules.bursts` flags the terms whose week
stands out. Four queries, whatever the number of items."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from insight import rules
from insight.models import InsightPolicy
from org.models import User
from submissions.models import InfoItem, Tag
from submissions.queries import visible_items

ITEMS_PER_TERM = 20
TOP_TERMS = 15


def params_of(policy: InsightPolicy) -> rules.TrendParams:
    return rules.TrendParams(
        baseline_weeks=policy.trend_baseline_weeks,
        min_count=policy.trend_min_count,
        z_threshold=float(policy.trend_z),
    )


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_week(raw: str) -> date | None:
    """'2026-W09' as the Monday of that ISO week; None if it is not one."""
    try:
        year, week = raw.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def week_label(monday: date) -> str:
    """The week as the address names it ('2026-W48')."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_name(monday: date) -> str:
    """The week as people name it ('2026年第48周')."""
    year, week, _day = monday.isocalendar()
    return _("week %(week)s of %(year)s") % {"year": year, "week": week}


@dataclass
class Sign:
    burst: rules.Burst
    items: list[InfoItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.burst.current - len(self.items), 0)


@dataclass
class Trends:
    monday: date
    weeks: list[date]
    params: rules.TrendParams
    documents: int  # items in the chosen week
    totals: list[int]  # items in each week, oldest first
    terms: list[Sign]
    topics: list[Sign]
    top_terms: list[tuple[str, int]]

    @property
    def labels(self) -> list[str]:
        return [f"{d:%m-%d}" for d in self.weeks]


def weekly_trends(user: User, monday: date, policy: InsightPolicy) -> Trends:
    params = params_of(policy)
    stop = rules.parse_stop_words(policy.trend_stop_words)
    weeks = rules.weeks_ending(monday, params.baseline_weeks + 1)
    span = len(weeks)
    # A merged duplicate is the same event once more: only its main record counts.
    pool = visible_items(user).filter(
        submitted_at__gte=_aware(weeks[0]),
        submitted_at__lt=_aware(monday + timedelta(weeks=1)),
        duplicate_of__isnull=True,
    )
    week_of: dict[int, int] = {}
    when: dict[int, datetime] = {}
    term_counts: dict[str, list[int]] = defaultdict(lambda: [0] * span)
    behind: dict[str, list[int]] = defaultdict(list)  # the chosen week's items, by term
    rows = pool.values_list("pk", "title", "body", "submitted_at")
    rules.learn_words(Tag.objects.values_list("name", flat=True))
    for pk, title, body, submitted_at in rows:
        assert submitted_at is not None  # the filter above
        index = (timezone.localtime(submitted_at).date() - weeks[0]).days // 7
        week_of[pk], when[pk] = index, submitted_at
        for term in rules.keywords(rules.item_text(title, body), stop):
            term_counts[term][index] += 1
            if index == span - 1:
                behind[term].append(pk)
    tag_counts: dict[str, list[int]] = defaultdict(lambda: [0] * span)
    tag_behind: dict[str, list[int]] = defaultdict(list)
    tagged = InfoItem.tags.through.objects.filter(infoitem_id__in=pool.values("pk")).values_list(
        "infoitem_id", "tag__name"
    )
    for pk, name in tagged:
        if pk not in week_of:
            continue
        tag_counts[name][week_of[pk]] += 1
        if week_of[pk] == span - 1:
            tag_behind[name].append(pk)
    totals = [0] * span
    for index in week_of.values():
        totals[index] += 1
    terms = [Sign(b) for b in rules.bursts(term_counts, params, totals)]
    topics = [Sign(b) for b in rules.bursts(tag_counts, params, totals)]
    _attach_items(terms, behind, topics, tag_behind, when)
    current = sorted(
        ((t, c[-1]) for t, c in term_counts.items() if c[-1]), key=lambda tc: (-tc[1], tc[0])
    )
    return Trends(
        monday=monday,
        weeks=weeks,
        params=params,
        documents=totals[-1],
        totals=totals,
        terms=terms,
        topics=topics,
        top_terms=current[:TOP_TERMS],
    )


def _attach_items(
    terms: list[Sign],
    behind: dict[str, list[int]],
    topics: list[Sign],
    tag_behind: dict[str, list[int]],
    when: dict[int, datetime],
) -> None:
    """The newest items behind each flagged term and topic, in one query."""
    for signs, source in ((terms, behind), (topics, tag_behind)):
        for sign in signs:
            newest = sorted(source[sign.burst.term], key=lambda pk: (when[pk], pk), reverse=True)
            source[sign.burst.term] = newest[:ITEMS_PER_TERM]
    wanted = {
        pk
        for signs, source in ((terms, behind), (topics, tag_behind))
        for sign in signs
        for pk in source[sign.burst.term]
    }
    if not wanted:
        return
    rows = {
        i.pk: i
        for i in InfoItem.objects.filter(pk__in=wanted)
        .select_related("unit")
        .only("pk", "title", "state", "submitted_at", "unit__name", "unit__short_name")
    }
    for signs, source in ((terms, behind), (topics, tag_behind)):
        for sign in signs:
            sign.items = [rows[pk] for pk in source[sign.burst.term] if pk in rows]
