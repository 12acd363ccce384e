"""Every author-year citation in the package has an entry in docs/references.bib.

Citations are read from the package itself, not grepped from source files: the scenario schema's
pydantic models (every parameter's ``source`` and description, every model's docstring, the
intervention specs included), each mechanism's parameter schema, the caregiver profiles, the
validation targets and the built-in scenarios' descriptions. A citation matches an entry when the
first author's surname (or a corporate author's ``shortauthor``) and the year agree.
"""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import attachsim

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "docs" / "references.bib"
#: Docs whose citations are checked too.
DOCS = tuple(ROOT / p for p in ("README.md", "docs/model.md", "docs/calibration.md", "docs/odd.md", "docs/tutorial.md"))


# --- a small BibTeX reader ----------------------------------------------------------------------
class BibError(ValueError):
    """The .bib file is malformed."""


def _braced(text: str, i: int) -> tuple[str, int]:
    """The content of the brace group opening at ``text[i]`` and the index after it."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
    raise BibError(f"unbalanced braces from offset {i}")


def parse_bib(text: str) -> list[dict[str, str]]:
    """Entries as dicts with ``ENTRYTYPE``, ``ID`` and lower-cased field names (values without outer braces)."""
    entries: list[dict[str, str]] = []
    i = 0
    while True:
        at = text.find("@", i)
        if at < 0:
            return entries
        m = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,").match(text, at)
        if m is None:
            line = text.count("\n", 0, at) + 1
            raise BibError(f"line {line}: expected '@type{{key,'")
        body, end = _braced(text, m.end(1) + text[m.end(1):].index("{"))
        entry = {"ENTRYTYPE": m.group(1).lower(), "ID": m.group(2)}
        rest = body[len(m.group(2)) + body.index(m.group(2)):].lstrip().lstrip(",")
        k = 0
        while k < len(rest):
            fm = re.compile(r"\s*(\w[\w-]*)\s*=\s*").match(rest, k)
            if fm is None:
                if rest[k:].strip(" \t\n,"):
                    raise BibError(f"entry {entry['ID']}: cannot read a field at {rest[k:k + 40]!r}")
                break
            name, k = fm.group(1).lower(), fm.end()
            if rest[k] == "{":
                value, k = _braced(rest, k)
            elif rest[k] == '"':
                close = rest.index('"', k + 1)
                value, k = rest[k + 1:close], close + 1
            else:
                vm = re.compile(r"[\w.-]+").match(rest, k)
                if vm is None:
                    raise BibError(f"entry {entry['ID']}: bad value of '{name}'")
                value, k = vm.group(0), vm.end()
            if name in entry:
                raise BibError(f"entry {entry['ID']}: field '{name}' given twice")
            entry[name] = " ".join(value.split())
            k = re.compile(r"\s*,?").match(rest, k).end()  # type: ignore[union-attr]
        entries.append(entry)
        i = end


_ACCENTS = re.compile(r"\\[\"'`^~=.uvHc]\s*\{?(\w)\}?|\\ss\b")


def normalise(name: str) -> str:
    """A surname for matching: TeX accents and braces removed, lower case, no spaces, dots or hyphens."""
    name = _ACCENTS.sub(lambda m: m.group(1) or "ss", name)
    name = name.replace("{", "").replace("}", "").replace("’", "'")
    return re.sub(r"[\s.\-']", "", name).lower()


def first_author(entry: dict[str, str]) -> str:
    """The first author's (or editor's) surname, or a corporate author's whole name."""
    people = entry.get("author") or entry.get("editor") or ""
    depth, cut = 0, len(people)
    for i, ch in enumerate(people):  # the first " and " outside braces ends the first name
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and people.startswith(" and ", i):
            cut = i
            break
    first = people[:cut].strip()
    if first.startswith("{") and first.endswith("}"):
        return first[1:-1]
    if "," in first:
        return first.split(",")[0]
    return first.split()[-1] if first else ""


# --- citations in the package ---------------------------------------------------------------------
_PARTICLE = r"(?:(?:van|von|de|der|den|du|le|la|De|Van|Le|St\.?)\s+)"
_SURNAME = _PARTICLE + r"*[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*|[A-Z]{2,}(?:\s+[A-Z]{2,})*"
_AUTHORS = rf"(?:{_SURNAME})(?:\s*(?:,|&|and)\s*(?:{_SURNAME}))*(?:,?\s+et\s+al\.?)?"
_YEAR = r"(1[89]\d\d|20[0-3]\d)[a-z]?"
CITATION = re.compile(rf"(?<![\w-])({_AUTHORS}),?\s+\(?{_YEAR}(?![\d%])")


def citations(text: str, corporate: typing.Iterable[str] = ()) -> list[tuple[str, int]]:
    """(first author, year) of every author-year citation in ``text``; corporate names are matched first."""
    found: list[tuple[str, int]] = []
    for name in sorted(corporate, key=len, reverse=True):
        pattern = re.compile(re.escape(name) + rf",?\s+\(?{_YEAR}(?![\d%])")
        found += [(name, int(m.group(1))) for m in pattern.finditer(text)]
        text = pattern.sub(" ", text)
    for m in CITATION.finditer(text):
        first = re.split(r"\s*(?:,|&|\band\b|\bet\s+al)", m.group(1))[0].strip()
        first = re.sub(r"['’]s$", "", first)
        found.append((first, int(m.group(2))))
    return found


