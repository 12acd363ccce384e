"""Named caregiver profiles (MODEL §5): distributions of the six caregiving parameters.

A profile gives, for each parameter, the mean and standard deviation of a normal
distribution clipped to the parameter's range; every exogenous caregiver draws its own
values once, so caregivers within a profile differ. Values are on 0-1 scales:

* ``availability``: share of the child's distress episodes at which the caregiver is present;
* ``sensitivity``: probability that a present caregiver soothes a bid promptly;
* ``inconsistency``: week-to-week SD of sensitivity (intermittent responsiveness);
* ``rejection``: probability of rebuffing a bid for contact;
* ``harm``: probability of a frightening or abusive response per bid;
* ``dysregulation``: the caregiver's chronic stress, depression or anxiety.

Ainsworth's sensitivity scale (1-9) is mapped to 0-1 as (rating - 1) / 8.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass

from ..io import load_yaml

CAREGIVING_PARAMETERS = ("availability", "sensitivity", "inconsistency", "rejection", "harm", "dysregulation")

#: Upper bound of each parameter (inconsistency is an SD, so it is capped at 0.5).
PARAMETER_MAX = {"availability": 1.0, "sensitivity": 1.0, "inconsistency": 0.5, "rejection": 1.0, "harm": 1.0,
                 "dysregulation": 1.0}


@dataclass(frozen=True)
class Profile:
    """A caregiver profile: (mean, sd) per parameter, a description and its source."""

    name: str
    description: str
    source: str
    availability: tuple[float, float]
    sensitivity: tuple[float, float]
    inconsistency: tuple[float, float]
    rejection: tuple[float, float]
    harm: tuple[float, float]
    dysregulation: tuple[float, float]

    def dist(self, parameter: str) -> tuple[float, float]:
        """(mean, sd) of one parameter."""
        value: tuple[float, float] = getattr(self, parameter)
        return value


def _load_profiles() -> dict[str, Profile]:
    """The profiles of ``profiles.yaml`` (beside this module), in the file's order."""
    origin = "attachsim/caregiving/profiles.yaml"
    text = importlib.resources.files(__package__).joinpath("profiles.yaml").read_text(encoding="utf-8")
    profiles = {}
    for name, row in load_yaml(text, origin).items():
        keys = ("description", "source", *CAREGIVING_PARAMETERS)
        if not isinstance(row, dict) or set(row) != set(keys) or not all(
                isinstance(row[k], list) and len(row[k]) == 2 for k in CAREGIVING_PARAMETERS):
            raise ValueError(f"{origin}: {name}: expected {', '.join(keys)}, each parameter as [mean, sd].")
        profiles[name] = Profile(name, row["description"], row["source"],
                                 **{k: (row[k][0], row[k][1]) for k in CAREGIVING_PARAMETERS})
    return profiles


#: The caregiver profiles by name: data in ``profiles.yaml`` (values with their sources).
PROFILES: dict[str, Profile] = _load_profiles()

#: The eight named profiles of MODEL §5 (``community`` is the low-risk population mixture).
NAMED_PROFILES = ("sensitive", "rejecting", "inconsistent", "frightening", "neglectful", "depressed",
                  "institution", "foster")
PROFILE_CODES = {name: i for i, name in enumerate(PROFILES)}
#: profile code of a child cared for by a simulated parent (M10) rather than by an exogenous profile caregiver
PARENT_PROFILE = -2
