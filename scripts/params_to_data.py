"""Move parameters and mechanism declarations written in Python into the modules' data files (idempotent).

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
  keep the other branch's declaration and re-run); other rows are kept, in the class's declaration order; rows
  that no class declares any more (a parameter renamed or removed in Python) are dropped;
* a plain bounded number (``Field(12, ge=1, le=520, description=...)``, a setting without unit or source) moves
  as a row of default, bounds and description; any other field (``Field(True, description=...)``, a pattern, a
  length limit, a nested model) stays in Python;
* it writes each data file and module atomically, drops the imports of ``param``, ``f32``, ``owned`` and the like
  where they became unused, and lists module-level names the move left unused (delete them and add them to
  :data:`LEGACY`).

Mechanism declarations go the same way (see :mod:`attachsim.core.mechanism`): in a class that derives from
``Mechanism`` or ``Intervention``, the class-level ``key``, ``label``, ``summary``, ``stages``, ``kernel``,
``Params``, ``writes``, ``target``, ``target_state``, ``caregiver_level`` written as literals, and ``states =
owned(key, f32(...), i8(...), ...)`` with literal specs, move to ``<module>.mechanisms.yaml`` (Python wins over
a table already there; anything computed, such as states built in a loop, stays in the class). This part reads
the source only, so it needs no namespace.

With no FILE it converts every module under ``src/attachsim``. ``--check`` changes nothing and exits 1 if a
parameter is still written in Python (or a row is declared by no class). Afterwards run
``python3 scripts/gen_odd.py`` (docs/odd.md lists the parameters) if any row changed.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import re
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))
# The package without its __init__ (which imports every module): a module that does not import yet (a merged
# declaration that names a helper the move removed) must not stop the script that repairs it.
_package = types.ModuleType("attachsim")
_package.__path__ = [str(SRC / "attachsim")]
sys.modules.setdefault("attachsim", _package)

import yaml  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from attachsim.core.mechanism import DECLARED, MECHANISMS_SUFFIX  # noqa: E402
from attachsim.core.params import PARAMS_SUFFIX, PLAIN_KEYS, ROW_KEYS, param  # noqa: E402
from attachsim.io import atomic_write_text  # noqa: E402

#: Bases that make a class a group whose annotated fields can come from the data file.
DATA_BASES = {"ParamModel", "DataFields"}

#: Module-level helpers that parameter declarations used before the move and that the move made unused (so they
#: were deleted): a branch merged later may still use them in a declaration it adds. Module -> source to run.
LEGACY: dict[str, str] = {
    "attachsim.adulthood.parenting": '''\
CAL = ("value calibrated by hand to the transmission targets (van IJzendoorn 1995; Pederson et al. 1998) with "
       "scripts/transmission.py, fitted on seed 1000 (4,000 people) after the wave's merge (M8, M9, the refitted "
       "adult interview), checked on seed 1000 at 10,000 people")
''',
    "attachsim.adulthood.relationships": '''\
KEPT = "rationale; the value of the first version of M9, kept (not calibrated)"
def assumed(value: float, hi: float, unit: str, meaning: str, why: str = "") -> Any:
    """A parameter whose value is a stated assumption (bounds 0 to ``hi``), with the literature behind its form."""
    return param(value, 0.0, hi, unit=unit, meaning=meaning,
                 source="assumption for the value" + (f"; {why}" if why else ""))
''',
    "attachsim.adulthood.relief": '''\
CAL = ("calibrated by hand on seed 1000 (docs/relief.md): to the survey ranges of docs/relief.md, the sex "
       "thresholds to Dickenson et al. 2018 at age 35, the sex ratios cited")
''',
    "attachsim.assessments.lifespan": '''\
CAL = "calibrated by hand to MODEL §8 adult-interview targets (seed 1000); see docs/calibration.md"
AAI_CAL = ("fitted with scripts/calibrate_aai.py to Bakermans-Kranenburg & van IJzendoorn 2009's F / Ds / E / U "
           "shares (read on `general-population`: abuse and loss at population rates) and Waters et al. 2000's "
           "continuity (read on `normative`) on seeds 1000 and 1001 (20,000 people each); see "
           "docs/adult_instruments.md")
''',
    "attachsim.assessments.strange_situation": '''\
CAL = ("calibrated to MODEL §8's infancy targets with Ainsworth's four-scale rules (issue 14): "
       "scripts/calibrate_ssp.py, seeds 1000-1002, 6,000-8,000 infants per scenario; docs/strange_situation.md")
''',
    "attachsim.development.infancy": '''\
CAL = "calibrated by hand to MODEL §8 low-risk Strange Situation targets (seeds 1000-1003)"
''',
    "attachsim.development.later": '''\
ACE_CAL = ("calibrated by attachsim calibrate to the ACE study prevalences (general-population scenario, seed 1000; "
           "docs/calibration.md); ")
''',
    "attachsim.development.liability": '''\
VDV = ("van der Valk, van den Oord, Verhulst & Boomsma 2003 (Netherlands Twin Registry, maternal CBCL, 3,873 "
       "pairs at 3 and 1,924 at 7 years)")
HALF = ("; halved: no source divides the environmental variance between attachment and other causes, so half is "
        "assumed to run outside attachment (stated assumption); the other half is left to the attachment-driven "
        "states and the rating noise")
FIT = ("calibrated on seed 1000 (normative, 6,000 children) so that the heritable component explains its declared "
       "share of the mean checklist composite at 4 and 8 years (scripts/calibrate_liability.py); never fitted to "
       "an attachment association")
''',
}

HEADER = """\
# Parameters of {module}: one table per parameter group (class), one row per parameter
# (default, bounds, unit, meaning, source; see attachsim.core.params). The class declares each name and type.
# scripts/params_to_data.py rewrites this file when it moves parameters here, without comments.
"""

MECHANISMS_HEADER = """\
# Mechanism declarations of {module}: one table per mechanism class (key, label, summary,
# stages, kernel, Params, states, ...; see attachsim.core.mechanism). The class keeps its docstring and behaviour.
# scripts/params_to_data.py rewrites this file when it moves declarations here, without comments.
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
                          "param": param}  # a merged declaration may use param where the import lost it
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign | ast.FunctionDef):
            try:
                exec(compile(ast.Module(body=[node], type_ignores=[]), module, "exec"), ns)
            except Exception:  # a name it needs is a class or fails to import: not a parameter helper
                continue
    if module in LEGACY:  # the module's own definitions win
        legacy = dict(ns)
        exec(compile("from __future__ import annotations\n" + LEGACY[module], f"<legacy {module}>", "exec"), legacy)
        for name, value in legacy.items():
            ns.setdefault(name, value)
    return ns


