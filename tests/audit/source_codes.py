"""Every audit action code the application can write, found by reading the source — not from
audit.labels — so a new record() call without a label fails the label test."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "bench", "node_modules", "var", "migrations"}


def _sources() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if not SKIP & set(p.relative_to(ROOT).parts[:-1]) and p.parts[-2:] != ("tests",)
    ]


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def codes() -> tuple[set[str], list[str]]:
    """(codes, dynamic): the literal codes, and the places whose code is built at run time."""
    found: set[str] = set()
    dynamic: list[str] = []
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _sources()}
    # Functions that take the code as a parameter named `action` pass it on to record().
    relays: dict[str, int] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.args]
                if "action" in names and node.name not in ("record", "save_change"):
                    relays[node.name] = names.index("action")
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in ("record", "save_change"):
                code = node.args[1] if len(node.args) >= 2 else None
                literal = _strings(code) if code is not None else []
                found.update(literal)
                if code is not None and not literal and isinstance(code, ast.JoinedStr):
                    dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and _callee(node) in relays:
                index = relays[_callee(node)]
                if len(node.args) > index:
                    found.update(_strings(node.args[index]))
            if isinstance(node, ast.Call) and _callee(node) != "add_argument":
                for keyword in node.keywords:
                    if keyword.arg and keyword.arg.endswith("action"):
                        found.update(s for s in _strings(keyword.value) if "_" in s)
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                named = any(isinstance(t, ast.Name) and t.id == "action" for t in targets)
                if named and node.value is not None:
                    found.update(_strings(node.value))
    return found, dynamic
