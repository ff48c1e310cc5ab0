"""The tantivy index's queries: a search `Plan` and the ranking's bounds as tantivy queries (the
fields are described in `archive.tantivy_index`)."""

from collections.abc import Sequence
from typing import Any

import tantivy

from archive import rules
from archive.backends import Plan, rules_everything

TEXT_FIELDS = ("t2", "b2")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(token: str) -> str:
    """FTS5's ascii tokenizer folds ASCII letters: a filter token matches in any case there."""
    return token.translate(_ASCII_LOWER)


def query_for(plan: Plan, schema: tantivy.Schema) -> tantivy.Query:
    """The plan as a tantivy query (see `archive.tantivy_index` for the fields)."""

    def term(field: str, token: str) -> tantivy.Query:
        return tantivy.Query.term_query(schema, field, token)

    def any_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
        if not queries:
            return tantivy.Query.empty_query()
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def all_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    def tier(j: int, gram: str) -> tantivy.Query:
        return term("m", rules.tier_token(j, gram))

    def text(t: str) -> tantivy.Query:
        grams = rules.term_grams(t)
        if len(t) == 1:
            return term("u", grams[0])
        if len(grams) == 1:
            return any_of([term(f, grams[0]) for f in TEXT_FIELDS])
        return any_of(
            [tantivy.Query.phrase_query(schema, f, list[Any](grams)) for f in TEXT_FIELDS]
        )

    musts = [text(t) for t in plan.terms]
    musts += [any_of([term("m", fold(x)) for x in group]) for group in plan.groups]
    if plan.tier:
        tiers = []
        strong = range(plan.tier, len(rules.TIERS))
        for t in plan.terms if plan.tier_terms is None else plan.tier_terms:
            grams = dict.fromkeys(rules.term_grams(t))
            per_gram = [any_of([tier(j, g) for j in strong]) for g in grams]
            tiers.append(all_of(per_gram))
        musts.append(any_of(tiers))
    if not musts:
        musts.append(term("m", rules_everything()))
    clauses = [(tantivy.Occur.Must, q) for q in musts]
    clauses += [(tantivy.Occur.MustNot, text(t)) for t in plan.excluded]
    if plan.id_min is not None or plan.id_max is not None:
        span = tantivy.Query.range_query(
            schema, "id", tantivy.FieldType.Integer, plan.id_min, plan.id_max
        )
        clauses.append((tantivy.Occur.Must, span))
    if plan.ids is not None:
        among = (
            tantivy.Query.term_set_query(schema, "id", list(plan.ids))
            if plan.ids
            else tantivy.Query.empty_query()
        )
        clauses.append((tantivy.Occur.Must, among))
    return tantivy.Query.boolean_query(clauses)


def bound_query(
    plan: Plan, schema: tantivy.Schema, values: Sequence[tuple[str, float]]
) -> tantivy.Query:
    """The plan's matches holding at least one of the meta tokens in `values`, scored by the
    sum of the values of those they hold (`backends.Bounded.by_bound`)."""
    tokens = sorted({fold(t) for t, _v in values})
    clauses = [
        (tantivy.Occur.Must, unscored(query_for(plan, schema))),
        (tantivy.Occur.Must, unscored(tantivy.Query.term_set_query(schema, "m", tokens))),
    ]
    for token, value in values:
        held = tantivy.Query.term_query(schema, "m", fold(token))
        clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(held, value)))
    return tantivy.Query.boolean_query(clauses)


def without_query(
    plan: Plan, schema: tantivy.Schema, read: Sequence[Sequence[str]]
) -> tantivy.Query:
    """The plan's matches other than those holding a meta token of every group in `read`."""
    every = [
        (
            tantivy.Occur.Must,
            tantivy.Query.term_set_query(schema, "m", sorted({fold(t) for t in group})),
        )
        for group in read
    ]
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, query_for(plan, schema)),
            (tantivy.Occur.MustNot, tantivy.Query.boolean_query(every)),
        ]
    )


def from_id(schema: tantivy.Schema, query: tantivy.Query, low: int) -> tantivy.Query:
    """The query's matches with an id of at least `low`."""
    floor = tantivy.Query.range_query(schema, "id", tantivy.FieldType.Integer, low, None)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, floor)])


def unscored(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.const_score_query(query, 0.0)


def with_ids(
    searcher: tantivy.Searcher, hits: Sequence[tuple[Any, tantivy.DocAddress]]
) -> list[tuple[int, float]]:
    """(document id, the hit's score or sort value) for search hits."""
    ids = searcher.fast_field_values("id", [address for _key, address in hits])
    return [(int(i), float(key)) for (key, _address), i in zip(hits, ids, strict=True)]  # type: ignore[arg-type]


def newest(searcher: tantivy.Searcher, query: tantivy.Query, limit: int, offset: int) -> list[int]:
    found = searcher.search(
        query, limit, count=False, order_by_field="id", offset=offset, order=tantivy.Order.Desc
    )
    return [int(key) for key, _address in found.hits]
