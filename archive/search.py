"""The search face of the information database. The public API:

    search(who, query, filters=Filters(), sort="newest", page=1, per_page=20) -> Result
    count(who, query, filters=Filters()) -> int
    matching_ids(who, query, filters=Filters()) -> list[int]   # Document ids, newest first
    facets(who, query, filters=Filters()) -> Facets

`who` is a `org.User` (their visibility rules apply) or `Grants.everything()` (the operator's
view of the command line). `query` is the raw text ("火灾 -演练 \"城南 区\"") or a parsed
`rules.Query`. Every call first brings the index up to date with committed data.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from time import perf_counter
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from archive import backends, documents, highlight, index, rules
from archive.backends import Plan
from archive.hits import documents_by_id
from archive.models import DocKind, Document, SortOrder
from archive.ranking import ranked
from archive.visibility import Grants, grants_for
from org.models import User
from xinbao.core.inputs import clamp_date, parse_id

MAX_PAGE = 50
PER_PAGE = 20

Who = User | Grants


@dataclass(frozen=True)
class Filters:
    """Narrowing by facet values (any of the values of one facet; all facets together) and by
    date (inclusive, local days)."""

    kinds: tuple[str, ...] = ()
    units: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    adoption: tuple[str, ...] = ()
    tags: tuple[int, ...] = ()
    verification: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    FACETS = (
        ("kinds", documents.KIND),
        ("units", documents.UNIT),
        ("categories", documents.CATEGORY),
        ("levels", documents.LEVEL),
        ("adoption", documents.ADOPTION),
        ("tags", documents.TAG),
        ("verification", documents.VERIFIED),
    )

    def groups(self) -> tuple[tuple[str, ...], ...]:
        out = []
        for name, prefix in self.FACETS:
            values = getattr(self, name)
            if values:
                out.append(tuple(prefix + str(v) for v in values))
        return tuple(out)

    def id_range(self) -> tuple[int | None, int | None]:
        low = high = None
        if self.date_from:
            low = index.id_floor(timezone.make_aware(datetime.combine(self.date_from, time.min)))
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
            high = index.id_floor(end) - 1
        return low, high

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            name: list(getattr(self, name)) for name, _p in self.FACETS if getattr(self, name)
        }
        if self.date_from:
            out["date_from"] = self.date_from.isoformat()
        if self.date_to:
            out["date_to"] = self.date_to.isoformat()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Filters":
        def ints(key: str) -> tuple[int, ...]:
            return tuple(n for n in map(parse_id, data.get(key, ())) if n is not None)

        def strs(key: str) -> tuple[str, ...]:
            return tuple(str(x) for x in data.get(key, ()) if str(x).isalnum())

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(data[key]) if data.get(key) else None
            except (TypeError, ValueError):
                return None

        return cls(
            kinds=strs("kinds"),
            units=ints("units"),
            categories=strs("categories"),
            levels=strs("levels"),
            adoption=strs("adoption"),
            tags=ints("tags"),
            verification=strs("verification"),
            date_from=day("date_from"),
            date_to=day("date_to"),
        )

    def __post_init__(self) -> None:
        # A saved or subscribed search may carry a date from before the range was enforced
        # (to=9999-12-31 overflowed the moment after it); the nearest bound selects the same.
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clamp_date(value))

    @property
    def active(self) -> bool:
        return bool(self.groups() or self.date_from or self.date_to)


def _grants(who: Who) -> Grants:
    return who if isinstance(who, Grants) else grants_for(who)


def _query(query: str | rules.Query) -> rules.Query:
    return query if isinstance(query, rules.Query) else rules.parse(query)


def explain(query: rules.Query) -> list[str]:
    """Why a query can find nothing, in the active language: a term excluded and required at
    once (or excluded in part: every document with 火灾 has 火)."""
    out = []
    for term, excluded in query.conflicts():
        if term == excluded:
            out.append(
                _("“%(term)s” is both required and excluded, so nothing can match.")
                % {"term": term}
            )
        else:
            out.append(
                _(
                    "Every document containing “%(term)s” contains the excluded “%(excluded)s”,"
                    " so nothing can match."
                )
                % {"term": term, "excluded": excluded}
            )
    return out


def plan_for(grants: Grants, query: rules.Query, filters: Filters, **extra: Any) -> Plan:
    low, high = filters.id_range()
    return Plan(
        terms=query.terms,
        excluded=query.excluded,
        groups=(tuple(sorted(grants.tokens)), *filters.groups()),
        id_min=low,
        id_max=high,
        **extra,
    )


@dataclass
class Hit:
    doc: Document
    title: SafeString
    snippet: SafeString
    url: str
    score: float | None = None
    secrecy: str = ""  # 密级 of the source, set for a result page (archive/secrecy.py)

    @property
    def kind_label(self) -> str:
        return str(DocKind(self.doc.kind).label)


_URL_NAMES = {
    DocKind.ITEM: "submissions:detail",
    DocKind.INCIDENT: "emergencies:detail",
    DocKind.REPORT: "emergencies:detail",
    DocKind.ENTRY: "bulletins:issue",
    DocKind.NOTICE: "accountability:notice",
}
_MARK = 987654321


@lru_cache(maxsize=16)
def _url_pattern(name: str) -> str:
    """The view's path with a marker for the id (reverse() per hit costs more than the rest of
    a result page)."""
    try:
        return reverse(name, args=[_MARK])
    except NoReverseMatch:  # a source app without a page for it
        return ""


def url_for(doc: Document) -> str:
    by_parent = doc.kind in (DocKind.REPORT, DocKind.ENTRY)
    pattern = _url_pattern(_URL_NAMES[DocKind(doc.kind)])
    if not pattern:
        return ""
    url = pattern.replace(str(_MARK), str(doc.parent_id if by_parent else doc.source_id))
    if doc.kind == DocKind.REPORT:
        url += f"#report-{doc.source_id}"
    elif doc.kind == DocKind.ENTRY:
        url += f"#entry-{doc.source_id}"
    return url


@dataclass
class Result:
    query: rules.Query
    filters: Filters
    sort: str
    page: int
    per_page: int
    hits: list[Hit]
    has_next: bool
    plan: Plan
    incomplete: bool = False  # the index is being rebuilt
    # While it is rebuilt newest first: every document from this moment on is already found.
    filled_since: datetime | None = None
    # Why the query finds nothing whatever the data (translated, for the page and the API).
    messages: list[str] = field(default_factory=list)
    # How long the index took to find the page's ids (`page_ids`), within this call: the rest
    # of the call reads the documents' rows and marks their titles and snippets.
    index_ms: float = 0.0

    @cached_property
    def total(self) -> int:
        """Counted on first use: the page itself does not need it."""
        return backends.current().count(self.plan)

    @property
    def pages(self) -> int | None:
        """How many pages the matches fill, once the total is known."""
        return page_count(self.total, self.per_page) if self.counted else None

    @property
    def counted(self) -> bool:
        """Whether the total is known without a count: the last page, or nothing to find."""
        return "total" in self.__dict__

    @property
    def ids(self) -> list[int]:
        return [h.doc.pk for h in self.hits]


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return -(-total // per_page)


def _hits(ids: Sequence[int], query: rules.Query, scores: dict[int, float]) -> list[Hit]:
    docs = documents_by_id(ids)
    terms = list(query.terms)
    out = []
    for i in ids:
        doc = docs.get(i)
        if doc is None:
            continue
        title, body = index.split_norm(doc.norm)
        out.append(
            Hit(
                doc=doc,
                title=highlight.highlight(doc.title, terms, title),
                snippet=highlight.snippet(doc.body, terms, body),
                url=url_for(doc),
                score=scores.get(i),
            )
        )
    return out


def page_ids(
    plan: Plan, query: rules.Query, sort: str, offset: int, limit: int
) -> tuple[list[int], dict[int, float]]:
    """The index's part of a page: the ids of its matches in order (and their scores, ranked).

    What `search` adds to it is the documents' rows, titles and snippets."""
    if sort == SortOrder.RELEVANCE and query.terms:
        top = ranked(plan, query, offset + limit)
        return [i for i, _s in top[offset:]], dict(top)
    return backends.current().ids(plan, limit=limit, offset=offset), {}


