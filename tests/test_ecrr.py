"""The ECR-R scorer on hand-made files with known scores, on each kind of bad file, and on simulated answers."""

import numpy as np
import pandas as pd
import pytest

from attachsim.assessments import ecrr
from attachsim.assessments.ecrr import QuestionnaireError, read_responses, score_file, score_frame
from attachsim.core.rng import normals


def _frame(rows: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame({"id": list(rows), **{str(i): [r[i - 1] for r in rows.values()] for i in ecrr.ITEMS}})


def _known_rows() -> dict[str, list[float]]:
    all_ones = [1.0] * 36  # reverse-keyed items become 7
    keyed_low = [8.0 - 2.0 if i in ecrr.REVERSED else 2.0 for i in ecrr.ITEMS]  # every keyed answer 2
    mixed = [float(1 + (i % 7)) for i in ecrr.ITEMS]
    return {"p1": all_ones, "p2": keyed_low, "p3": mixed}


def _expected(row: list[float]) -> tuple[float, float]:
    keyed = [8 - v if i in ecrr.REVERSED else v for i, v in zip(ecrr.ITEMS, row, strict=True)]
    return float(np.mean(keyed[:18])), float(np.mean(keyed[18:]))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_known_scores_with_reverse_keyed_items(tmp_path, suffix):
    rows = _known_rows()
    src = tmp_path / f"answers{suffix}"
    frame = _frame(rows)
    frame.to_csv(src, index=False) if suffix == ".csv" else frame.to_parquet(src, index=False)
    scores = score_file(src, tmp_path / "scores.csv")
    # all ones: anxiety items 9 and 11 reversed -> (16 * 1 + 2 * 7) / 18; avoidance: 12 of 18 reversed
    p1 = scores.set_index("id").loc["p1"]
    assert p1["ecrr_anxiety"] == pytest.approx((16 + 14) / 18)
    assert p1["ecrr_avoidance"] == pytest.approx((6 + 12 * 7) / 18)
    p2 = scores.set_index("id").loc["p2"]
    assert p2["ecrr_anxiety"] == pytest.approx(2.0) and p2["ecrr_avoidance"] == pytest.approx(2.0)
    assert p2["adult_style"] == "secure"
    for pid, row in rows.items():
        anx, avo = _expected(row)
        got = scores.set_index("id").loc[pid]
        assert got["ecrr_anxiety"] == pytest.approx(anx) and got["ecrr_avoidance"] == pytest.approx(avo)
    assert pd.read_csv(tmp_path / "scores.csv").shape == (3, 6)


def test_categories_from_the_two_scales():
    anx = np.array([2.0, 5.0, 2.0, 5.0, np.nan])
    avo = np.array([2.0, 2.0, 5.0, 5.0, 3.0])
    assert list(ecrr.classify(anx, avo)) == ["secure", "preoccupied", "dismissing", "fearful", ""]


def test_item_columns_may_be_prefixed_and_ids_optional(tmp_path):
    rows = _known_rows()
    frame = _frame(rows).drop(columns="id").rename(columns={str(i): f"item{i}" for i in ecrr.ITEMS})
    src = tmp_path / "a.csv"
    frame.to_csv(src, index=False)
    ids, answers = read_responses(src)
    assert list(ids) == ["1", "2", "3"] and answers.shape == (3, 36)


def _bad(tmp_path, frame: pd.DataFrame | str, match: str) -> None:
    src = tmp_path / "bad.csv"
    if isinstance(frame, str):
        src.write_text(frame)
    else:
        frame.to_csv(src, index=False)
    out = tmp_path / "out.csv"
    with pytest.raises(QuestionnaireError, match=match):
        score_file(src, out)
    assert not out.exists()


def test_out_of_range_answer_names_respondent_item_and_range(tmp_path):
    frame = _frame(_known_rows())
    frame.loc[1, "5"] = 9
    _bad(tmp_path, frame, r"whole numbers 1 to 7.*respondent p2 item 5: '9(\.0)?'")


def test_non_numeric_and_fractional_answers(tmp_path):
    frame = _frame(_known_rows()).astype(object)
    frame.loc[0, "3"] = "often"
    frame.loc[2, "7"] = 2.5
    _bad(tmp_path, frame, r"2 answers are out of range.*respondent p1 item 3: 'often'.*respondent p3 item 7")


def test_wrong_column_sets(tmp_path):
    _bad(tmp_path, _frame(_known_rows()).drop(columns=["4", "5", "6", "30"]), r"missing item columns 4-6, 30")
    extra = _frame(_known_rows())
    extra["age"] = 30
    _bad(tmp_path, extra, r"unexpected columns 'age'")
    _bad(tmp_path, _frame(_known_rows()).assign(**{"37": 1}), r"unexpected columns '37'")


def test_duplicate_ids(tmp_path):
    frame = _frame(_known_rows())
    frame.loc[2, "id"] = "p1"
    _bad(tmp_path, frame, r"duplicate respondent ids: p1")


def test_empty_and_unreadable_files(tmp_path):
    _bad(tmp_path, "", "empty")
    _bad(tmp_path, "id," + ",".join(map(str, ecrr.ITEMS)) + "\n", "no respondents")
    src = tmp_path / "x.xlsx"
    src.write_text("x")
    with pytest.raises(QuestionnaireError, match="unknown file type"):
        score_file(src, tmp_path / "o.csv")
    bad_parquet = tmp_path / "b.parquet"
    bad_parquet.write_bytes(b"not parquet")
    with pytest.raises(QuestionnaireError, match="cannot be read"):
        score_file(bad_parquet, tmp_path / "o.csv")


def test_missing_items_error_by_default_and_prorate_rule(tmp_path):
    rows = _known_rows()
    frame = _frame(rows).astype(object)
    frame.loc[0, "2"] = ""
    _bad(tmp_path, frame, r"respondent p1 \(items 2\).*prorate")
    src = tmp_path / "m.csv"
    frame.to_csv(src, index=False)
    prorated = score_file(src, tmp_path / "o.csv", missing="prorate", min_items=14).set_index("id")
    keyed = [8 - v if i in ecrr.REVERSED else v for i, v in zip(ecrr.ITEMS, rows["p1"], strict=True)]
    assert prorated.loc["p1", "ecrr_anxiety"] == pytest.approx(np.mean([k for j, k in enumerate(keyed[:18]) if j != 1]))
    assert prorated.loc["p1", "anxiety_items_answered"] == 17
    # the other rows are scored exactly as without the bad row
    for pid in ("p2", "p3"):
        anx, _ = _expected(rows[pid])
        assert prorated.loc[pid, "ecrr_anxiety"] == pytest.approx(anx)
    # too few items: the scale is missing, not guessed
    frame.loc[0, [str(i) for i in range(1, 8)]] = ""
    frame.to_csv(src, index=False)
    few = score_file(src, tmp_path / "o2.csv", missing="prorate", min_items=14).set_index("id")
    assert np.isnan(few.loc["p1", "ecrr_anxiety"]) and few.loc["p1", "adult_style"] == ""
    assert few.loc["p2", "ecrr_anxiety"] == pytest.approx(2.0)


def test_output_never_overwrites_input(tmp_path):
    src = tmp_path / "a.csv"
    _frame(_known_rows()).to_csv(src, index=False)
    with pytest.raises(QuestionnaireError, match="overwrite the input"):
        score_file(src, src)


def test_simulated_answers_are_reliable_and_recover_the_latent_traits():
    n = 20_000
    ids = np.arange(n, dtype=np.int32)
    anx, avo = normals(4, "a", 0, ids), normals(4, "b", 0, ids)
    answers = ecrr.simulate_items(anx, avo, ids, seed=4, step=0)
    assert set(np.unique(answers)) <= set(range(1, 8))
    keyed = answers.copy()
    rev = [i - 1 for i in ecrr.REVERSED]
    keyed[:, rev] = 8 - keyed[:, rev]
    for block in (keyed[:, :18], keyed[:, 18:]):
        assert 0.90 < ecrr.cronbach_alpha(block) < 0.97
    frame = score_frame(pd.Series(ids.astype(str)), answers)
    assert np.corrcoef(frame["ecrr_anxiety"], anx)[0, 1] > 0.9
    assert np.corrcoef(frame["ecrr_avoidance"], avo)[0, 1] > 0.9
    assert abs(np.corrcoef(frame["ecrr_anxiety"], frame["ecrr_avoidance"])[0, 1]) < 0.05


def test_cli_scores_a_file_and_reports_bad_files(tmp_path):
    from typer.testing import CliRunner

    from attachsim.cli import app

    src = tmp_path / "answers.csv"
    _frame(_known_rows()).to_csv(src, index=False)
    result = CliRunner().invoke(app, ["score", "ecr-r", str(src)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "answers-scores.csv")
    assert list(scores["id"]) == ["p1", "p2", "p3"] and scores.loc[1, "adult_style"] == "secure"
    frame = _frame(_known_rows())
    frame.loc[0, "id"] = "p2"
    frame.to_csv(src, index=False)
    bad = CliRunner().invoke(app, ["score", "ecr-r", str(src), "--out", str(tmp_path / "o.parquet")])
    assert bad.exit_code == 2 and "duplicate respondent ids" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "o.parquet").exists()
    assert CliRunner().invoke(app, ["score", "ecr-r", str(src), "--min-items", "40"]).exit_code == 2


def test_blocks_do_not_change_answers_or_scores(monkeypatch):
    """Simulation and scoring run in blocks of respondents; the block size must not change a single value."""
    rng = np.random.default_rng(7)
    n = 5_000
    anx, avo = rng.normal(size=n), rng.normal(size=n)
    ids = np.arange(n, dtype=np.int32)
    whole = ecrr.simulate_items(anx, avo, ids, 3, 50)
    holes = whole.copy()
    holes[rng.random(holes.shape) < 0.05] = np.nan
    scored = [ecrr.score_items(whole), ecrr.score_items(holes, missing="prorate")]
    monkeypatch.setattr(ecrr, "_BLOCK", 777)
    blocked = ecrr.simulate_items(anx, avo, ids, 3, 50)
    assert np.array_equal(blocked, whole)
    again = [ecrr.score_items(whole), ecrr.score_items(holes, missing="prorate")]
    for (a, b), (c, d) in zip(scored, again, strict=True):
        assert np.array_equal(a, c, equal_nan=True) and np.array_equal(b, d, equal_nan=True)
    # a bad answer in a later block is still found before anything is returned
    bad = whole.copy()
    bad[4_000, 3] = 9.0
    with pytest.raises(ecrr.QuestionnaireError, match="whole numbers from 1 to 7"):
        ecrr.score_items(bad)
    with pytest.raises(ecrr.QuestionnaireError, match="missing items"):
        ecrr.score_items(holes)
