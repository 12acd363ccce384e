"""Plain NumPy reference of the M8 relief-seeking step (same rules and draws as the kernel)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..core.rng import person_key_np, uniform_np
from ._kernel import RECENT, WEEKS_PER_YEAR


def relief_step_np(F: npt.NDArray[np.float32], I: npt.NDArray[np.int32], B: npt.NDArray[np.int8],
                   rs: npt.NDArray[np.int64], rt_f: npt.NDArray[np.int64], rt_i: npt.NDArray[np.int64],
                   rt_b: npt.NDArray[np.int64], sc: npt.NDArray[np.float64],
                   thresholds: npt.NDArray[np.float64], access: npt.NDArray[np.float64], skey: np.uint64, step: int,
                   n: int) -> None:
    """One week of relief-seeking for everyone past the start age."""
    age_all = step - I[rs[2], :n].astype(np.int64)
    idx = np.nonzero(age_all >= sc[0] * WEEKS_PER_YEAR)[0]
    if idx.size == 0:
        return
    age = age_all[idx]
    pk = person_key_np(skey, idx)
    arousal = F[rs[0], idx].astype(np.float64)
    reg = F[rs[1], idx].astype(np.float64)
    sex = B[rs[3], idx]
    quit_w = 1.0 - (1.0 - sc[13]) ** (1.0 / WEEKS_PER_YEAR)
    for t in range(5):
        hab_r, tol_r, rec_r, ons_r = rt_f[:, t]
        (rel_r,) = rt_i[:, t]
        state_r, ever_r = rt_b[:, t]
        habit = F[hab_r, idx].astype(np.float64)
        tol = F[tol_r, idx].astype(np.float64)
        recent = F[rec_r, idx].astype(np.float64)
        state = B[state_r, idx].astype(np.int64)
        u_use, u_event, u_quit = (uniform_np(pk, 3 * t + j) for j in range(3))
        abstinent = state == 2
        p_relapse = sc[14] * (1.0 + sc[15] * arousal + sc[16] * habit) * (1.0 - sc[17] * reg)
        relapse = abstinent & (u_event < p_relapse)
        need = np.maximum(0.0, arousal - sc[1] * reg)
        drive = need + sc[4] * tol + sc[3] * habit
        p_use = access[t] * (1.0 / (1.0 + np.exp(-(sc[2] * (drive - thresholds[sex, t])))))
        used = np.where(abstinent, relapse, u_use < p_use)
        state = np.where(relapse, 0, state)
        I[rel_r, idx[relapse]] += 1
        arousal = np.where(used, arousal * (1.0 - sc[5]), arousal + sc[10] * tol)
        habit = np.where(used, habit + sc[6] * (1.0 - habit), habit * (1.0 - sc[7]))
        tol = np.where(used, tol + sc[8] * (1.0 - tol), tol * (1.0 - sc[9]))
        recent = np.where(used, recent + RECENT * (1.0 - recent), recent * (1.0 - RECENT))
        compulsive = (habit >= sc[11]) & (recent >= sc[12]) & (state != 2)
        first = compulsive & (B[ever_r, idx] == 0)
        B[ever_r, idx[first]] = 1
        F[ons_r, idx[first]] = (age[first] / WEEKS_PER_YEAR).astype(np.float32)
        quit = compulsive & (u_quit < quit_w * (0.5 + reg))
        state = np.where(quit, 2, state)
        recent = np.where(quit, 0.0, recent)
        B[state_r, idx] = state
        F[hab_r, idx] = habit
        F[tol_r, idx] = tol
        F[rec_r, idx] = recent
    F[rs[0], idx] = arousal