def row_of(value: Any) -> dict[str, Any] | None:
    """The data row of an evaluated declaration; None unless it is a bounded number (``ge`` and ``le`` only).

    A parameter (unit and source, from :func:`param`) gives a full row; a plain ``Field(default, ge=, le=,
    description=)`` gives default, bounds and its description, if any.
    """
    if not isinstance(value, FieldInfo) or value.default_factory is not None or value.alias is not None:
        return None
    metadata = getattr(value, "metadata", [])
    if [type(m).__name__ for m in metadata] != ["Ge", "Le"]:
        return None
    bounds = [metadata[0].ge, metadata[1].le]
    extra = value.json_schema_extra
    if extra is None:
        plain = {"default": value.default, "bounds": bounds, "description": value.description}
        return {key: plain[key] for key in PLAIN_KEYS if plain[key] is not None or key != "description"}
    if not isinstance(extra, dict) or set(extra) != {"unit", "source"} or value.description is None:
        return None
    row = {"default": value.default, "bounds": bounds, "unit": extra["unit"], "meaning": value.description,
           "source": extra["source"]}
    return {key: row[key] for key in ROW_KEYS}


class _Dumper(yaml.SafeDumper):
    """Mappings as blocks, lists (bounds, stages) on one line."""


_Dumper.add_representer(list, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value,
                                                                              flow_style=True))


def dump_yaml(header: str, data: dict[str, Any]) -> str:
    """A data file's text; checked to read back to exactly ``data`` (NaN included)."""
    text = header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                              default_flow_style=False)
    if yaml.safe_dump(yaml.safe_load(text)) != yaml.safe_dump(data):
        raise SystemExit(f"{header.splitlines()[0]}: the data would not read back the same")
    return text


def pending(path: Path, data_path: Path, moves: list[tuple[ast.stmt, str, str, Any]], dropped: list[str]) -> int:
    """Print what would move (or be dropped from ``data_path``) without changing anything; the count."""
    for stmt, cls_name, name, _ in moves:
        print(f"{path.relative_to(ROOT)}:{stmt.lineno}: {cls_name}.{name} is written in Python")
    for name in dropped:
        print(f"{data_path.relative_to(ROOT)}: {name} is declared by no class")
    return len(moves) + len(dropped)


