"""Move the parameters still written in Python into the modules' data files (idempotent; safe to re-run).

Usage: python3 scripts/params_to_data.py [--check] [FILE.py ...]

A parameter group (a class that derives, in its module, from ``ParamModel`` or ``DataFields``) declares each
parameter by name and type; its default, bounds, unit, meaning and source are a row of
``<module>.params.yaml`` beside the module (see :mod:`attachsim.core.params`). This script finds every field
still written in Python as a bounded parameter (``x: float = param(...)``, or a helper that returns one), moves
its row into the data file and rewrites the declaration to ``x: float``:

* it reads the declarations from the source (AST) and evaluates only their right-hand sides, in a namespace of
  the module's top-level imports, constants and functions (plus :data:`LEGACY`, the helpers that the move
  removed), so a module that no longer imports ``param`` or has lost such a helper (a merge of a branch that
  added parameters the old way) is still converted;
* a row already in the data file is replaced by the one written in Python (Python wins: after a merge conflict,
  keep the other branch's declaration and re-run); other rows are kept, in the class's declaration order;
* a field that is not a bounded parameter with unit and source (``Field(True, description=...)``) stays in
  Python;
* it writes each data file and module atomically, drops the ``param`` import where it became unused, and
  lists module-level names the move left unused (delete them and add them to :data:`LEGACY`).

With no FILE it converts every module under ``src/attachsim``. ``--check`` changes nothing and exits 1 if a
parameter is still written in Python. Run ``python3 scripts/gen_odd.py`` afterwards only if a row changed.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

import yaml  # noqa: E402

from attachsim.core.params import PARAMS_SUFFIX, ROW_KEYS, param  # noqa: E402
from attachsim.io import atomic_write_text  # noqa: E402

#: Bases that make a class a group whose annotated fields can come from the data file.
DATA_BASES = {"ParamModel", "DataFields"}

#: Module-level helpers that parameter declarations used before the move and that the move made unused (so they
#: were deleted): a branch merged later may still use them in a declaration it adds. Module -> source to run.
LEGACY: dict[str, str] = {
    "attachsim.development.infancy": (
        'CAL = "calibrated by hand to MODEL §8 low-risk Strange Situation targets (seeds 1000-1003)"'),
    "attachsim.adulthood.relief": (
        'CAL = ("calibrated by hand on seed 1000 (docs/relief.md): to the survey ranges of docs/relief.md, the sex "\n'
        '       "thresholds to Dickenson et al. 2018 at age 35, the sex ratios cited")'),
    "attachsim.adulthood.relationships": (
        'def assumed(value, hi, unit, meaning, why=""):\n'
        '    return param(value, 0.0, hi, unit=unit, meaning=meaning,\n'
        '                 source="assumption for the value" + (f"; {why}" if why else ""))\n'),
}

HEADER = """\
# Parameters of {module}: one table per parameter group (class), one row per parameter
# (default, bounds, unit, meaning, source; see attachsim.core.params). The class declares each name and type.
# scripts/params_to_data.py rewrites this file when it moves parameters here, without comments.
"""


def module_name(path: Path) -> str:
    """Dotted name of a module file under ``src``."""
    return ".".join(path.resolve().relative_to(SRC).with_suffix("").parts)


def group_classes(tree: ast.Module) -> list[ast.ClassDef]:
    """Top-level classes that derive (within the module) from one of :data:`DATA_BASES`."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}

    def is_group(node: ast.ClassDef, seen: frozenset[str] = frozenset()) -> bool:
        for base in node.bases:
            name = base.id if isinstance(base, ast.Name) else None
            if name in DATA_BASES:
                return True
            if name in classes and name not in seen and is_group(classes[name], seen | {name}):
                return True
        return False

    return [node for node in classes.values() if is_group(node)]


def namespace(tree: ast.Module, module: str) -> dict[str, Any]:
    """The module's top-level imports, assignments and functions, each run on its own (failures skipped)."""
    ns: dict[str, Any] = {"__name__": module, "__package__": module.rpartition(".")[0], "__builtins__": builtins,
                          "param": param}
    if module in LEGACY:
        exec(compile(LEGACY[module], f"<legacy {module}>", "exec"), ns)
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign | ast.FunctionDef):
            try:
                exec(compile(ast.Module(body=[node], type_ignores=[]), module, "exec"), ns)
            except Exception:  # noqa: S112 - a name it needs is a class or fails to import: not a parameter helper
                continue
    ns.setdefault("param", param)
    return ns


def row_of(value: Any) -> dict[str, Any] | None:
    """The data row of an evaluated declaration, or None if it is not a bounded parameter with unit and source."""
    extra = getattr(value, "json_schema_extra", None)
    if not isinstance(extra, dict) or set(extra) != {"unit", "source"}:
        return None
    lo = hi = None
    for meta in getattr(value, "metadata", []):
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    if lo is None or hi is None or value.description is None:
        return None
    row = {"default": value.default, "bounds": [lo, hi], "unit": extra["unit"], "meaning": value.description,
           "source": extra["source"]}
    return {key: row[key] for key in ROW_KEYS}