def _models(roots: typing.Iterable[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every pydantic model reachable from ``roots`` through field annotations."""
    seen: list[type[BaseModel]] = []
    stack = list(roots)
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            todo = [field.annotation]
            while todo:
                ann = todo.pop()
                if isinstance(ann, type) and issubclass(ann, BaseModel):
                    stack.append(ann)
                todo.extend(typing.get_args(ann))
    return seen


def package_texts() -> list[tuple[str, str]]:
    """(where, text) of every text in the package that may cite a source."""
    from attachsim.caregiving.profiles import PROFILES
    from attachsim.validation import targets

    every_target = getattr(targets, "ALL_TARGETS", targets.TARGETS)  # calibration and validation sets

    sim = attachsim.simulation("intergenerational", n=10)
    texts: list[tuple[str, str]] = []
    roots = [attachsim.Scenario, *(type(m.params) for m in sim.mechanisms)]
    for model in _models(roots):
        texts.append((f"{model.__name__} (docstring)", inspect.getdoc(model) or ""))
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            texts.append((f"{model.__name__}.{name}", f"{field.description or ''}\n{extra.get('source', '')}"))
    for m in sim.mechanisms:
        texts.append((f"mechanism {m.key}", f"{m.label}\n{m.summary}"))
    for p in PROFILES.values():
        texts.append((f"caregiver profile {p.name}", f"{p.description}\n{p.source}"))
    for t in every_target:
        texts.append((f"target {t.name}", f"{t.label}\n{t.citation}\n{t.note}\n{t.sample_size}\n"
                                          f"{getattr(t, 'basis', '')}\n{getattr(t, 'fitted_on', '')}"))
    for name in attachsim.builtin_names():
        texts.append((f"scenario {name}", attachsim.load_scenario(name).description))
    return texts


# --- tests --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bib() -> list[dict[str, str]]:
    return parse_bib(BIB.read_text(encoding="utf-8"))


def _index(bib: list[dict[str, str]]) -> tuple[set[tuple[str, int]], set[str]]:
    keys = set()
    corporate = set()
    for e in bib:
        year = int(e["year"])
        keys.add((normalise(first_author(e)), year))
        if "shortauthor" in e:
            keys.add((normalise(e["shortauthor"]), year))
            corporate.add(e["shortauthor"])
    return keys, corporate


def missing(texts: list[tuple[str, str]], bib: list[dict[str, str]]) -> list[str]:
    """'Author YEAR (where)' for each citation without a bib entry."""
    keys, corporate = _index(bib)
    out = []
    for where, text in texts:
        for first, year in citations(text, corporate):
            if (normalise(first), year) not in keys:
                out.append(f"{first} {year} ({where})")
    return sorted(set(out))


def test_bib_parses_and_is_well_formed(bib):
    assert len(bib) >= 100
    ids = [e["ID"] for e in bib]
    assert len(ids) == len(set(ids)), "duplicate keys"
    for e in bib:
        assert e.get("author") or e.get("editor"), f"{e['ID']}: no author or editor"
        assert e.get("title"), f"{e['ID']}: no title"
        assert re.fullmatch(r"1[89]\d\d|20[0-3]\d", e.get("year", "")), f"{e['ID']}: year {e.get('year')!r}"
        if e["ENTRYTYPE"] == "article":
            assert e.get("journal"), f"{e['ID']}: an article without a journal"
        if "doi" in e:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", e["doi"]), f"{e['ID']}: malformed DOI {e['doi']!r}"
        assert e["ID"].startswith(normalise(first_author(e))[:4]) or "shortauthor" in e, e["ID"]


def test_parser_rejects_malformed_bib():
    with pytest.raises(BibError):
        parse_bib("@article{x, title = {unclosed}")
    with pytest.raises(BibError):
        parse_bib("@article{x, title = {a}, title = {b}}")
    assert parse_bib('@book{k, author = "A, B", year = 1999}')[0] == {
        "ENTRYTYPE": "book", "ID": "k", "author": "A, B", "year": "1999"}


def test_citation_extraction():
    found = citations("rationale: Main & Hesse 1990; Cyr, Euser, Bakermans-Kranenburg & van IJzendoorn 2010 "
                      "(d = .48); St James-Roberts & Halil 1991; van IJzendoorn et al. 1999; Bartholomew & "
                      "Horowitz (1991); NICHD ECCRN 1997; 15% in 2010 samples; n = 2000", ["NICHD ECCRN"])
    assert sorted(found) == sorted([("NICHD ECCRN", 1997), ("Main", 1990), ("Cyr", 2010),
                                    ("St James-Roberts", 1991), ("van IJzendoorn", 1999), ("Bartholomew", 1991)])


def test_package_citations_are_many():
    """The extraction reads the package (so the next test cannot pass by reading nothing)."""
    texts = package_texts()
    cited = {(normalise(a), y) for _, t in texts for a, y in citations(t)}
    assert len(cited) >= 80
    for known in [("cyr", 2010), ("ainsworth", 1978), ("mclaughlin", 2016), ("felitti", 1998), ("dozier", 2006)]:
        assert known in cited


def test_every_package_citation_is_in_the_bib(bib):
    absent = missing(package_texts(), bib)
    assert not absent, "citations without an entry in docs/references.bib:\n" + "\n".join(absent)


def test_a_missing_citation_is_reported(bib):
    assert missing([("here", "source: Nobody et al. 1901")], bib) == ["Nobody 1901 (here)"]


def test_docs_citations_are_in_the_bib(bib):
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in DOCS if p.exists()]
    absent = missing(texts, bib)
    assert not absent, "citations without an entry in docs/references.bib:\n" + "\n".join(absent)
