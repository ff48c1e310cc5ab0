"""The part of the diff benchmark that runs inside Django, against a fresh database.

    python -m bench._diff_child '{"reps": 9, "page_reps": 20, "old_full": true}'

with XINBAO_VAR_DIR (and so the database) set by bench/diff.py. It times
`submissions.diff.compare` on bodies of the maximum length for several edit shapes, the old
character diff and a plain line diff (difflib.ndiff) on the same pairs, and the revision page
of an item holding each pair, through Django's test client. Progress goes to stderr; the
result, one JSON object, is the last line on stdout.
"""

import difflib
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from bench._common import log, percentile

# A figure or a word corrected, and a short phrase added: what an editor does to a paragraph.
MARK = "※"
PHRASE = "（经核实）"
# What a tester pastes to fill a body: one sentence again and again.
FILLER = "防汛工作会议在市委召开。\n"
# Texts made to be hard for a comparison: a few characters or sentences, repeated at random.
HARD_ALPHABETS = ("ab", "ab。", "甲乙。\n", "啊。哦。\n", "abcd，。")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinbao.settings")
    import django

    django.setup()


def report_text(length: int, seed: int) -> str:
    """`length` characters of report-like text: a character chain (two characters of context)
    over the demo items' paragraphs, so characters, punctuation and paragraph lengths are
    distributed as in real reports, and no sentence repeats (a repeated text would flatter no
    one: it makes a diff ambiguous)."""
    from submissions.actions import normalise_body
    from xinbao.demo.items import ITEMS

    source = "\n".join(p for item in ITEMS for p in item.body)
    follows: dict[str, list[str]] = {}
    for i in range(len(source) - 2):
        follows.setdefault(source[i : i + 2], []).append(source[i + 2])
    rng = random.Random(seed)
    out = list(source[:2])
    while len(out) < length * 1.1:
        out.append(rng.choice(follows.get(out[-2] + out[-1]) or source))
    return normalise_body("".join(out))[:length].strip()


