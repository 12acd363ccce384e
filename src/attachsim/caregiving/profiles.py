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

from dataclasses import dataclass

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


#: Where each value of the `depressed` profile comes from (issue 14; not fitted to any attachment figure).
DEPRESSED_SOURCE = (
    "Community profile shifted by Lovejoy et al. 2000's observed-parenting effects of depression (d: "
    "negative .40 -> rejection +.40 SD = 0.15; disengaged .29 -> availability -.29 SD = 0.905; positive .16 "
    "lower -> sensitivity whose effective value after M2's dysregulation loss, 0.69 x (1 - 0.45 x 0.43) = "
    "0.56, is .16 SD below the community's 0.58); dysregulation 0.43 (SD 0.08) = the top 15% of the "
    "community's (Gavin et al. 2005); inconsistency as in the community (no effect size found); "
    "derivation in docs/strange_situation.md"
)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "community",
            "Low-risk community caregivers: the full normal range of sensitivity, some rejection and "
            "inconsistency, mild dysregulation, no harm.",
            "Sensitivity mean 5.5 / 9 (SD of a caregiver's typical level 0.16, 1.3 scale points) in low-risk "
            "samples (Ainsworth et al. 1978; NICHD ECCRN 1997; "
            "De Wolff & van IJzendoorn 1997); depressive symptoms in 10-20% of mothers (Gavin et al. 2005); "
            "rejection and inconsistency spreads calibrated to the low-risk Strange Situation shares (MODEL §8)",
            availability=(0.92, 0.05), sensitivity=(0.62, 0.16), inconsistency=(0.10, 0.08),
            rejection=(0.10, 0.12), harm=(0.0, 0.0), dysregulation=(0.15, 0.18),
        ),
        Profile(
            "sensitive",
            "Prompt, consistent soothing; rarely rebuffs; calm.",
            "Ainsworth et al. 1978 (mothers of B infants rated 7-9 on sensitivity)",
            availability=(0.95, 0.03), sensitivity=(0.85, 0.07), inconsistency=(0.05, 0.03),
            rejection=(0.03, 0.03), harm=(0.0, 0.0), dysregulation=(0.05, 0.05),
        ),
        Profile(
            "rejecting",
            "Present and consistent, but rebuffs bids for contact.",
            "Ainsworth et al. 1978; Main 1981 (rejection of attachment behaviour in mothers of A infants)",
            availability=(0.90, 0.05), sensitivity=(0.40, 0.10), inconsistency=(0.05, 0.03),
            rejection=(0.50, 0.10), harm=(0.0, 0.0), dysregulation=(0.15, 0.10),
        ),
        Profile(
            "inconsistent",
            "Sometimes warmly responsive, sometimes unavailable: intermittent responsiveness.",
            "Cassidy & Berlin 1994; Isabella 1993 (inconsistent responsiveness in mothers of C infants)",
            availability=(0.80, 0.08), sensitivity=(0.50, 0.10), inconsistency=(0.38, 0.05),
            rejection=(0.05, 0.04), harm=(0.0, 0.0), dysregulation=(0.20, 0.10),
        ),
        Profile(
            "frightening",
            "Frightening or abusive at times while also the source of comfort.",
            "Main & Hesse 1990; Schuengel et al. 1999 (frightening parental behaviour predicts D)",
            availability=(0.85, 0.05), sensitivity=(0.45, 0.10), inconsistency=(0.15, 0.05),
            rejection=(0.15, 0.08), harm=(0.12, 0.04), dysregulation=(0.50, 0.15),
        ),
        Profile(
            "neglectful",
            "Often absent or unresponsive; little stimulation; no harm.",
            "Egeland & Sroufe 1981 (psychologically unavailable and neglecting mothers)",
            availability=(0.45, 0.10), sensitivity=(0.30, 0.10), inconsistency=(0.15, 0.05),
            rejection=(0.10, 0.05), harm=(0.0, 0.0), dysregulation=(0.30, 0.15),
        ),
        Profile(
            "depressed",
            "Clinically depressed mothers: the community profile shifted by the observed differences in "
            "depressed mothers' behaviour; more disengaged (less present), more negative (rebuffs more), "
            "slightly less positive, dysregulated. Chosen from observational studies, not fitted to any "
            "attachment figure (its D share is a validation target).",
            DEPRESSED_SOURCE,
            availability=(0.905, 0.05), sensitivity=(0.69, 0.16), inconsistency=(0.10, 0.08),
            rejection=(0.15, 0.12), harm=(0.0, 0.0), dysregulation=(0.43, 0.08),
        ),
        Profile(
            "institution",
            "Institutional care: rotating staff, few adults per child, little responsiveness.",
            "St. Petersburg-USA Orphanage Research Team 2008; Zeanah et al. 2005 (BEIP: most institution-reared "
            "infants insecure, many disorganised)",
            availability=(0.30, 0.08), sensitivity=(0.30, 0.10), inconsistency=(0.30, 0.06),
            rejection=(0.10, 0.05), harm=(0.02, 0.02), dysregulation=(0.30, 0.10),
        ),
        Profile(
            "foster",
            "A committed foster or adoptive carer: fairly sensitive and available.",
            "Dozier et al. 2001 (foster mothers' own security predicts the placed infant's); Smyke et al. 2010",
            availability=(0.90, 0.05), sensitivity=(0.70, 0.10), inconsistency=(0.10, 0.05),
            rejection=(0.05, 0.04), harm=(0.0, 0.0), dysregulation=(0.15, 0.10),
        ),
    )
}

#: The eight named profiles of MODEL §5 (``community`` is the low-risk population mixture).
NAMED_PROFILES = ("sensitive", "rejecting", "inconsistent", "frightening", "neglectful", "depressed",
                  "institution", "foster")
PROFILE_CODES = {name: i for i, name in enumerate(PROFILES)}
#: profile code of a child cared for by a simulated parent (M10) rather than by an exogenous profile caregiver
PARENT_PROFILE = -2