def search(
    who: Who,
    query: str | rules.Query,
    filters: Filters | None = None,
    sort: str = SortOrder.NEWEST,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Result:
    """One page of results, newest first or most relevant first. Raises rules.QueryError."""
    parsed = _query(query)
    filters = filters or Filters()
    page = min(max(page, 1), MAX_PAGE)
    grants = _grants(who)
    complete = index.ensure_fresh()
    plan = plan_for(grants, parsed, filters)
    offset = (page - 1) * per_page
    nothing = grants.none or parsed.impossible
    started = perf_counter()
    ids, scores = ([], {}) if nothing else page_ids(plan, parsed, sort, offset, per_page + 1)
    index_ms = (perf_counter() - started) * 1000
    has_next = len(ids) > per_page and page < MAX_PAGE
    last = (bool(ids) or offset == 0) and len(ids) <= per_page  # the page holds the last match
    ids = ids[:per_page]
    result = Result(
        query=parsed,
        filters=filters,
        sort=sort,
        page=page,
        per_page=per_page,
        hits=_hits(ids, parsed, scores),
        has_next=has_next,
        plan=plan,
        incomplete=not complete,
        filled_since=None if complete else index.filled_since(),
        messages=explain(parsed),
        index_ms=index_ms,
    )
    if nothing:
        result.total = 0
    elif last:
        result.total = offset + len(ids)
    return result


def count(who: Who, query: str | rules.Query, filters: Filters | None = None) -> int:
    grants = _grants(who)
    parsed = _query(query)
    if grants.none or parsed.impossible:
        return 0
    index.ensure_fresh()
    return backends.current().count(plan_for(grants, parsed, filters or Filters()))


def matching_ids(who: Who, query: str | rules.Query, filters: Filters | None = None) -> list[int]:
    """Every matching Document id, newest first (for analyses over a result set)."""
    grants = _grants(who)
    parsed = _query(query)
    if grants.none or parsed.impossible:
        return []
    index.ensure_fresh()
    return backends.current().ids(plan_for(grants, parsed, filters or Filters()))


# --- Facets ----------------------------------------------------------------------------------


# Facet counts read each match's meta tokens: exact up to this many matches (the newest);
# beyond it they are counted over the newest this many and shown as lower bounds ("≥ n").
FACET_EXACT = 10_000


@dataclass
class Facets:
    total: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # facet name -> value -> n
    years: Counter[int] = field(default_factory=Counter)
    exact: bool = True  # False: counted over the newest FACET_EXACT matches (lower bounds)


def _years() -> list[backends.Year]:
    """Each year the index spans, newest first, with the first document id it holds."""
    span = index.id_span()
    if span is None:
        return []
    first, last = index.moment_of(span[0]).year, index.moment_of(span[1]).year
    return [
        (index.id_floor(timezone.make_aware(datetime(year, 1, 1))), year)
        for year in range(last, first - 1, -1)
    ]


def facets(
    who: Who, query: str | rules.Query, filters: Filters | None = None, limit: int = FACET_EXACT
) -> Facets:
    """Counts per facet value over the matches. Each facet is counted with every other
    filter applied but not its own, so the other values of a facet stay visible. Over more
    than `limit` matches, the newest `limit` are counted and `exact` is False."""
    filters = filters or Filters()
    grants = _grants(who)
    out = Facets(counts={name: Counter() for name, _p in Filters.FACETS})
    parsed = _query(query)
    if grants.none or parsed.impossible:
        return out
    index.ensure_fresh()
    base = plan_for(grants, parsed, Filters(date_from=filters.date_from, date_to=filters.date_to))
    chosen = [
        (name, prefix, {prefix + str(v) for v in getattr(filters, name)})
        for name, prefix in Filters.FACETS
    ]
    backend = backends.current()
    # Documents share facet and grant tokens by the thousand: the database counts each
    # distinct set (and year) once.
    groups = backend.meta_groups(base, _years(), limit)
    per_meta: Counter[str] = Counter()
    for meta, _year, n, _oldest in groups:
        per_meta[meta] += n
    if sum(per_meta.values()) >= limit:
        # Exact when no match is older than the oldest counted: one page of one id, not a
        # count of every match (新华社 at 100,000 on PostgreSQL: 207 → 2 ms).
        oldest = min(g[3] for g in groups)
        out.exact = not backend.ids(replace(base, id_max=oldest - 1), 1)
    passing: set[str] = set()
    for meta, n in per_meta.items():
        tokens = meta.split()
        failed = [name for name, _p, want in chosen if want and not want.intersection(tokens)]
        if len(failed) > 1:
            continue
        for name, prefix, _want in chosen:
            if failed and failed[0] != name:
                continue
            bucket = out.counts[name]
            for t in tokens:
                if t.startswith(prefix):
                    bucket[t[len(prefix) :]] += n
        if not failed:
            passing.add(meta)
            out.total += n
    for meta, year, n, _oldest in groups:
        if meta in passing:
            out.years[year] += n
    return out