def dump(module: str, data: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The data file's text; checked to read back to exactly ``data``."""
    text = HEADER.format(module=module) + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110,
                                                         default_flow_style=None)
    if yaml.safe_load(text) != data:
        raise SystemExit(f"{module}: the data file would not read back to the same rows")
    return text


def convert(path: Path, check: bool) -> int:
    """Move the module's Python-written parameters; the number moved (or that would be)."""
    source = path.read_text()
    tree = ast.parse(source)
    module = module_name(path)
    moves: list[tuple[ast.AnnAssign, str, str, dict[str, Any]]] = []  # (statement, class, name, row)
    order: dict[str, list[str]] = {}
    ns: dict[str, Any] | None = None
    for cls in group_classes(tree):
        order[cls.name] = []
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            order[cls.name].append(stmt.target.id)
            if not isinstance(stmt.value, ast.Call):
                continue
            ns = ns if ns is not None else namespace(tree, module)
            try:
                value = eval(compile(ast.Expression(stmt.value), str(path), "eval"), ns)
            except Exception as exc:
                raise SystemExit(f"{path}:{stmt.lineno}: {cls.name}.{stmt.target.id}: cannot evaluate the "
                                 f"declaration ({exc}); define the name it needs (see LEGACY)") from None
            row = row_of(value)
            if row is not None:
                moves.append((stmt, cls.name, stmt.target.id, row))
    if not moves or check:
        for stmt, cls_name, name, _ in moves:
            print(f"{path.relative_to(ROOT)}:{stmt.lineno}: {cls_name}.{name} is written in Python")
        return len(moves)

    data_path = path.with_name(path.stem + PARAMS_SUFFIX)
    data: dict[str, dict[str, dict[str, Any]]] = (yaml.safe_load(data_path.read_text()) or {}) \
        if data_path.exists() else {}
    for _, cls_name, name, row in moves:
        data.setdefault(cls_name, {})[name] = row
    ordered: dict[str, dict[str, dict[str, Any]]] = {}
    for cls_name in [*order, *data]:  # classes in module order; tables of vanished classes last (the import fails)
        if cls_name in data and cls_name not in ordered:
            table = data[cls_name]
            names = [n for n in order.get(cls_name, []) if n in table] + [n for n in table
                                                                            if n not in order.get(cls_name, [])]
            ordered[cls_name] = {n: table[n] for n in names}

    lines = source.splitlines(keepends=True)
    for stmt, _, name, _ in sorted(moves, key=lambda m: (m[0].lineno, m[0].col_offset), reverse=True):
        first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        head = lines[first][: stmt.col_offset]
        tail = lines[last][stmt.end_col_offset or 0:]
        annotation = ast.get_source_segment(source, stmt.annotation)
        lines[first: last + 1] = [f"{head}{name}: {annotation}{tail}"]
    new_source = drop_unused_param_import("".join(lines))
    atomic_write_text(data_path, dump(module, ordered))
    atomic_write_text(path, new_source)
    print(f"{path.relative_to(ROOT)}: moved {len(moves)} parameters to {data_path.relative_to(ROOT)}")
    for name in unused_top_level(new_source, source):
        print(f"  note: {name} is no longer used in {path.relative_to(ROOT)} (delete it; add it to LEGACY)")
    return len(moves)


def drop_unused_param_import(source: str) -> str:
    """Remove ``param`` from the module's ``core.params`` import if nothing else uses it."""
    tree = ast.parse(source)
    if any(isinstance(n, ast.Name) and n.id == "param" for n in ast.walk(tree)):
        return source
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("core.params") \
                and any(a.name == "param" and a.asname is None for a in node.names):
            kept = [a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names if a.name != "param"]
            indent = lines[node.lineno - 1][: node.col_offset]
            new = f"{indent}from {'.' * node.level}{node.module} import {', '.join(kept)}\n" if kept else ""
            lines[node.lineno - 1: node.end_lineno] = [new]
            break
    return "".join(lines)


def unused_top_level(new_source: str, old_source: str) -> list[str]:
    """Module-level constants and functions used before the move and not after it."""
    def uses(tree: ast.Module) -> set[str]:
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}

    new_tree = ast.parse(new_source)
    defined = {t.id for node in new_tree.body if isinstance(node, ast.Assign) for t in node.targets
               if isinstance(t, ast.Name)} | {node.name for node in new_tree.body if isinstance(node, ast.FunctionDef)}
    return sorted((defined & uses(ast.parse(old_source))) - uses(new_tree))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a parameter is in Python")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    files = [f.resolve() for f in args.files] or sorted((SRC / "attachsim").rglob("*.py"))
    moved = sum(convert(path, args.check) for path in files if path.name != "params.py" or path.parent.name != "core")
    if args.check and moved:
        raise SystemExit(f"{moved} parameters are written in Python; run python3 scripts/params_to_data.py")
    print(f"{moved} parameters {'to move' if args.check else 'moved'}")


if __name__ == "__main__":
    main()
