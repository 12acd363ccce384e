"""Population series recorded during a run: means, shares and prevalences by age and by group.

A :class:`TimeSeries` recorder is handed to :class:`~attachsim.core.engine.Simulation`; at each
record step (the end of every year, or of every month, and the end of the first week) it reads
the states of everyone born so far, never writing them, and sums them into cells of
(12-month category x caregiver profile x generation x age band) with one ``np.bincount`` per
variable. The cells are then added up into the groups of each grouping, so the cost is a few
passes over the population per record step and nothing in the other weeks.

The result, ``Results.timeseries``, is a tidy table with one row per
(time, age band, grouping, group, variable): ``time_years, age_years, by, group, variable, value, n``.
``by`` is one of :data:`BY`; ``n`` is the number of people the value is computed over (for
relationship quality and conflict: the partnered people; for an instrument's category shares: the
people assessed with it since the previous record step). ``age_years`` is the mean age in the
age band (the band is one year wide, or one month with monthly recording).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..core.timeline import WEEKS_PER_MONTH, WEEKS_PER_YEAR, weeks

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..core.results import Results

Resolution = Literal["yearly", "monthly"]
RESOLUTIONS: tuple[str, ...] = ("yearly", "monthly")
#: The groupings of the series: everyone, 12-month Strange Situation category, caregiver profile, arm, generation.
BY: tuple[str, ...] = ("all", "ssp_12m", "profile", "arm", "generation")
COLUMNS: tuple[str, ...] = ("time_years", "age_years", "by", "group", "variable", "value", "n")
#: Means of these states (those the scenario declares), with a label for plots.
MEAN_STATES: dict[str, str] = {
    "regulation": "regulation (self-soothing capacity, 0-1)",
    "self_worth": "model of self (self-worth, 0-1)",
    "hyperactivation": "hyperactivation (anxious strategy, 0-1)",
    "deactivation": "deactivation (avoidant strategy, 0-1)",
    "conflict": "approach-avoid conflict (disorganisation, 0-1)",
    "threat": "expected harm from close others (0-1)",
    "stress_gain": "stress gain (sensitisation, >= 1)",
    "social_cognition": "social cognition (0-1)",
    "arousal_mean": "chronic stress (one-year mean arousal)",
}
#: Derived variables and their labels.
DERIVED: dict[str, str] = {
    "others": "model of others (expected share of bids answered, 0-1)",
    "partnered": "partnered (share)",
    "relationship_quality": "relationship quality, partnered people (0-1)",
    "relationship_conflict": "relationship conflict, partnered people (0-1)",
}
REGULATOR_LABEL = "compulsive {} use now (share)"


def labels() -> dict[str, str]:
    """Plot labels of the series variables (instrument shares are labelled ``<column>:<category>``)."""
    from ..adulthood.relief import REGULATORS

    out = {"others": DERIVED["others"], **MEAN_STATES}
    out.update({f"compulsive_{t}": REGULATOR_LABEL.format(t) for t in REGULATORS})
    out.update({k: v for k, v in DERIVED.items() if k != "others"})
    return out


@dataclass(frozen=True)
class _Instrument:
    column: str
    age_w: int
    categories: tuple[str, ...]


def _instruments(sim: Simulation) -> list[_Instrument]:
    """The classifications in the scenario's layout, with the age at which each is given."""
    from ..assessments import ecrr
    from ..assessments.lifespan import AAI_CLASSES
    from ..assessments.strange_situation import CATEGORIES

    out = []
    for name in sim.layout.i8:
        stem, _, suffix = name.rpartition("_")
        if stem == "ssp" and suffix.endswith("m") and suffix[:-1].isdigit():
            out.append(_Instrument(name, weeks(months=int(suffix[:-1])), CATEGORIES))
        elif stem == "reunion" and suffix[:-1].isdigit() and suffix[-1] in "my":
            age = int(suffix[:-1])
            out.append(_Instrument(name, weeks(months=age) if suffix[-1] == "m" else weeks(years=age), CATEGORIES))
        elif stem == "aai" and suffix.isdigit():
            out.append(_Instrument(name, weeks(years=int(suffix)), AAI_CLASSES))
        elif stem == "adult_style" and suffix.isdigit():
            out.append(_Instrument(name, weeks(years=int(suffix)), tuple(ecrr.STYLES)))
    return out


