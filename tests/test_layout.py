"""The package layout shows the data flow: no import cycles, small modules, and
no module taking another module's private names (imports inside functions count).

The layer order itself is checked by import-linter (``lint-imports``, configured
in pyproject.toml) in CI; these checks need nothing but the standard library.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import purposeclf

ROOT = Path(purposeclf.__file__).parent
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        parts = ["purposeclf", *p.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


def _imports(mods: dict[str, Path]) -> list[tuple[str, str, str]]:
    """(importer, imported module, imported name) for every import in the package."""
    found = []
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8-sig"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in mods:
                        found.append((name, sub, ""))
                    elif target in mods:
                        found.append((name, target, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in mods:
                        found.append((name, alias.name, ""))
    return found


def test_no_module_is_over_the_size_limit():
    big = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8-sig").splitlines())) > MAX_LINES
    }
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_the_import_graph_has_no_cycle():
    mods = _modules()
    graph = defaultdict(set)
    for a, b, _ in _imports(mods):
        if a != b:
            graph[a].add(b)
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for m in sorted(mods):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_private_name_is_taken_from_another_package():
    bad = []
    for a, b, name in _imports(_modules()):
        if name.startswith("_") and not name.startswith("__"):
            same_package = (
                a.rsplit(".", 1)[0] == b.rsplit(".", 1)[0] and b.count(".") > 1
            )
            if not same_package:
                bad.append(f"{a} imports {b}.{name}")
    assert not bad, bad