@cache
def shapes(length: int) -> dict[str, tuple[str, str]]:
    """Each edit shape as (old body, new body), both at most `length` characters."""
    base = report_text(length, seed=1)
    other = report_text(length, seed=2)
    middle = len(base) // 2
    every = "\n".join(touch(p) for p in base.split("\n"))
    kept = base[: length - 300].strip()
    pairs = {
        "one_char": (base, base[:middle] + MARK + base[middle + 1 :]),
        "every_paragraph": (base, every),
        "rewrite": (base, other),
        "appended": (kept, kept + "\n" + other[: length - len(kept) - 1].strip()),
    }
    filler = (FILLER * (length // len(FILLER) + 1))[:length].strip()
    at = len(filler) // 2
    pairs["repeated"] = (filler, filler[:at] + MARK + filler[at + 1 :])
    pairs["hard"] = slowest_hard(length)
    return pairs


def touch(paragraph: str) -> str:
    """A character replaced a third of the way in, and five characters two thirds of the way
    in replaced by a five-character phrase (under 15 characters: the first character only)."""
    third = len(paragraph) // 3
    if len(paragraph) < 15:
        return MARK + paragraph[1:]
    return (
        paragraph[:third]
        + MARK
        + paragraph[third + 1 : 2 * third]
        + PHRASE
        + paragraph[2 * third + len(PHRASE) :]
    )


def replaced(old: str, new: str) -> int:
    """How many characters differ, position by position (for edits that keep the length)."""
    return sum(x != y for x, y in zip(old, new, strict=True))


def hard_pair(alphabet: str, length: int) -> tuple[str, str]:
    rng = random.Random(alphabet)
    old = "".join(rng.choice(alphabet) for _ in range(length))
    new = list(old)
    for at in range(0, length, 97):
        new[at] = rng.choice(alphabet)
    return old, "".join(new)


def slowest_hard(length: int) -> tuple[str, str]:
    """Of the texts made to be hard, the pair `compare` takes longest on."""
    from submissions.diff import compare

    def took(pair: tuple[str, str]) -> float:
        return runs(3, compare, *pair)[0]

    return max((hard_pair(a, length) for a in HARD_ALPHABETS), key=took)


def timed(fn: Callable[..., object], *args: Any) -> float:
    t = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t) * 1000


def runs(reps: int, fn: Callable[..., object], *args: Any) -> list[float]:
    """Milliseconds of `reps` calls, fastest first."""
    return sorted(timed(fn, *args) for _ in range(reps))


def old_compare(old: str, new: str) -> list[tuple[str, str]]:
    """The implementation this replaced: SequenceMatcher over characters, no junk heuristic."""
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("equal", old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            segments.append(("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            segments.append(("insert", new[j1:j2]))
    return segments


def line_diff(old: str, new: str) -> list[str]:
    """A plain line diff, what one would reach for first: difflib.ndiff over paragraphs."""
    return list(difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)))


def measure_compare(length: int, reps: int, old_full: bool) -> dict[str, Any]:
    from submissions.diff import compare

    out: dict[str, Any] = {}
    small = shapes(2_000)
    for name, (old, new) in shapes(length).items():
        took = runs(reps, compare, old, new)
        segments = compare(old, new)
        out[name] = {
            "old_chars": len(old),
            "replaced": replaced(old, new) if len(old) == len(new) else None,
            "paragraphs": old.count("\n") + 1,
            "new_chars": len(new),
            "compare_ms": statistics.median(took),
            "compare_max_ms": took[-1],
            "deleted": sum(len(s.text) for s in segments if s.op == "delete"),
            "inserted": sum(len(s.text) for s in segments if s.op == "insert"),
            "ndiff_ms": statistics.median(runs(3, line_diff, old, new)),
            "small_compare_ms": statistics.median(runs(reps, compare, *small[name])),
            "small_old_ms": statistics.median(runs(3, old_compare, *small[name])),
        }
        log(f"compare {name}: {out[name]}")
    for name in ("one_char", "repeated") if old_full else ():
        log(f"the replaced character diff on {name} at full length (up to a minute)")
        out[name]["old_full_ms"] = timed(old_compare, *shapes(length)[name])
    return out


def measure_pages(length: int, reps: int) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from org.models import Unit, UnitKind, UnitLevel, User
    from org.roles import Role
    from submissions import actions
    from submissions.models import ItemKind

    unit = Unit.objects.create(
        code="bench", name="基准区委办公室", level=UnitLevel.COUNTY, kind=UnitKind.DISTRICT
    )
    officer = User.objects.create(
        username="officer", full_name="信息员", role=Role.OFFICER, unit=unit, password="!"
    )
    urls: dict[str, str] = {}
    for name, (old, new) in shapes(length).items():
        title = f"基准条目：{name}"
        item = actions.do_create_item(
            officer, actions.ItemContent(title=title, body=old, kind=ItemKind.NEWS)
        )
        actions.do_revise(
            officer, item.pk, actions.ItemContent(title=title, body=new, kind=ItemKind.NEWS)
        )
        urls[name] = reverse("submissions:revision", args=[item.pk, 2])
        if name == "one_char":
            urls["no_diff"] = reverse("submissions:revision", args=[item.pk, 1])
    client = Client()
    client.force_login(officer)

    def page(url: str) -> float:
        t = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        if url != urls["no_diff"] and b"<ins>" not in response.content:
            raise RuntimeError(f"GET {url} shows no change")
        return took

    times: dict[str, list[float]] = {name: [] for name in urls}
    for url in urls.values():
        page(url)  # warm: templates, the session
    for i in range(reps):
        for name, url in urls.items():  # alternate, so a busy moment touches every page
            times[name].append(page(url))
        log(f"pages: {i + 1}/{reps}")
    return {
        name: {
            "url": urls[name],
            "p50_ms": percentile(sorted(ts), 50),
            "p95_ms": percentile(sorted(ts), 95),
        }
        for name, ts in times.items()
    }


def main() -> None:
    args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    _setup()
    from xinbao.core.inputs import MAX_BODY_LENGTH

    compared = measure_compare(MAX_BODY_LENGTH, args["reps"], args["old_full"])
    pages = measure_pages(MAX_BODY_LENGTH, args["page_reps"])
    print(json.dumps({"length": MAX_BODY_LENGTH, "compare": compared, "pages": pages}))


if __name__ == "__main__":
    main()