def record_steps(n_steps: int, resolution: str) -> list[int]:
    """Steps after which a series is recorded: the first week and the end of every year (or month)."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"The 'timeseries' resolution must be one of {', '.join(RESOLUTIONS)}. "
                         f"Got {resolution!r} instead.")
    out = {0}
    k = 1
    while True:
        end = weeks(years=k) if resolution == "yearly" else weeks(months=k)
        if end > n_steps:
            break
        out.add(end - 1)
        k += 1
    return sorted(out)


class TimeSeries:
    """Recorder of the population series (see the module docstring)."""

    def __init__(self, resolution: str = "yearly") -> None:
        if resolution not in RESOLUTIONS:
            raise ValueError(f"The 'timeseries' resolution must be one of {', '.join(RESOLUTIONS)}. "
                             f"Got {resolution!r} instead.")
        self.resolution = resolution
        self.band_w = WEEKS_PER_YEAR if resolution == "yearly" else WEEKS_PER_MONTH
        self._steps: set[int] | None = None
        self._previous = -1
        self._chunks: list[tuple[npt.NDArray[Any], ...]] = []

    # -- set-up at the first call (the layout is known then) ----------------------------------------
    def _setup(self, sim: Simulation) -> None:
        from ..adulthood.relief import REGULATORS
        from ..caregiving.profiles import PROFILES

        lay = sim.layout
        self._steps = set(record_steps(sim.n_steps, self.resolution))
        self._means = [s for s in MEAN_STATES if s in lay]
        self._regulators = [t for t in REGULATORS if f"habit_{t}" in lay] if "use_state_alcohol" in lay else []
        relief = sim.scenario.parameters.relief
        self._criterion = (float(relief.criterion_habit), float(relief.criterion_use))
        self._has_ssp = "ssp_12m" in lay
        self._has_models = "others_a" in lay and "others_b" in lay
        self._has_partners = "partner" in lay
        self._instruments = _instruments(sim)
        names = (["others"] if self._has_models else []) + self._means
        names += [f"compulsive_{t}" for t in self._regulators]
        if self._has_partners:
            names += ["partnered", "relationship_quality", "relationship_conflict"]
        self._variables = names
        for ins in self._instruments:
            self._variables += [f"{ins.column}:{c}" for c in ins.categories]
        self._profiles = ["parent", "unknown", *PROFILES]  # code + 2
        self._n_gen = max(1, int(sim.scenario.population.generations))
        arm = sim.scenario.arm
        if arm is None and sim.scenario.arms:
            arm = next(a.name for a in sim.scenario.arms if a.control)
        self._arm = arm
        ssp = ["not yet assessed", "A", "B", "C", "D"]
        self._groups: list[tuple[str, list[str]]] = [("all", ["all"]), ("ssp_12m", ssp),
                                                     ("profile", self._profiles)]
        if arm is not None:
            self._groups.append(("arm", [arm]))
        self._groups.append(("generation", [str(g) for g in range(self._n_gen)]))

    # -- the recorder protocol ------------------------------------------------------------------------
    def record(self, sim: Simulation, step: int) -> None:
        """At a record step: sum every variable into its cells (reads states only)."""
        if self._steps is None:
            self._setup(sim)
        assert self._steps is not None
        if step not in self._steps:
            return
        delta = step - self._previous
        self._previous = step
        pop = sim.pop
        n = pop.n
        if n == 0:
            return
        age_w = (step + 1) - pop["birth_step"].astype(np.int64)
        born = age_w >= 0
        age_w = np.maximum(age_w, 0)
        band = (age_w / self.band_w).astype(np.int64)  # floor: bands of one year (or month)
        n_band = int(band.max()) + 1
        n_prof = len(self._profiles)
        ssp = (pop["ssp_12m"].astype(np.int64) + 1) if self._has_ssp else np.zeros(n, dtype=np.int64)
        prof = np.clip(pop["profile"].astype(np.int64) + 2, 0, n_prof - 1)
        gen = np.clip(pop["generation"].astype(np.int64), 0, self._n_gen - 1)
        key = ((ssp * n_prof + prof) * self._n_gen + gen) * n_band + band
        n_cells = 5 * n_prof * self._n_gen * n_band
        if not born.all():  # people not yet born at this step (never the case with births at the step itself)
            key = np.where(born, key, n_cells)
        size = n_cells + 1
        count = np.bincount(key, minlength=size)[:n_cells].astype(np.float64)
        age_sum = np.bincount(band, weights=age_w, minlength=n_band)
        age_cnt = np.bincount(band, minlength=n_band)

        sums: list[npt.NDArray[Any]] = []
        dens: list[npt.NDArray[Any]] = []

        def add(weights: npt.NDArray[Any], den: npt.NDArray[Any] = count) -> None:
            sums.append(np.bincount(key, weights=weights, minlength=size)[:n_cells])
            dens.append(den)

        if self._has_models:
            a = pop["others_a"].astype(np.float64)
            add(a / (a + pop["others_b"]))
        for name in self._means:
            add(pop[name])
        crit_h, crit_u = self._criterion
        for t in self._regulators:
            now = (pop[f"habit_{t}"] >= crit_h) & (pop[f"recent_use_{t}"] >= crit_u) & (pop[f"use_state_{t}"] != 2)
            add(now)
        if self._has_partners:
            partnered = pop["partner"] >= 0
            add(partnered)
            pcount = np.bincount(key, weights=partnered, minlength=size)[:n_cells]
            add(np.where(partnered, pop["relationship_quality"], 0.0), pcount)
            add(np.where(partnered, pop["relationship_conflict"], 0.0), pcount)
        for ins in self._instruments:
            k = len(ins.categories)
            # people assessed since the previous record step: birth weeks in a window of `delta` weeks
            lo, hi = step + 1 - ins.age_w - delta + 1, step + 1 - ins.age_w
            if hi < 0 or (not any(b in sim.cohorts for b in range(max(lo, 0), hi + 1)) and sim.cohorts):
                sums.extend(np.zeros(n_cells) for _ in range(k))
                dens.extend(np.zeros(n_cells) for _ in range(k))
                continue
            code = pop[ins.column]
            hit = (code >= 0) & (age_w >= ins.age_w) & (age_w < ins.age_w + delta) & born
            cells = np.bincount(key[hit] * k + code[hit].astype(np.int64), minlength=n_cells * k).reshape(n_cells, k)
            assessed = cells.sum(axis=1).astype(np.float64)
            for c in range(k):
                sums.append(cells[:, c].astype(np.float64))
                dens.append(assessed)
        shape = (5, n_prof, self._n_gen, n_band)
        num = np.stack(sums).reshape(len(sums), *shape)
        den = np.stack(dens).reshape(len(dens), *shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            age_mean = age_sum / age_cnt
        time_years = (step + 1) / WEEKS_PER_YEAR
        for b, (by, _) in enumerate(self._groups):
            if by in ("all", "arm"):
                nb_, db_ = num.sum(axis=(1, 2, 3))[:, None], den.sum(axis=(1, 2, 3))[:, None]
            elif by == "ssp_12m":
                nb_, db_ = num.sum(axis=(2, 3)), den.sum(axis=(2, 3))
            elif by == "profile":
                nb_, db_ = num.sum(axis=(1, 3)), den.sum(axis=(1, 3))
            else:
                nb_, db_ = num.sum(axis=(1, 2)), den.sum(axis=(1, 2))
            # (variables, groups, bands) -> the cells with people
            var, grp, bnd = np.nonzero(db_ > 0)
            if by == "ssp_12m":
                keep = grp > 0  # not yet assessed at 12 months: no group
                var, grp, bnd = var[keep], grp[keep], bnd[keep]
            value = nb_[var, grp, bnd] / db_[var, grp, bnd]
            self._chunks.append((np.full(var.size, time_years), age_mean[bnd] / WEEKS_PER_YEAR,
                                 np.full(var.size, b, dtype=np.int64), grp, var, value, db_[var, grp, bnd]))

    def finish(self, sim: Simulation, results: Results) -> None:
        """Put the table on the results (``results.timeseries``)."""
        results.timeseries = self.table()
        results.meta["timeseries_resolution"] = self.resolution

    # -- the table ---------------------------------------------------------------------------------------
    def table(self) -> pd.DataFrame:
        """The tidy table of everything recorded so far."""
        if not self._chunks or self._steps is None:
            return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("time_years", "age_years", "value", "n")
                                              else "object") for c in COLUMNS})
        cols = [np.concatenate([c[i] for c in self._chunks]) for i in range(7)]
        by_codes, grp, var = cols[2], cols[3], cols[4]
        by_names = [g[0] for g in self._groups]
        group_names = sorted({name for _, names in self._groups for name in names})
        group_index = {name: i for i, name in enumerate(group_names)}
        lookup = np.full((len(self._groups), max(len(g[1]) for g in self._groups)), -1, dtype=np.int64)
        for b, (_, names) in enumerate(self._groups):
            lookup[b, :len(names)] = [group_index[x] for x in names]
        return pd.DataFrame({
            "time_years": cols[0], "age_years": cols[1],
            "by": pd.Categorical.from_codes(by_codes, categories=pd.Index(by_names)),
            "group": pd.Categorical.from_codes(lookup[by_codes, grp], categories=pd.Index(group_names)),
            "variable": pd.Categorical.from_codes(var, categories=pd.Index(self._variables)),
            "value": cols[5], "n": cols[6].astype(np.int64),
        })
