"""Plain NumPy reference of the M8 relief-seeking step: the same laws (:mod:`.relief`) and draws as the kernel.

The control flow is written here a second time on purpose (masks for branches, every draw taken for
everyone), which is what makes it an independent check of the kernel's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..core.rng import person_key_np, uniform_np
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, weekly_chance
from . import relief
from ._kernel import (
    T_EVER,
    T_HABIT,
    T_LAST_W,
    T_LIABILITY,
    T_ONSET_AGE,
    T_RECENT_USE,
    T_RELAPSES,
    T_TOLERANCE,
    T_USE_STATE,
)
from .relationships import stress_next


def relief_step_np(F: npt.NDArray[np.float32], I: npt.NDArray[np.int32], B: npt.NDArray[np.int8], rs: Any,
                   rt_f: npt.NDArray[np.int64], rt_i: npt.NDArray[np.int64], rt_b: npt.NDArray[np.int64], p: Any,
                   thresholds: npt.NDArray[np.float64], weights: npt.NDArray[np.float64],
                   access: npt.NDArray[np.float64], skey: np.uint64, step: int, n: int) -> None:
    """One week of relief-seeking for everyone past the start age."""
    age_all = step - I[rs.birth_step, :n].astype(np.int64)
    idx = np.nonzero(age_all >= p.start_age * WEEKS_PER_YEAR)[0]
    if idx.size == 0:
        return
    age = age_all[idx]
    pk = person_key_np(skey, idx)
    arousal = F[rs.arousal, idx].astype(np.float64)
    reg = F[rs.regulation, idx].astype(np.float64)
    hyper = F[rs.hyperactivation, idx].astype(np.float64)
    deact = F[rs.deactivation, idx].astype(np.float64)
    peer = F[rs.peer_risk, idx].astype(np.float64)
    single = relief.single(age, I[rs.partner, idx])
    sex = B[rs.sex, idx]
    quit_w = weekly_chance(p.quit_per_year)
    # adult life events (draw 15) and the arousal they make felt, less what a partner buffers
    event = ((age >= ADULT_W) & (uniform_np(pk, 15) < weekly_chance(p.life_events_per_year))).astype(np.float64)
    stress = stress_next(F[rs.life_stress, idx].astype(np.float64), 1.0 - 1.0 / p.life_event_weeks, event)
    partnered = (I[rs.partner, idx] >= 0).astype(np.float64)
    answered = F[rs.partner_responsiveness, idx].astype(np.float64)
    felt = relief.felt_arousal(arousal, stress, p.life_event_arousal, answered, partnered, p.partner_buffering)
    for t in range(5):
        hab_r, tol_r, rec_r, ons_r, liab_r = (rt_f[T_HABIT, t], rt_f[T_TOLERANCE, t], rt_f[T_RECENT_USE, t],
                                              rt_f[T_ONSET_AGE, t], rt_f[T_LIABILITY, t])
        rel_r, last_r = rt_i[T_RELAPSES, t], rt_i[T_LAST_W, t]
        state_r, ever_r = rt_b[T_USE_STATE, t], rt_b[T_EVER, t]
        habit = F[hab_r, idx].astype(np.float64)
        tol = F[tol_r, idx].astype(np.float64)
        recent = F[rec_r, idx].astype(np.float64)
        state = B[state_r, idx].astype(np.int64)
        u_use, u_lapse, u_quit = (uniform_np(pk, 3 * t + j) for j in range(3))
        pl = relief.pull(hyper, deact, single, F[liab_r, idx].astype(np.float64), peer,
                         *(weights[w, t] for w in (relief.W_HYPER, relief.W_DEACT, relief.W_SINGLE, relief.W_GENE,
                                                   relief.W_PEER)))
        d = relief.drive(felt, p.need_regulation, reg, p.rebound_weight, tol, p.habit_weight, habit,
                         p.craving_regulation, pl)
        abstinent = state == relief.ABSTINENT
        has = access[t] > 0.0
        reach = relief.supervised_access(access[t], age.astype(np.float64), p.start_age * WEEKS_PER_YEAR,
                                         p.autonomy_age * WEEKS_PER_YEAR)
        lapse = has & abstinent & (u_lapse < relief.use_chance(reach, habit, p.use_gain, d, thresholds[sex, t]
                                                               + p.resolve))
        used = np.where(abstinent, lapse, has & (u_use < relief.use_chance(reach, habit, p.use_gain, d,
                                                                           thresholds[sex, t])))
        state = np.where(lapse, relief.NOT_ABSTINENT, state)
        I[rel_r, idx[lapse]] += 1
        on = relief.after_use(arousal, habit, tol, recent, p.relief, p.habit_rate, p.tolerance_rate)
        off = relief.after_no_use(arousal, habit, tol, recent, p.rebound, p.habit_decay, p.tolerance_decay)
        arousal, habit, tol, recent = (np.where(used, a, b) for a, b in zip(on, off, strict=True))
        now = relief.compulsive(habit, recent, state, p.criterion_habit, p.criterion_use)
        first = now & (B[ever_r, idx] == 0)
        B[ever_r, idx[first]] = 1
        F[ons_r, idx[first]] = (age[first] / WEEKS_PER_YEAR).astype(np.float32)
        I[last_r, idx] = relief.last_met(I[last_r, idx].astype(np.int64), age, now.astype(np.int64)).astype(np.int32)
        quit = now & (u_quit < relief.quit_chance(quit_w, reg))
        state = np.where(quit, relief.ABSTINENT, state)
        recent = np.where(quit, 0.0, recent)
        B[state_r, idx] = state
        F[hab_r, idx] = habit
        F[tol_r, idx] = tol
        F[rec_r, idx] = recent
    F[rs.arousal, idx] = arousal
    F[rs.life_stress, idx] = stress
