"""Weekly time, life stages and plasticity: the one source of the model's time constants."""

from __future__ import annotations

from .laws import kernel_law

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


@kernel_law
def weekly_chance(per_year: float) -> float:
    """The weekly probability of an event with a constant hazard and the yearly probability ``per_year``."""
    chance: float = 1.0 - (1.0 - per_year) ** (1.0 / WEEKS_PER_YEAR)
    return chance


#: A year in whole weeks (52): the first year of life, one-year running averages, the child's age in years.
YEAR_W = weeks(years=1)
#: First week of age after infancy (104, the infancy stage of ``STAGES`` in whole weeks).
INFANCY_END_W = weeks(years=2)
#: First week of adulthood (939, 18 years in whole weeks): the end of childhood caregiving and of the ACE ledger.
ADULT_W = weeks(years=18)


def stage_of(age_weeks: float) -> str:
    """The life stage at an age in weeks."""
    if age_weeks < 0:
        raise ValueError(f"The 'age_weeks' must be non-negative. Got {age_weeks} instead.")
    for name, start, stop in STAGES:
        if start <= age_weeks < stop:
            return name
    raise AssertionError("unreachable")
