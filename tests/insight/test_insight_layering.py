"""Insight sits above the apps it reads: none of them imports it, not even lazily inside a
function or in a migration. (They reach it through signals, template tags and registries.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW = [
    "org",
    "audit",
    "notify",
    "submissions",
    "emergencies",
    "bulletins",
    "accountability",
    "archive",
]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", BELOW)
def test_no_app_below_imports_insight(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imports(path) if m.split(".")[0] == "insight"
        )
        for path in (ROOT / app).rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}
