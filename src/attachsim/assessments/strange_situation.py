"""The Strange Situation (Ainsworth et al. 1978), simulated and scored.

The procedure is run, not looked up: the infant's arousal is simulated through the
eight standard episodes (two separations and two reunions, stress rising), and in
each 30-second interval of the reunions and separations the infant's behaviour is
drawn from its current arousal and learned states (bids, clinging, turning away,
angry resistance, and the contradictory, frozen or fearful behaviour of Main &
Solomon 1990). Ainsworth's interactive scales (proximity seeking, contact
maintaining, avoidance, resistance; 1-7) and the disorganisation scale (1-9) are
counted from those behaviours, and the category follows from all four reunion scales by
the classificatory criteria of Ainsworth et al. 1978 (ch. 4; as abstracted for coders by
Waters 2002), with D first (Main & Solomon 1990); see :func:`classify` and
``docs/strange_situation.md``.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..core.columns import Column, Reader, coded
from ..core.mechanism import Mechanism, f32, i8, owned
from ..core.params import ParamModel
from ..core.rng import box_muller_np, normals, person_key_np, step_key_np, stream_key, uniform_np
from ..core.state import StateSpec
from ..core.timeline import weeks
from ..development.infancy import model_of_others
from ._kernels import reunion_counts

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]

#: (name, stress added per interval, parent present, stranger present), Ainsworth et al. 1978.
EPISODES: tuple[tuple[str, float, bool, bool], ...] = (
    ("1 parent and infant enter", 0.00, True, False),
    ("2 parent and infant, infant explores", 0.02, True, False),
    ("3 stranger joins", 0.08, True, True),
    ("4 first separation (stranger stays)", 0.30, False, True),
    ("5 first reunion", 0.0, True, False),
    ("6 second separation (infant alone)", 0.50, False, False),
    ("7 stranger returns", 0.35, False, True),
    ("8 second reunion", 0.0, True, False),
)
INTERVALS = 6  # 30-second intervals in a 3-minute episode
REUNIONS = (4, 7)  # 0-based episode indices
SEPARATIONS = (3, 5, 6)
#: The reunion behaviours counted per interval, in the kernel's order.
BEHAVIOURS = ("prox", "contact", "avoid", "resist")
#: The episodes as the kernel reads them.
_EPISODE_STRESS = np.array([e[1] for e in EPISODES], dtype=np.float64)
_EPISODE_PARENT = np.array([e[2] for e in EPISODES], dtype=np.bool_)
_EPISODE_STRANGER = np.array([e[3] for e in EPISODES], dtype=np.bool_)
_EPISODE_REUNION = np.array([REUNIONS.index(e) if e in REUNIONS else -1 for e in range(len(EPISODES))], dtype=np.int64)
_EPISODE_SEPARATION = np.array([e in SEPARATIONS for e in range(len(EPISODES))], dtype=np.bool_)
#: The parameters the kernel reads, in its order.
KERNEL_PARAMS = ("self_soothing", "disorg_person_noise", "behaviour_gain", "momentary_noise", "disorg_threshold",
                 "avoid_threshold", "resist_threshold", "approach_threshold", "contact_comfort")


class SSPCategory(IntEnum):
    """Codes of the Strange Situation and reunion classifications (int8 states ``ssp_*``, ``reunion_*``)."""

    A = 0  # avoidant
    B = 1  # secure
    C = 2  # resistant (ambivalent)
    D = 3  # disorganised


#: The category letters in code order.
CATEGORIES = tuple(c.name for c in SSPCategory)
#: The insecure categories (A, C and D), as codes.
INSECURE_CODES = (int(SSPCategory.A), int(SSPCategory.C), int(SSPCategory.D))


def category_codes(letters: npt.NDArray[np.generic]) -> npt.NDArray[np.int32]:
    """The codes of an array of category letters (a letter that names no category raises ``KeyError``)."""
    letters = np.asarray(letters)
    codes = np.full(letters.shape, -1, dtype=np.int32)
    for c in SSPCategory:  # one comparison per category, not a lookup per person
        codes[letters == c.name] = int(c)
    if (codes < 0).any():
        raise KeyError(letters[np.argmax(codes < 0)])
    return codes


class StrangeSituationParams(ParamModel):
    """Behaviour in the Strange Situation from the infant's states."""

    sensitivity_observation_sd: float
    threat_vigilance: float
    self_soothing: float
    contact_comfort: float
    behaviour_gain: float
    momentary_noise: float
    approach_threshold: float
    avoid_threshold: float
    resist_threshold: float
    disorg_person_noise: float
    disorg_threshold: float


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709 gives 1 / inf = 0, the exact limit
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-x))
    return out


