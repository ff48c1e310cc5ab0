"""The shape of the tree a newcomer opens (README, Layout): no application module grows past a
size one can read in a sitting. Which app may import which is import-linter's contract in
pyproject.toml, checked by `make lint`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "org",
    "audit",
    "notify",
    "deadlines",
    "submissions",
    "emergencies",
    "bulletins",
    "accountability",
    "duty",
    "archive",
    "insight",
    "scoring",
    "xinbao",
]
MAX_LINES = 600  # migrations are generated history, not read as code


def test_every_app_of_the_layout_exists():
    assert [app for app in APPS if not (ROOT / app / "__init__.py").is_file()] == []


def test_no_application_module_is_over_600_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}


def test_no_template_comment_spans_lines():
    """Django's {# … #} ends at the line's end: one left open is printed on the page for every
    reader to see. Longer notes use {% comment %}."""
    open_comments = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "templates").rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == []
