"""Parameters and mechanism declarations live in data files beside their modules (issue 13)."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import attachsim
from attachsim.core import params as core_params
from attachsim.core.mechanism import MECHANISMS_SUFFIX, Mechanism
from attachsim.core.params import PARAMS_SUFFIX, DataFields, ParamModel, ParamsDataError
from attachsim.development.infancy import DistressParams
from attachsim.interventions.specs import Emdr, TraumaEffects

SRC = Path(attachsim.__file__).parent
ROOT = SRC.parent.parent
SCRIPT = ROOT / "scripts" / "params_to_data.py"


def _classes(data_file: Path, base: type) -> list[tuple[type, dict[str, Any]]]:
    """(class, table) of every table in a data file; each class derives from ``base``."""
    rel = data_file.with_name(data_file.name.split(".")[0]).relative_to(SRC.parent)
    module = importlib.import_module(".".join(rel.parts))
    out = [(getattr(module, name), table) for name, table in yaml.safe_load(data_file.read_text()).items()]
    assert all(issubclass(cls, base) for cls, _ in out)
    return out


def test_nothing_is_left_to_move() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("data_file", sorted(SRC.rglob("*" + PARAMS_SUFFIX)), ids=lambda p: p.name)
def test_every_parameter_row_is_a_field_of_its_class(data_file: Path) -> None:
    for cls, table in _classes(data_file, DataFields):
        for name, row in table.items():
            field = cls.model_fields[name]
            assert field.default == row["default"]
            assert field.description == row.get("meaning", row.get("description"))


@pytest.mark.parametrize("data_file", sorted(SRC.rglob("*" + MECHANISMS_SUFFIX)), ids=lambda p: p.name)
def test_every_declaration_table_is_a_mechanism_of_its_module(data_file: Path) -> None:
    for cls, table in _classes(data_file, Mechanism):
        if "states" in table:
            assert [s.name for s in cls.states] == list(table["states"])
            assert {s.owner for s in cls.states} == {cls.key}


def test_a_group_from_data_validates_as_before() -> None:
    assert DistressParams.defaults() == DistressParams()
    assert DistressParams.defaults(rate_late=9.0).rate_late == 9.0
    with pytest.raises(ValidationError, match="less than or equal to 60"):
        DistressParams(rate_newborn=61.0)
    assert Emdr.model_fields["sessions"].default == 6
    assert TraumaEffects.model_fields["regulation_skills"].json_schema_extra == {
        "unit": "share of the gap to 1", "source": TraumaEffects.model_fields["regulation_skills"].json_schema_extra[
            "source"]}


def test_a_row_without_a_declaration_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    row = {"default": 1.0, "bounds": [0.0, 2.0], "unit": "u", "meaning": "m", "source": "s"}
    monkeypatch.setattr(core_params, "params_data", lambda module: {"Group": {"renamed": row}})
    with pytest.raises(ParamsDataError, match=r"Group\.renamed is not declared in the class"):
        class Group(ParamModel):
            """A group whose data row lost its declaration."""

            kept: float


def test_a_parameter_without_a_row_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_params, "params_data", lambda module: {})
    with pytest.raises(ParamsDataError, match=r"Lonely\.alone: no default"):
        class Lonely(ParamModel):
            """A group with a name and no row."""

            alone: float


def test_the_script_moves_what_a_merged_branch_wrote_in_python(tmp_path: Path) -> None:
    """A branch that adds a parameter the old way (param, a removed helper) and edits one that moved."""
    shutil.copytree(SRC, tmp_path / "src" / "attachsim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    module = tmp_path / "src" / "attachsim" / "adulthood" / "relationships.py"
    text = module.read_text()
    assert "    seek_per_year: float\n" in text
    text = text.replace("    seek_per_year: float\n", '    seek_per_year: float = param(\n'
                        '        0.4, 0.0, 5.0, unit="per year", meaning="Edited.", source=KEPT)\n'
                        '    added: float = assumed(0.3, 1.0, "u", "Added.", "why")\n')
    init = "    def __init__(self, params: PartnerParams | None = None) -> None:"
    assert init in text  # the mechanism's states, re-declared the old way (a conflict resolved for the branch)
    module.write_text(text.replace(init, '    states = owned(key, f32("x_state", float("nan"), "u", "A state."))\n\n'
                                   + init))
    run = [sys.executable, str(tmp_path / "scripts" / "params_to_data.py")]
    first = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    again = subprocess.run([*run, "--check"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "    added: float\n" in module.read_text()
    rows = yaml.safe_load(module.with_name("relationships.params.yaml").read_text())["PartnerParams"]
    assert rows["seek_per_year"]["default"] == 0.4 and rows["seek_per_year"]["meaning"] == "Edited."
    assert rows["added"]["source"] == "assumption for the value; why"
    assert list(rows).index("added") == list(rows).index("seek_per_year") + 1
    table = yaml.safe_load(module.with_name("relationships.mechanisms.yaml").read_text())["Relationships"]
    assert list(table["states"]) == ["x_state"] and table["key"] == "m9_relationships"
    assert "owned(" not in module.read_text()