def run_strange_situation(
    states: dict[str, npt.NDArray[np.float32]],
    ids: npt.NDArray[np.int32],
    params: StrangeSituationParams,
    seed: int,
    step: int,
    age_months: int,
) -> dict[str, npt.NDArray[np.generic]]:
    """Simulate the procedure for the people ``ids`` and score it.

    ``states`` maps state names to arrays aligned with ``ids``. Returns the scales
    (integers), the category and the forced A/B/C classification.
    """
    def g(name: str) -> npt.NDArray[np.float64]:
        return np.asarray(states[name], dtype=np.float64)

    m = model_of_others(g("others_a"), g("others_b"))
    hyper, deact, conflict, threat = g("hyperactivation"), g("deactivation"), g("conflict"), g("threat")
    regulation = g("regulation")
    gain = g("reactivity") * g("stress_gain") * (1.0 + params.threat_vigilance * threat)
    n = ids.shape[0]
    pk = person_key_np(step_key_np(stream_key(seed, f"ssp.{age_months}m"), step), ids)
    arousal = g("arousal")
    # person by person in a Numba kernel: the same draws and operations as reunion_counts_np, so the same counts
    table = np.zeros((n, 4, len(REUNIONS)), dtype=np.int64)
    disorg = np.zeros(n, dtype=np.int64)
    reunion_counts(pk, m, hyper, deact, conflict, threat, regulation, gain, arousal, _EPISODE_STRESS, _EPISODE_PARENT,
                   _EPISODE_STRANGER, _EPISODE_REUNION, _EPISODE_SEPARATION, INTERVALS,
                   np.array([getattr(params, name) for name in KERNEL_PARAMS], dtype=np.float64), table, disorg)
    counts = {key: [table[:, c, r] for r in range(len(REUNIONS))] for c, key in enumerate(BEHAVIOURS)}

    def scale(key: str) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = np.minimum(7, 1 + np.maximum(counts[key][0], counts[key][1]))
        return out

    prox, contact, avoidance, resistance = scale("prox"), scale("contact"), scale("avoid"), scale("resist")
    dscale = np.minimum(9, 1 + disorg)
    category, forced = classify(prox, contact, avoidance, resistance, dscale)
    return {
        "proximity": prox.astype(np.int8),
        "contact": contact.astype(np.int8),
        "avoidance": avoidance.astype(np.int8),
        "resistance": resistance.astype(np.int8),
        "disorganization": dscale.astype(np.int8),
        "category": category,
        "forced": forced,
    }