def convert(path: Path, check: bool) -> int:
    """Move the module's Python-written parameters; the number moved (or that would be)."""
    source = path.read_text()
    tree = ast.parse(source)
    module = module_name(path)
    moves: list[tuple[ast.stmt, str, str, Any]] = []  # (statement, class, name, row)
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
                callee = ast.unparse(stmt.value.func).partition(".")[0]
                if callee[:1].isupper():  # a class (a nested model's default, Field): not a parameter helper
                    continue
                raise SystemExit(f"{path}:{stmt.lineno}: {cls.name}.{stmt.target.id}: cannot evaluate the "
                                 f"declaration ({exc}); define the name it needs (see LEGACY)") from None
            row = row_of(value)
            if row is not None:
                moves.append((stmt, cls.name, stmt.target.id, row))
    data_path = path.with_name(path.stem + PARAMS_SUFFIX)
    data: dict[str, dict[str, dict[str, Any]]] = (yaml.safe_load(data_path.read_text()) or {}) \
        if data_path.exists() else {}
    for _, cls_name, name, row in moves:
        data.setdefault(cls_name, {})[name] = row
    ordered: dict[str, dict[str, dict[str, Any]]] = {}
    dropped = []
    for cls_name in [*order, *data]:  # classes in module order; a vanished class's table is dropped
        if cls_name in data and cls_name not in ordered:
            declared = order.get(cls_name, [])
            dropped += [f"{cls_name}.{n}" for n in data[cls_name] if n not in declared]
            if cls_name in order:
                ordered[cls_name] = {n: data[cls_name][n] for n in declared if n in data[cls_name]}
    if check or not (moves or dropped):
        return pending(path, data_path, moves, dropped)
    if dropped:
        print(f"{data_path.relative_to(ROOT)}: dropped rows no class declares: {', '.join(dropped)}")
    atomic_write_text(data_path, dump_yaml(HEADER.format(module=module), ordered))
    if not moves:
        return len(dropped)

    lines = [line.encode() for line in source.splitlines(keepends=True)]  # AST columns count UTF-8 bytes
    for stmt, _, name, _ in sorted(moves, key=lambda m: (m[0].lineno, m[0].col_offset), reverse=True):
        first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        head = lines[first][: stmt.col_offset]
        tail = lines[last][stmt.end_col_offset or 0:]
        annotation = ast.get_source_segment(source, stmt.annotation)
        lines[first: last + 1] = [head + f"{name}: {annotation}".encode() + tail]
    new_source = drop_unused_imports(b"".join(lines).decode())
    atomic_write_text(path, new_source)
    print(f"{path.relative_to(ROOT)}: moved {len(moves)} parameters to {data_path.relative_to(ROOT)}")
    for name in unused_top_level(new_source, source):
        print(f"  note: {name} is no longer used in {path.relative_to(ROOT)} (delete it; add it to LEGACY)")
    return len(moves) + len(dropped)


#: Names the moves can leave unused, by the core module they are imported from.
MOVED_HELPERS = {"core.params": {"param"}, "core.mechanism": {"f32", "i32", "i8", "owned"}}


def drop_unused_imports(source: str) -> str:
    """Remove from the module's ``core.params``/``core.mechanism`` imports the helpers nothing uses any more."""
    tree = ast.parse(source)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        helpers = MOVED_HELPERS.get((node.module or "").lstrip(".")) if isinstance(node, ast.ImportFrom) else None
        if not helpers or not any(a.name in helpers and a.name not in used for a in node.names):
            continue
        kept = [a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names
                if a.name not in helpers or a.name in used]
        new = f"from {'.' * node.level}{node.module} import {', '.join(kept)}\n" if kept else ""
        lines[node.lineno - 1: node.end_lineno] = [new]
    return "".join(lines)


def unused_top_level(new_source: str, old_source: str) -> list[str]:
    """Module-level constants and functions used before the move and not after it."""
    def uses(tree: ast.Module) -> set[str]:
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}

    new_tree = ast.parse(new_source)
    defined = {t.id for node in new_tree.body if isinstance(node, ast.Assign) for t in node.targets
               if isinstance(t, ast.Name)} | {node.name for node in new_tree.body if isinstance(node, ast.FunctionDef)}
    return sorted((defined & uses(ast.parse(old_source))) - uses(new_tree))

# ----------------------------------------------------------------------------- mechanism declarations

#: Bases that make a class a mechanism whose literal declarations can come from ``<module>.mechanisms.yaml``.
MECHANISM_BASES = {"Mechanism", "Intervention"}


def _literal(node: ast.expr) -> Any:
    """The value of a literal expression (``float("nan")`` included); raises ValueError otherwise."""
    if isinstance(node, ast.Call) and ast.unparse(node) in ('float("nan")', "float('nan')"):
        return float("nan")
    return ast.literal_eval(node)


