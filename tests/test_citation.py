"""CITATION.cff is valid CFF 1.2.0 and agrees with the package; LICENSE matches pyproject's licence."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import attachsim

ROOT = Path(__file__).resolve().parents[1]


def _cff() -> dict[str, object]:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_citation_cff_has_the_required_keys():
    cff = _cff()
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):  # required by the CFF 1.2.0 schema
        assert cff.get(key), key
    authors = cff["authors"]
    assert isinstance(authors, list) and authors
    for person in authors:  # a person needs family-names or name (an entity): the schema's two forms
        assert isinstance(person, dict) and (person.get("name") or person.get("family-names")), person
    assert cff.get("type", "software") in ("software", "dataset")
    assert isinstance(cff.get("keywords"), list) and all(isinstance(k, str) for k in cff["keywords"])
    assert str(cff.get("abstract", "")).strip()


def test_citation_cff_version_and_license_match_the_package():
    cff = _cff()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(cff["version"]) == attachsim.__version__ == project["version"]
    assert cff["license"] == project["license"]


def test_license_file_is_mit():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert re.search(r"Copyright \(c\) 2026 The attachsim authors", text)
    assert "WITHOUT WARRANTY OF ANY KIND" in text