def reunion_counts_np(pk: npt.NDArray[np.uint64], m: F64, hyper: F64, deact: F64, conflict: F64, threat: F64,
                      regulation: F64, gain: F64, arousal: F64, params: StrangeSituationParams,
                      ) -> tuple[dict[str, list[npt.NDArray[np.int64]]], npt.NDArray[np.int64]]:
    """The NumPy reference of the procedure's interval counts (the oracle of ``_kernels.reunion_counts``).

    Person keys ``pk`` and the states (float64); returns the counts of each behaviour (:data:`BEHAVIOURS`) in each
    reunion, and the disorganisation count.
    """
    n = pk.shape[0]
    k = 0

    def draw() -> npt.NDArray[np.float64]:
        nonlocal k
        k += 1
        return uniform_np(pk, k)

    def noise() -> npt.NDArray[np.float64]:
        nonlocal k
        k += 2
        return box_muller_np(uniform_np(pk, k - 1), uniform_np(pk, k))

    d_person = params.disorg_person_noise * noise()
    x = 0.3 * np.minimum(arousal, 1.0)
    counts = {key: [np.zeros(n, np.int64) for _ in REUNIONS] for key in ("prox", "contact", "avoid", "resist")}
    disorg = np.zeros(n, np.int64)
    b = params.behaviour_gain
    for e, (_, stress, parent, stranger) in enumerate(EPISODES):
        reunion = REUNIONS.index(e) if e in REUNIONS else -1
        eps = params.momentary_noise * noise()
        in_contact = np.zeros(n, dtype=bool)
        for _ in range(INTERVALS):
            # arousal in 0-1: separation stress rises it, self-soothing and a comforting stranger lower it
            x = x + np.minimum(stress * gain, 1.0) * (1.0 - x)
            x = x * (1.0 - params.self_soothing * regulation)
            if stranger and not parent:
                x = x * (1.0 - 0.15 * (1.0 - deact) * m)
            fear = conflict * (0.5 + x) * (1.0 + threat)
            if reunion < 0:
                if e in SEPARATIONS:
                    d_sep = b * (fear - params.disorg_threshold - 0.2 + eps + d_person)
                    disorg += (draw() < _sigmoid(d_sep)).astype(np.int64)
                continue
            drive_seek = (1.0 - deact) * (0.4 + 0.6 * x) * (0.5 + 0.5 * m + 0.5 * hyper)
            u_approach = draw()
            avoid = draw() < _sigmoid(b * (deact * (0.5 + 0.5 * x) - params.avoid_threshold + eps))
            resist = draw() < _sigmoid(b * (hyper * x * (1.5 - m) - params.resist_threshold + eps))
            d_beh = draw() < _sigmoid(b * (fear - params.disorg_threshold + eps + d_person))
            # an infant who turns away, ignores or moves off in an interval is not approaching in it
            # (Ainsworth et al. 1978: avoidance is the absence or undoing of proximity seeking), nor is one
            # who freezes, stills or breaks off its approach (Main & Solomon 1990's disorganised behaviour)
            approach = (u_approach < _sigmoid(b * (drive_seek - params.approach_threshold + eps))) & ~avoid & ~d_beh
            in_contact = (in_contact | approach) & ~avoid
            counts["prox"][reunion] += approach
            counts["contact"][reunion] += in_contact & (x > 0.2)
            counts["avoid"][reunion] += avoid
            counts["resist"][reunion] += resist & (in_contact | approach)
            disorg += 2 * d_beh
            # hyperactivated infants are not easily comforted by contact (Ainsworth et al. 1978)
            relief = params.contact_comfort * m * (1.0 - hyper) * (1.0 - 0.5 * conflict)
            x = np.where(in_contact, x * (1.0 - relief), x)

    return counts, disorg


#: Scale points (1-7) at and above which a reunion behaviour is "strong" / "conspicuous", and at and
#: below which it is "little or none" (Ainsworth et al. 1978's scale anchors: 5 and above describe
#: repeated or sustained behaviour, 1-3 its absence or fleeting occurrence).
HIGH, LOW = 5, 3


