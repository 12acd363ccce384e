"""docs/odd.md (the model in the ODD protocol) matches what the code declares."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import attachsim

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "odd.md"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_odd", ROOT / "scripts" / "gen_odd.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_odd"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _generator()


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


def test_odd_is_up_to_date(gen, text):
    """Regenerating the tables gives the committed file (else: run `python3 scripts/gen_odd.py`)."""
    assert gen.generate(text) == text, "docs/odd.md is stale: run `python3 scripts/gen_odd.py` and commit it"


def _age_free(name: str) -> str:
    """An assessment state without its age (``aai_40``, ``reunion_42m`` -> ``aai_<age>``, ``reunion_<age>``)."""
    return re.sub(r"_\d+[ym]?(?=_|$)", "_<age>", name)


def test_every_declared_state_is_described(text):
    """Every state of every built-in scenario is in the tables (assessment ages vary by scenario)."""
    names = set(re.findall(r"`([A-Za-z_<>][\w<>]*)`", text))
    names |= {_age_free(n) for n in names}
    sims = [attachsim.simulation(name, n=10) for name in attachsim.builtin_names()]
    missing = set()
    for sim in sims:
        for spec in sim.layout.specs.values():
            if spec.name.startswith("iv_"):
                suffixes = {n[len("iv_<name>_"):] for n in names if n.startswith("iv_<name>_")}
                if not any(spec.name.endswith("_" + s) for s in suffixes):
                    missing.add(spec.name)
            elif spec.name not in names and _age_free(spec.name) not in names:
                missing.add(spec.name)
    assert not missing, f"declared states missing from docs/odd.md: {sorted(missing)}"


def test_every_mechanism_and_parameter_is_described(text):
    sim = attachsim.simulation("intergenerational", n=10)
    for entry in sim.plan():
        assert f"`{entry.key}`" in text, entry.key
    for m in sim.mechanisms:
        for name in type(m.params).model_fields:
            assert f"| `{name}` |" in text, f"{m.key}: parameter {name}"


def test_odd_has_the_protocol_elements(text):
    for heading in ("Purpose and patterns", "Entities, state variables and scales", "Process overview and scheduling",
                    "Design concepts", "Initialization", "Input data", "Submodels"):
        assert re.search(rf"^#+ .*{re.escape(heading)}", text, re.M), heading
    for concept in ("Basic principles", "Emergence", "Adaptation", "Objectives", "Learning", "Prediction", "Sensing",
                    "Interaction", "Stochasticity", "Collectives", "Observation"):
        assert f"**{concept}.**" in text, concept


def test_generator_detects_a_stale_table(gen, text, tmp_path):
    stale = text.replace("| `arousal` |", "| `arousal_renamed` |", 1)
    assert stale != text
    path = tmp_path / "odd.md"
    path.write_text(stale, encoding="utf-8")
    assert gen.main(["--check", "--path", str(path)]) == 1
    assert gen.main(["--path", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(SystemExit, match="unknown generated region"):
        gen.generate("<!-- BEGIN GENERATED: nonsense -->\n<!-- END GENERATED: nonsense -->")
