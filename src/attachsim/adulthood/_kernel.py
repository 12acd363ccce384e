"""M8 relief-seeking as one fused Numba kernel over people, run after the development step."""

from __future__ import annotations

import numba as nb
import numpy as np

from ..core.rng import person_key_nb, uniform_nb

REGULATORS = ("alcohol", "drugs", "food", "sex", "love")
SCALARS = (
    "start_age", "need_regulation", "use_gain", "habit_weight", "rebound_weight", "relief",
    "habit_rate", "habit_decay", "tolerance_rate", "tolerance_decay", "rebound", "criterion_habit", "criterion_use",
    "quit_per_year", "relapse_per_week", "relapse_stress", "relapse_cue", "relapse_regulation",
)
PER_TYPE_F = ("habit_{}", "tolerance_{}", "recent_use_{}", "compulsive_{}_onset_age")
PER_TYPE_I = ("use_state_{}", "compulsive_{}_ever", "relapses_{}")
SHARED_F = ("arousal", "regulation")
SHARED_I = ("birth_step", "sex")
WEEKS_PER_YEAR = 52.1775
RECENT = 1.0 / 8.0


@nb.njit(cache=True, inline="always")
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True, parallel=True)
def relief_step(F, I, rs, rt_f, rt_i, sc, thresholds, access, skey, step, n):  # type: ignore[no-untyped-def]
    """One week of relief-seeking for everyone past the start age.

    ``rs`` holds the rows of arousal, regulation, birth_step and sex; ``rt_f`` (4, 5) and
    ``rt_i`` (3, 5) the rows of the per-regulator states; ``thresholds`` (2, 5) the drive
    at which use is half-likely, by sex (0 male, 1 female) and regulator; ``access`` (5,) the scenario's access.
    """
    AR, REG, BIRTH, SEX = rs[0], rs[1], rs[2], rs[3]
    start_w = sc[0] * WEEKS_PER_YEAR
    need_reg, gain, h_w, rb_w, relief = sc[1], sc[2], sc[3], sc[4], sc[5]
    h_rate, h_decay, t_rate, t_decay, rebound, crit_h, crit_u = sc[6], sc[7], sc[8], sc[9], sc[10], sc[11], sc[12]
    quit_w = 1.0 - (1.0 - sc[13]) ** (1.0 / WEEKS_PER_YEAR)
    rel_base, rel_stress, rel_cue, rel_reg = sc[14], sc[15], sc[16], sc[17]
    for i in nb.prange(n):
        age = step - I[BIRTH, i]
        if age < start_w:
            continue
        pk = person_key_nb(skey, i)
        arousal = float(F[AR, i])
        reg = float(F[REG, i])
        sex = I[SEX, i]
        for t in range(5):
            HAB, TOL, REC, ONS = rt_f[0, t], rt_f[1, t], rt_f[2, t], rt_f[3, t]
            STATE, EVER, RELAPSE = rt_i[0, t], rt_i[1, t], rt_i[2, t]
            habit = float(F[HAB, i])
            tol = float(F[TOL, i])
            recent = float(F[REC, i])
            u_use = uniform_nb(pk, 3 * t)
            u_event = uniform_nb(pk, 3 * t + 1)
            u_quit = uniform_nb(pk, 3 * t + 2)
            used = False
            if I[STATE, i] == 2:
                p_relapse = rel_base * (1.0 + rel_stress * arousal + rel_cue * habit) * (1.0 - rel_reg * reg)
                if u_event < p_relapse:
                    I[STATE, i] = 0
                    I[RELAPSE, i] += 1
                    used = True
            else:
                need = max(0.0, arousal - need_reg * reg)
                drive = need + rb_w * tol + h_w * habit
                p_use = access[t] * _sigmoid(gain * (drive - thresholds[sex, t]))
                used = u_use < p_use
            if used:
                arousal = arousal * (1.0 - relief)
                habit = habit + h_rate * (1.0 - habit)
                tol = tol + t_rate * (1.0 - tol)
                recent = recent + RECENT * (1.0 - recent)
            else:
                habit = habit * (1.0 - h_decay)
                arousal = arousal + rebound * tol
                tol = tol * (1.0 - t_decay)
                recent = recent * (1.0 - RECENT)
            compulsive = habit >= crit_h and recent >= crit_u and I[STATE, i] != 2
            if compulsive and I[EVER, i] == 0:
                I[EVER, i] = 1
                F[ONS, i] = age / WEEKS_PER_YEAR
            if compulsive and u_quit < quit_w * (0.5 + reg):
                I[STATE, i] = 2
                recent = 0.0
            F[HAB, i] = habit
            F[TOL, i] = tol
            F[REC, i] = recent
        F[AR, i] = arousal