def classify(prox: npt.NDArray[np.int64], contact: npt.NDArray[np.int64], avoidance: npt.NDArray[np.int64],
             resistance: npt.NDArray[np.int64], disorganization: npt.NDArray[np.int64],
             ) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    """Category (A/B/C/D) and forced A/B/C from the reunion scales, by Ainsworth et al. 1978's criteria.

    Ainsworth, Blehar, Waters & Wall 1978 (ch. 4, "classificatory criteria"), on the reunion episodes:

    * **B**: the infant wants proximity and contact and actively seeks it, and once in contact seeks
      to maintain it; little or no avoidance and little or no resistance. Here: proximity seeking or
      contact maintaining strong (>= 5), avoidance and resistance at most moderate (<= 4; B1/B2
      infants show some avoidance, B4 some resistance, but never the conspicuous kind).
    * **A**: conspicuous avoidance of the parent, little or no proximity seeking and little or no
      contact maintaining. Here: avoidance >= 5, proximity seeking and contact maintaining <= 3.
    * **C**: conspicuous resistance to contact and interaction, together with moderate to strong
      proximity seeking and contact maintaining (ambivalence); little or no avoidance. Here:
      resistance >= 5, contact maintaining or proximity seeking > 3, avoidance <= 4.
    * **D** (Main & Solomon 1990) first: disorganisation >= 5; A/B/C is then still coded as the
      forced best fit, as coders do.

    Cases that fit none of the three descriptions are forced, as coders force them, into the group
    whose description they fit best (Ainsworth et al. 1978 classify every infant into A, B or C): the
    group with the smallest shortfall, in scale points, from its criteria (ties: B, then A, then C).
    B's defining criterion, active seeking or maintaining of contact, is not forced: an infant with
    little or none of either (both <= 3) is never B, however little it avoids or resists; it goes to
    A (no seeking on reunion, Main 1981) unless its resistance fits C better.
    """
    def short(x: npt.NDArray[np.int64], at_least: int) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = np.maximum(0, at_least - x)
        return out

    def over(x: npt.NDArray[np.int64], at_most: int) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = np.maximum(0, x - at_most)
        return out

    seek = np.maximum(prox, contact)
    miss_b = np.where(seek <= LOW, 99, short(seek, HIGH) + over(avoidance, HIGH - 1) + over(resistance, HIGH - 1))
    miss_a = short(avoidance, HIGH) + over(seek, LOW)
    miss_c = short(resistance, HIGH) + short(seek, LOW + 1) + over(avoidance, HIGH - 1)
    # exact fits have shortfall 0 (the three descriptions exclude each other)
    forced = np.where((miss_b <= miss_a) & (miss_b <= miss_c), "B", np.where(miss_a <= miss_c, "A", "C"))
    return np.where(disorganization >= 5, "D", forced), forced


SCALES = ("proximity", "contact", "avoidance", "resistance", "disorganization")


