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
from ..core.params import ParamModel
from ..core.rng import normals

if TYPE_CHECKING:
    from ..core.engine import Simulation

DOMAINS = ("internalizing", "externalizing")
COMPONENTS = ("heritable", "shared", "chance")


class LiabilityParams(ParamModel):
    """Variance shares of the non-attachment causes of childhood problems, and their weight on the checklist."""

    internalizing_heritable: float
    internalizing_shared: float
    internalizing_chance: float
    externalizing_heritable: float
    externalizing_shared: float
    externalizing_chance: float
    internalizing_weight: float
    externalizing_weight: float


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
    states = owned(
        key,
        *(f32(f"{d}_{k}", 0.0, "SD", f"{k.capitalize()} component of the {d} liability outside attachment "
              "(standard normal, fixed at birth).") for d in DOMAINS for k in COMPONENTS),
    )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's six components (independent standard normals, one stream each)."""
        for name in STATE_NAMES:
            sim.pop[name][ids] = normals(sim.seed, f"liability.{name}", 0, ids).astype(np.float32)
