"""Weekly time, life stages and plasticity."""

from __future__ import annotations

WEEKS_PER_YEAR = 52.1775  # 365.2425 / 7
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12.0

#: Life stages (MODEL §3): name, first week of age, first week after the stage.
STAGES: tuple[tuple[str, float, float], ...] = (
    ("infancy", 0.0, 2 * WEEKS_PER_YEAR),
    ("childhood", 2 * WEEKS_PER_YEAR, 12 * WEEKS_PER_YEAR),
    ("adolescence", 12 * WEEKS_PER_YEAR, 18 * WEEKS_PER_YEAR),
    ("adulthood", 18 * WEEKS_PER_YEAR, float("inf")),
)


def weeks(years: float = 0.0, months: float = 0.0) -> int:
    """A duration in whole weeks (rounded to the nearest week)."""
    return round(years * WEEKS_PER_YEAR + months * WEEKS_PER_MONTH)


def stage_of(age_weeks: float) -> str:
    """The life stage at an age in weeks."""
    if age_weeks < 0:
        raise ValueError(f"The 'age_weeks' must be non-negative. Got {age_weeks} instead.")
    for name, start, stop in STAGES:
        if start <= age_weeks < stop:
            return name
    raise AssertionError("unreachable")