class StrangeSituation(Mechanism):
    """Assessment hook: runs the Strange Situation on everyone who reaches the chosen ages this week."""

    def __init__(self, params: StrangeSituationParams | None = None, ages_months: tuple[int, ...] = (12,)) -> None:
        super().__init__(params)
        self.ages_months = ages_months

    @staticmethod
    def prefix(age: int) -> str:
        """Column prefix of the scales at one age (12 months keeps the short names of the interface)."""
        return "ssp_" if age == 12 else f"ssp_{age}m_"

    def declared(self) -> tuple[StateSpec, ...]:
        """Category, forced category and five scales for each age, plus regulation at 12 months."""
        specs: list[StateSpec] = []
        for age in self.ages_months:
            specs.append(i8(f"ssp_{age}m", -1, "code", f"Strange Situation at {age} months: 0 A, 1 B, 2 C, 3 D."))
            specs.append(i8(f"ssp_{age}m_forced", -1, "code", f"Forced A/B/C classification at {age} months."))
            for name in SCALES:
                top = 9 if name == "disorganization" else 7
                specs.append(i8(f"{self.prefix(age)}{name}", 0, f"1-{top}", f"{name} scale at {age} months."))
        specs.append(f32("regulation_12m", float("nan"), "0-1", "Regulation at 12 months."))
        return owned(self.key, *specs)

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Category, forced category and scales at each age; observed sensitivity; regulation at 12 months."""
        cols: list[Column] = []
        for age in self.ages_months:
            cols.append(coded(f"ssp_{age}m", CATEGORIES, "A/B/C/D", f"Strange Situation category at {age} months"))
            cols.append(coded(f"ssp_{age}m_forced", CATEGORIES[:3], "A/B/C",
                              f"forced A/B/C classification at {age} months"))
            for name in SCALES:
                col = f"{self.prefix(age)}{name}"
                top = 9 if name == "disorganization" else 7
                cols.append(Column(col, "int8", f"1-{top}", f"{name} scale at {age} months", "mean",
                                   _int8(col)))
        cols.append(Column("sensitivity_0_1", "float32", "0-1", "caregiver's observed sensitivity, first year",
                           "mean", self.observed_sensitivity))
        cols.append(Column("regulation_12m", "float32", "0-1", "regulation at 12 months", "mean",
                           lambda s: s.pop["regulation_12m"].copy()))
        return tuple(cols)

    def observed_sensitivity(self, sim: Simulation) -> npt.NDArray[np.float32]:
        """Sensitivity as researchers observe it: a rating from brief home observations, with occasion error."""
        pop = sim.pop
        den = pop["sens_obs_den"]
        with np.errstate(invalid="ignore", divide="ignore"):
            true_sens = np.where(den > 0, pop["sens_obs_num"] / den, np.nan)
        obs_sd = self.params.sensitivity_observation_sd  # type: ignore[attr-defined]
        error = obs_sd * normals(sim.seed, "observe.sensitivity", 0, pop["id"].astype(np.int64)) if obs_sd > 0 \
            else 0.0
        out: npt.NDArray[np.float32] = np.clip(true_sens + error, 0.0, 1.0).astype(np.float32)
        return out

    def step(self, sim: Simulation, step: int) -> None:
        """Assess people who complete the target age in weeks this step."""
        for months in self.ages_months:
            ids = sim.completing(step, weeks(months=months))
            if ids.size == 0:
                continue
            names = ("others_a", "others_b", "hyperactivation", "deactivation", "conflict", "threat", "regulation",
                     "reactivity", "stress_gain", "arousal")
            states = {name: sim.pop[name][ids] for name in names}
            out = run_strange_situation(states, ids, self.params, sim.seed, step, months)  # type: ignore[arg-type]
            sim.pop[f"ssp_{months}m"][ids] = category_codes(out["category"])
            sim.pop[f"ssp_{months}m_forced"][ids] = category_codes(out["forced"])
            for name in SCALES:
                sim.pop[f"{self.prefix(months)}{name}"][ids] = out[name]
            if months == 12:
                sim.pop["regulation_12m"][ids] = sim.pop["regulation"][ids]
        if 12 not in self.ages_months:
            at12 = sim.completing(step, weeks(months=12))
            sim.pop["regulation_12m"][at12] = sim.pop["regulation"][at12]


def _int8(name: str) -> Reader:
    return lambda sim: sim.pop[name].astype(np.int8)


def sensitivity_security_r(people: pd.DataFrame) -> dict[str, float]:
    """Point-biserial r between ``sensitivity_0_1`` and security (B vs not B), with a Fisher-z 95% interval."""
    data = people[["sensitivity_0_1", "ssp_12m"]].dropna()
    x = data["sensitivity_0_1"].to_numpy(dtype=np.float64)
    y = (data["ssp_12m"] == "B").to_numpy(dtype=np.float64)
    n = x.size
    if n < 4 or x.std() == 0 or y.std() == 0:
        return {"r": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": float(n)}
    r = float(np.corrcoef(x, y)[0, 1])
    zr = math.atanh(max(min(r, 0.999999), -0.999999))
    half = 1.959964 / math.sqrt(n - 3)
    return {"r": r, "ci_low": math.tanh(zr - half), "ci_high": math.tanh(zr + half), "n": float(n)}


def summary_extras(people: pd.DataFrame) -> dict[str, Any]:
    """What a summary of the 12-month classification adds: the sensitivity-security correlation."""
    return {"sensitivity_security_r": sensitivity_security_r(people)}

