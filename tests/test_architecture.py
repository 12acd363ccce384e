"""The layers: the core knows no model, and no import circle runs through it."""

from __future__ import annotations

import ast
from pathlib import Path

import attachsim

SRC = Path(attachsim.__file__).parent
MODEL_PACKAGES = ("development", "adulthood", "assessments", "caregiving", "interventions", "validation", "reports",
                  "cli")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, imported only for type checking) for every import in a file."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for child in node.body for n in ast.walk(child)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in typing_only) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            out += [(n, id(node) in typing_only) for n in [target, *names]]
    return [(name, typing) for name, typing in out if name.startswith("attachsim")]


def _graph(runtime_only: bool) -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        for name, typing in _imports(path):
            if runtime_only and typing:
                continue
            if name in files and name != mod:
                graph[mod].add(name)
    return graph


def test_core_imports_no_model_package() -> None:
    offenders = []
    for path in (SRC / "core").rglob("*.py"):
        for name, _ in _imports(path):
            parts = name.split(".")
            if len(parts) > 1 and parts[1] in MODEL_PACKAGES:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert not offenders, "the core imports the model:\n" + "\n".join(sorted(set(offenders)))


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            out.append(comp)

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_circle_through_the_core() -> None:
    """Imports made when the code runs (module level or inside functions; not those only for type checking)."""
    circles = [c for c in _strongly_connected(_graph(runtime_only=True))
               if len(c) > 1 and any(m.startswith("attachsim.core") for m in c)]
    assert not circles, f"import circles through the core: {circles}"


def test_the_import_checker_sees_a_planted_import(tmp_path: Path) -> None:
    """The checker can fail: a core module importing a model package is reported."""
    planted = tmp_path / "attachsim" / "core" / "x.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("from ..development import infancy\n")
    global SRC
    saved, SRC = SRC, tmp_path / "attachsim"
    try:
        names = [n for n, _ in _imports(planted)]
    finally:
        SRC = saved
    assert "attachsim.development" in names
