"""Character-level comparison of two texts, to show an editor's changes (Chinese has no spaces)."""

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


def compare(old: str, new: str) -> list[Segment]:
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", new[j1:j2]))
    return segments
