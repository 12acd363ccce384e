"""Each law is written once and reaches the kernels and the NumPy reference unchanged; codes and time constants
come from one place."""

from pathlib import Path

import numba as nb
import numpy as np

import attachsim
from attachsim.adulthood import relationships, relief
from attachsim.adulthood.relationships import PartnerParams
from attachsim.assessments.ecrr import STYLES, AdultStyle
from attachsim.assessments.lifespan import AAI_CLASSES, AAIClass
from attachsim.assessments.strange_situation import CATEGORIES, INSECURE_CODES, SSPCategory
from attachsim.core import timeline
from attachsim.development import infancy, later

SRC = Path(attachsim.__file__).parent


@nb.njit(cache=False)
def _kernel_calls(a, b, c, d, e, state):  # type: ignore[no-untyped-def]
    """The laws called person by person from compiled code, as a fused kernel calls them."""
    n = a.shape[0]
    out = np.empty((5, n))
    for i in range(n):
        out[0, i] = infancy.plasticity(i, a[i], 130.0)
        out[1, i] = infancy.regulation_learned(a[i], b[i], 0.035, c[i], 0.6, d[i] * 3.0)
        out[2, i] = later.close_other_sensitivity(a[i], 0.55, 0.3, 0.15, e[i])
        out[3, i] = relief.compulsive(a[i], b[i], state[i], 0.6, 0.5)
        out[4, i] = infancy.strategy_targets(a[i], b[i], c[i], 23.98, 0.157, 12.0, 0.276, 0.25)[1]
    return out


def test_a_law_gives_the_same_values_in_a_kernel_and_on_arrays():
    rng = np.random.default_rng(1)
    a, b, c, d = rng.random((4, 500))
    e = rng.normal(size=500)
    state = rng.choice([relief.NOT_ABSTINENT, relief.ABSTINENT], 500).astype(np.int8)
    got = _kernel_calls(a, b, c, d, e, state)
    age = np.arange(500)
    np.testing.assert_allclose(got[0], infancy.plasticity(age, a, 130.0), rtol=1e-15)
    np.testing.assert_allclose(got[1], infancy.regulation_learned(a, b, 0.035, c, 0.6, d * 3.0), rtol=1e-15)
    np.testing.assert_array_equal(got[2], later.close_other_sensitivity(a, 0.55, 0.3, 0.15, e))
    np.testing.assert_array_equal(got[3], relief.compulsive(a, b, state, 0.6, 0.5))
    np.testing.assert_allclose(got[4], infancy.strategy_targets(a, b, c, 23.98, 0.157, 12.0, 0.276, 0.25)[1],
                               rtol=1e-14)
    assert got[3].any() and not got[3].all()  # the criterion separates people (both outcomes occur)


def test_m9_laws_read_parameters_by_name_from_the_schema_or_the_kernel_record():
    from attachsim.adulthood._runner import m9_params

    p = PartnerParams()
    record = m9_params(p)
    x = np.array([3.0, 1.0, 0.4, 0.2, 0.1])
    assert relationships.responsiveness(*x, p) == relationships.responsiveness(*x, record)
    assert relationships.seek_chance(0.01, 0.3, 0.6, p) == relationships.seek_chance(0.01, 0.3, 0.6, record)


def test_codes_are_enums_in_code_order():
    assert CATEGORIES == ("A", "B", "C", "D") and [int(c) for c in SSPCategory] == [0, 1, 2, 3]
    assert INSECURE_CODES == (SSPCategory.A, SSPCategory.C, SSPCategory.D)
    assert AAI_CLASSES == ("F", "Ds", "E") and AAIClass.E == 2
    assert STYLES == ("secure", "preoccupied", "dismissing", "fearful") and AdultStyle.FEARFUL == 3
    assert relief.ABSTINENT == relief.UseState.ABSTINENT == 2 and relief.NOT_ABSTINENT == 0


def test_time_constants_come_from_the_timeline():
    assert timeline.INFANCY_END_W == timeline.weeks(years=2) == 104
    assert timeline.ADULT_W == timeline.weeks(years=18) == 939
    assert timeline.STAGES[1][1] == 2 * timeline.WEEKS_PER_YEAR
    allowed = {SRC / "core" / "timeline.py"}
    offenders = [str(f.relative_to(SRC)) for f in SRC.rglob("*.py")
                 if f not in allowed and ("52.1775" in f.read_text() or "WEEKS_PER_YEAR =" in f.read_text())]
    assert offenders == []