def declaration_of(stmt: ast.stmt, cls_name: str) -> tuple[str, Any] | None:
    """(attribute, data value) of a class-level declaration that can move, or None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if name not in DECLARED:
        return None
    try:
        if name == "Params":
            return (name, value.id) if isinstance(value, ast.Name) else None
        if name == "states":
            if not (isinstance(value, ast.Call) and ast.unparse(value.func) == "owned" and value.args
                    and isinstance(value.args[0], ast.Name) and value.args[0].id == "key"):
                return None
            states: dict[str, Any] = {}
            for spec in value.args[1:]:
                if not (isinstance(spec, ast.Call) and isinstance(spec.func, ast.Name)
                        and spec.func.id in ("f32", "i32", "i8") and len(spec.args) == 4 and not spec.keywords):
                    return None
                sname, default, unit, meaning = (_literal(a) for a in spec.args)
                states[sname] = {"dtype": spec.func.id, "default": default, "unit": unit, "meaning": meaning}
            return name, states
        literal = _literal(value)
    except (ValueError, TypeError, SyntaxError):
        return None
    return name, list(literal) if isinstance(literal, tuple) else literal


def mechanism_classes(tree: ast.Module) -> list[ast.ClassDef]:
    """Top-level classes that derive (within the module) from one of :data:`MECHANISM_BASES`."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}

    def is_mechanism(node: ast.ClassDef, seen: frozenset[str] = frozenset()) -> bool:
        for base in node.bases:
            name = base.id if isinstance(base, ast.Name) else None
            if name in MECHANISM_BASES or (name in classes and name not in seen
                                           and is_mechanism(classes[name], seen | {name})):
                return True
        return False

    return [node for node in classes.values() if is_mechanism(node)]


def convert_mechanisms(path: Path, check: bool) -> int:
    """Move the module's literal mechanism declarations into ``<module>.mechanisms.yaml``; the number moved."""
    source = path.read_text()
    tree = ast.parse(source)
    module = module_name(path)
    moves: list[tuple[ast.stmt, str, str, Any]] = []
    classes = mechanism_classes(tree)
    for cls in classes:
        found = [(stmt, *decl) for stmt in cls.body if (decl := declaration_of(stmt, cls.name)) is not None]
        moving = {stmt for stmt, *_ in found}
        # the class body may read `key` (e.g. in a declaration that stays): then the key stays in Python too
        key_read = any(isinstance(n, ast.Name) and n.id == "key" for stmt in cls.body if stmt not in moving
                       and not isinstance(stmt, ast.FunctionDef) for n in ast.walk(stmt))
        moves += [(stmt, cls.name, name, value) for stmt, name, value in found if not (name == "key" and key_read)]
    data_path = path.with_name(path.stem + MECHANISMS_SUFFIX)
    data: dict[str, dict[str, Any]] = (yaml.safe_load(data_path.read_text()) or {}) if data_path.exists() else {}
    names = [c.name for c in classes]
    dropped = [n for n in data if n not in names]
    if check or not (moves or dropped):
        return pending(path, data_path, moves, dropped)
    for _, cls_name, name, value in moves:
        data.setdefault(cls_name, {})[name] = value
    ordered = {n: {k: data[n][k] for k in DECLARED if k in data[n]} for n in names if n in data}
    atomic_write_text(data_path, dump_yaml(MECHANISMS_HEADER.format(module=module), ordered))
    if moves:
        lines = source.splitlines(keepends=True)
        for stmt, *_ in sorted(moves, key=lambda m: m[0].lineno, reverse=True):
            del lines[stmt.lineno - 1: stmt.end_lineno]
        new_source = re.sub(r"\n{4,}(?=\S)", "\n\n\n", re.sub(r"\n{3,}(?=    \S)", "\n\n", "".join(lines)))
        new_source = re.sub(r'("""\n)\n+(\n\n(?:class|def|[A-Z#@]))', r"\1\2", new_source)
        atomic_write_text(path, drop_unused_imports(new_source))
        print(f"{path.relative_to(ROOT)}: moved {len(moves)} declarations to {data_path.relative_to(ROOT)}")
    return len(moves) + len(dropped)


def main() -> None:
    """Convert the files named (or every module) and report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a parameter is in Python")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    files = [f.resolve() for f in args.files] or sorted((SRC / "attachsim").rglob("*.py"))
    files = [path for path in files if path.parent.name != "core"]
    moved = sum(convert(path, args.check) + convert_mechanisms(path, args.check) for path in files)
    if args.check and moved:
        raise SystemExit(f"{moved} parameters to move or rows to drop; run python3 scripts/params_to_data.py")
    print(f"{moved} parameters {'to move' if args.check else 'moved'} (or rows dropped)")


if __name__ == "__main__":
    main()
