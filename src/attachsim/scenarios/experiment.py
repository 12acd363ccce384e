"""Scenario arms and outcomes: experiments on one population with common random numbers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..core.params import NoBoolNumbers

ARM_PATTERN = r"^[A-Za-z0-9_.\-]{1,40}$"
Value = str | int | float | bool


class _Strict(NoBoolNumbers, BaseModel):
    model_config = ConfigDict(extra="forbid")


class Arm(_Strict):
    """One arm: a name and the interventions (by name) it delivers; exactly one arm is the control."""

    name: str = Field(pattern=ARM_PATTERN)
    interventions: list[str] = Field(default_factory=list, description="names from the scenario's interventions")
    control: bool = False


class Condition(_Strict):
    """A filter on one people column: its value is (or is not) one of the listed values."""

    column: str = Field(min_length=1, max_length=100)
    equals: list[Value] | None = None
    not_equals: list[Value] | None = None

    @model_validator(mode="after")
    def _one(self) -> Condition:
        if (self.equals is None) == (self.not_equals is None):
            raise ValueError("give exactly one of 'equals' and 'not_equals'")
        return self


class Outcome(_Strict):
    """An outcome: a share (of a category) or a mean of one people column, in a part of the population.

    ``population`` chooses whom it is computed over: ``eligible`` (eligible for any of the
    scenario's interventions, in every arm alike, since eligibility is judged before any
    intervention acts), ``ineligible`` (e.g. a non-maltreated comparison group) or ``all``.
    ``given`` restricts further, e.g. to those insecure at 12 months.
    """

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")
    column: str = Field(min_length=1, max_length=100)
    kind: Literal["share", "mean"] = "share"
    equals: list[Value] | None = Field(None, description="for a share: the values counted")
    population: Literal["eligible", "ineligible", "all"] = "eligible"
    given: Condition | None = None

    @model_validator(mode="after")
    def _share_needs_values(self) -> Outcome:
        if self.kind == "share" and not self.equals:
            raise ValueError(f"outcome '{self.name}': a share needs 'equals' (the values counted)")
        if self.kind == "mean" and self.equals is not None:
            raise ValueError(f"outcome '{self.name}': a mean takes no 'equals'")
        return self


def check_experiment(intervention_names: list[str], arms: list[Arm], arm: str | None,
                     outcomes: list[Outcome]) -> None:
    """Cross-checks of a scenario's interventions, arms and outcomes (raise ValueError naming the field)."""
    seen: set[str] = set()
    for name in intervention_names:
        if name in seen:
            raise ValueError(f"interventions: the name '{name}' is used twice; names must be unique")
        seen.add(name)
    if arms:
        names = [a.name for a in arms]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"arms: the name '{sorted(dup)[0]}' is used twice; arm names must be unique")
        controls = [a.name for a in arms if a.control]
        if len(controls) != 1:
            raise ValueError(f"arms: exactly one arm must have control: true; got {len(controls)}")
        for a in arms:
            for iv in a.interventions:
                if iv not in seen:
                    raise ValueError(f"arms.{a.name}.interventions: unknown intervention '{iv}'; allowed: "
                                     f"{', '.join(intervention_names) or '(none declared)'}")
    if arm is not None and arm not in {a.name for a in arms}:
        raise ValueError(f"arm: unknown arm '{arm}'; allowed: {', '.join(a.name for a in arms) or '(no arms)'}")
    names = [o.name for o in outcomes]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"outcomes: the name '{sorted(dup)[0]}' is used twice; outcome names must be unique")


def delivered(intervention_names: list[str], arms: list[Arm], arm: str | None) -> set[str]:
    """The interventions delivered in a run: the chosen arm's (the control's when none is chosen), or all."""
    if not arms:
        return set(intervention_names)
    chosen = next(a for a in arms if (a.name == arm if arm is not None else a.control))
    return set(chosen.interventions)
