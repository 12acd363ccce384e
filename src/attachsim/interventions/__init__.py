"""M11 interventions: therapies and placements as mechanisms, and the scenario schema of each kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mechanisms import KIND_CLASSES, Intervention, answered_episodes
from .specs import KINDS, InterventionSpec

if TYPE_CHECKING:
    from ..scenarios.schema import Scenario

__all__ = ["KINDS", "KIND_CLASSES", "Intervention", "InterventionSpec", "answered_episodes", "build_interventions"]


def build_interventions(scenario: Scenario) -> list[Intervention]:
    """The scenario's interventions in declaration order: delivered in the chosen arm, or measure-only.

    A scenario without interventions gets none, so its weekly loop is unchanged.
    """
    from ..scenarios.experiment import delivered

    names = [iv.name for iv in scenario.interventions]
    active = delivered(names, scenario.arms, scenario.arm)
    return [KIND_CLASSES[iv.kind](iv, iv.name in active) for iv in scenario.interventions]
