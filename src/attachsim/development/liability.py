"""Causes of childhood problems outside attachment: heritable liability, shared environment, chance.

Attachment is one cause among several (issue 15). Twin studies of the same checklist outcomes
split their variance into additive genetic (A), shared-environmental (C) and unique (E) parts;
the model's attachment-driven states are environmental, so they can stand only for part of C
and E. This mechanism owns, for internalizing and for externalizing problems, three standard
normal components drawn once at birth from their own counter-based streams:

* ``*_heritable``: the additive genetic liability (A);
* ``*_shared``: shared-environmental causes other than attachment (C: family income,
  neighbourhood, school);
* ``*_chance``: child-specific chance outside attachment (E: illness, accidents, peers).

:func:`liability` combines them with the variance shares of :class:`LiabilityParams` (A from the
twin studies; C and E halved, a stated assumption) and the checklist (``assessments.lifespan``)
adds ``weight * liability`` to the propensity of each sign of the domain. Other outcomes may read
the same components later.

Not yet modelled: a child of a simulated parent draws its components afresh (the parent pointer is
set after ``init_people`` by M10, so parent-offspring resemblance of the heritable part is not
wired), and siblings do not share ``*_shared``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.mechanism import Mechanism, f32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals

if TYPE_CHECKING:
    from ..core.engine import Simulation

DOMAINS = ("internalizing", "externalizing")
COMPONENTS = ("heritable", "shared", "chance")
VDV = ("van der Valk, van den Oord, Verhulst & Boomsma 2003 (Netherlands Twin Registry, maternal CBCL, 3,873 "
       "pairs at 3 and 1,924 at 7 years)")
HALF = ("; halved: no source divides the environmental variance between attachment and other causes, so half is "
        "assumed to run outside attachment (stated assumption); the other half is left to the attachment-driven "
        "states and the rating noise")
FIT = ("calibrated on seed 1000 (normative, 6,000 children) so that the heritable component explains its declared "
       "share of the mean checklist composite at 4 and 8 years (scripts/calibrate_liability.py); never fitted to "
       "an attachment association")


class LiabilityParams(ParamModel):
    """Variance shares of the non-attachment causes of childhood problems, and their weight on the checklist."""

    internalizing_heritable: float = param(
        0.50, 0.0, 1.0, unit="share of variance",
        meaning="Share of the variance of the internalizing composite carried by the heritable liability (A).",
        source=VDV + ": A = .59 at 3 and .40 at 7 years (mean .50)",
    )
    internalizing_shared: float = param(
        0.10, 0.0, 1.0, unit="share of variance",
        meaning="Share carried by shared-environmental causes other than attachment (C outside attachment).",
        source=VDV + ": C = .10 at 3 and .31 at 7 (mean .20); Burt 2009 (meta-analysis: C 10-19% for broad "
        "internalizing and externalizing before adulthood)" + HALF,
    )
    internalizing_chance: float = param(
        0.15, 0.0, 1.0, unit="share of variance",
        meaning="Share carried by child-specific chance outside attachment (E outside attachment).",
        source=VDV + ": E = .31 at 3 and .29 at 7 (mean .30)" + HALF,
    )
    externalizing_heritable: float = param(
        0.52, 0.0, 1.0, unit="share of variance",
        meaning="Share of the variance of the externalizing composite carried by the heritable liability (A).",
        source=VDV + ": A = .51 at 3 and .52 at 7 years",
    )
    externalizing_shared: float = param(
        0.155, 0.0, 1.0, unit="share of variance",
        meaning="Share carried by shared-environmental causes other than attachment (C outside attachment).",
        source=VDV + ": C = .30 at 3 and .32 at 7 (mean .31); Burt 2009 (C 10-19%)" + HALF,
    )
    externalizing_chance: float = param(
        0.09, 0.0, 1.0, unit="share of variance",
        meaning="Share carried by child-specific chance outside attachment (E outside attachment).",
        source=VDV + ": E = .19 at 3 and .16 at 7 (mean .18)" + HALF,
    )
    internalizing_weight: float = param(
        0.42, 0.0, 2.0, unit="sign propensity per liability SD",
        meaning="How much one SD of the combined internalizing liability raises the propensity of each "
        "internalizing sign (the scale that turns the declared shares into the checklist's units).",
        source=FIT + ": heritable share .50 at 0.42",
    )
    externalizing_weight: float = param(
        0.80, 0.0, 2.0, unit="sign propensity per liability SD",
        meaning="How much one SD of the combined externalizing liability raises the propensity of each "
        "externalizing sign.",
        source=FIT + ": the heritable share reaches only about .47 (declared .52): with three signs rated 0-2 the "
        "composite's rating noise caps any cause's share, and larger weights saturate the propensities; 0.80 is "
        "where the share levels off",
    )


def liability(heritable: Any, shared: Any, chance: Any, a: float, c: float, e: float) -> Any:
    """The combined liability of one domain, in SDs: ``(sqrt(a) A + sqrt(c) C + sqrt(e) E) / sqrt(a + c + e)``.

    Each component then explains its share's fraction of the liability's variance, so the heritable part
    explains ``a / (a + c + e)`` of it and the weight that fixes the liability's share of the outcome fixes
    the heritable share too.
    """
    total = a + c + e
    if total <= 0.0:
        return 0.0 * heritable
    return (np.sqrt(a) * heritable + np.sqrt(c) * shared + np.sqrt(e) * chance) / np.sqrt(total)


def domain_liability(s: dict[str, npt.NDArray[np.float64]], domain: str, p: LiabilityParams) -> Any:
    """The combined liability of ``domain`` from a dict of states (``<domain>_heritable`` etc.)."""
    return liability(s[f"{domain}_heritable"], s[f"{domain}_shared"], s[f"{domain}_chance"],
                     getattr(p, f"{domain}_heritable"), getattr(p, f"{domain}_shared"),
                     getattr(p, f"{domain}_chance"))


STATE_NAMES = tuple(f"{d}_{k}" for d in DOMAINS for k in COMPONENTS)


class Liability(Mechanism):
    """Non-attachment causes of childhood problems, drawn at birth."""

    key = "liability"
    heritable = ("internalizing_heritable", "externalizing_heritable")
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "non-attachment liabilities (issue 15)"
    summary = "heritable, shared-environmental and chance components of internalizing and externalizing " \
        "problems: standard normal, drawn at birth from their own streams"
    Params = LiabilityParams
    states = owned(
        key,
        *(f32(f"{d}_{k}", 0.0, "SD", f"{k.capitalize()} component of the {d} liability outside attachment "
              "(standard normal, fixed at birth).") for d in DOMAINS for k in COMPONENTS),
    )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's six components (independent standard normals, one stream each)."""
        for name in STATE_NAMES:
            sim.pop[name][ids] = normals(sim.seed, f"liability.{name}", 0, ids).astype(np.float32)
