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
PER_TYPE_I = ("relapses_{}",)
#: Per-regulator codes in the int8 matrix.
PER_TYPE_B = ("use_state_{}", "compulsive_{}_ever")
SHARED_F = ("arousal", "regulation")
SHARED_I = ("birth_step",)
SHARED_B = ("sex",)
WEEKS_PER_YEAR = 52.1775
RECENT = 1.0 / 8.0


@nb.njit(cache=True, inline="always")
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True, parallel=True)
def relief_step(F, I, B, rs, rt_f, rt_i, rt_b, sc, thresholds, access, skey, step, n):  # type: ignore[no-untyped-def]
    """One week of relief-seeking for everyone past the start age.

    ``rs`` holds the rows of arousal, regulation, birth_step and sex (in ``F``, ``F``, ``I`` and the int8
    matrix ``B``); ``rt_f`` (4, 5), ``rt_i`` (1, 5) and ``rt_b`` (2, 5) the rows of the per-regulator states;
    ``thresholds`` (2, 5) the drive at which use is half-likely, by sex (0 male, 1 female) and regulator;
    ``access`` (5,) the scenario's access.
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
        sex = B[SEX, i]
        for t in range(5):
            HAB, TOL, REC, ONS = rt_f[0, t], rt_f[1, t], rt_f[2, t], rt_f[3, t]
            STATE, EVER, RELAPSE = rt_b[0, t], rt_b[1, t], rt_i[0, t]
            habit = float(F[HAB, i])
            tol = float(F[TOL, i])
            recent = float(F[REC, i])
            # draws 3t (use), 3t + 1 (relapse) and 3t + 2 (quit) are taken only where they decide something
            used = False
            if B[STATE, i] == 2:
                p_relapse = rel_base * (1.0 + rel_stress * arousal + rel_cue * habit) * (1.0 - rel_reg * reg)
                if uniform_nb(pk, 3 * t + 1) < p_relapse:
                    B[STATE, i] = 0
                    I[RELAPSE, i] += 1
                    used = True
            else:
                need = max(0.0, arousal - need_reg * reg)
                drive = need + rb_w * tol + h_w * habit
                if access[t] > 0.0:
                    used = uniform_nb(pk, 3 * t) < access[t] * _sigmoid(gain * (drive - thresholds[sex, t]))
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
            compulsive = habit >= crit_h and recent >= crit_u and B[STATE, i] != 2
            if compulsive and B[EVER, i] == 0:
                B[EVER, i] = 1
                F[ONS, i] = age / WEEKS_PER_YEAR
            if compulsive and uniform_nb(pk, 3 * t + 2) < quit_w * (0.5 + reg):
                B[STATE, i] = 2
                recent = 0.0
            F[HAB, i] = habit
            F[TOL, i] = tol
            F[REC, i] = recent
        F[AR, i] = arousal


#: Relationship states the M9 kernel reads (float rows) and links and counters it reads or writes (int rows).
M9_F = ("hyperactivation", "deactivation", "conflict", "regulation", "others_a", "others_b", "arousal",
        "relationship_quality", "relationship_conflict", "single_weeks", "partner_responsiveness")
M9_I = ("birth_step", "partner", "breakups")
#: People per chunk of the seekers' pass: a fixed chunking (not one per thread) keeps the order of seekers, and
#: so the result, independent of the number of threads.
M9_CHUNK = 4096


# np.float64(x), not float(x): Numba's float() keeps a float32 a float32, and this kernel must do the
# NumPy reference's float64 arithmetic exactly.
@nb.njit(cache=True, inline="always")
def _responsiveness(F, HYP, DEA, CON, REG, OA, OB, j):  # type: ignore[no-untyped-def]
    m = np.float64(F[OA, j]) / (np.float64(F[OA, j]) + np.float64(F[OB, j]))
    x = 0.2 + 0.5 * np.float64(F[REG, j]) + 0.3 * m - 0.3 * np.float64(F[DEA, j]) - 0.2 * np.float64(F[CON, j])
    return min(max(x, 0.0), 1.0)


@nb.njit(cache=True, inline="always")
def _closeness(F, HYP, DEA, CON, oscillation, k_osc, j):  # type: ignore[no-untyped-def]
    swing = 2.0 * uniform_nb(person_key_nb(k_osc, j), 0) - 1.0
    x = 0.5 + 0.5 * np.float64(F[HYP, j]) - 0.6 * np.float64(F[DEA, j]) + oscillation * np.float64(F[CON, j]) * swing
    return min(max(x, 0.0), 1.0)


#: Columns of the couples' scratch buffer: one 64-byte row per person (one cache line: the runner aligns the
#: buffer), written in the first pass and read by the partner in the second, so that a couple costs one scattered
#: read instead of a dozen.
M9_BUF_R, M9_BUF_CLOSE, M9_BUF_CON, M9_BUF_AR, M9_BUF_Q, M9_BUF_C, M9_BUF_ADULT = 0, 1, 2, 3, 4, 5, 6
M9_BUF_WIDTH = 8


@nb.njit(cache=True, parallel=True)
def relationships_step(F, I, rf, ri, par, skeys, step, n, adult_w, seekers, chunk_counts, buf):  # type: ignore[no-untyped-def]
    """One week of M9 for every adult: couples update, some break up, singles count a week and some seek.

    ``par``: oscillation, 1 / memory_weeks, weekly break-up base hazard, breakup_conflict, breakup_quality,
    weekly seek chance, seek_anxiety, seek_avoidance. ``skeys``: stream-step keys of m9.oscillation,
    m9.breakup and m9.seek. Seekers are written chunk by chunk into ``seekers`` (chunk c from c * M9_CHUNK),
    their number per chunk into ``chunk_counts``; returns the number of single adults. ``buf`` is scratch,
    ``(capacity, M9_BUF_WIDTH)`` float64.
    Reads only last week's attachment states and writes only relationship states, so the order in which
    people are processed does not matter (the same arithmetic as the NumPy hook, person by person).

    A couple is updated when its lower id is an adult. Each partner updates their own states from the
    other's row of ``buf`` (filled in a first pass from last week's states); both take the couple's break-up
    decision from the lower id's draw and the lower id's updated quality and conflict, as the reference does.
    """
    HYP, DEA, CON, REG, OA, OB, AR = rf[0], rf[1], rf[2], rf[3], rf[4], rf[5], rf[6]
    QUAL, CONF, SINGLE, PRESP = rf[7], rf[8], rf[9], rf[10]
    BIRTH, PARTNER, BREAKUPS = ri[0], ri[1], ri[2]
    oscillation, rate, base, b_conf, b_qual, weekly, s_anx, s_avo = (
        par[0], par[1], par[2], par[3], par[4], par[5], par[6], par[7])
    k_osc, k_break, k_seek = skeys[0], skeys[1], skeys[2]
    # pass 1: what each partnered person shows the other this week (last week's states)
    for i in nb.prange(n):
        if I[PARTNER, i] < 0:
            continue
        buf[i, M9_BUF_R] = _responsiveness(F, HYP, DEA, CON, REG, OA, OB, i)
        buf[i, M9_BUF_CLOSE] = _closeness(F, HYP, DEA, CON, oscillation, k_osc, i)
        buf[i, M9_BUF_CON] = np.float64(F[CON, i])
        buf[i, M9_BUF_AR] = np.float64(F[AR, i])
        buf[i, M9_BUF_Q] = np.float64(F[QUAL, i])
        buf[i, M9_BUF_C] = np.float64(F[CONF, i])
        buf[i, M9_BUF_ADULT] = 1.0 if step - I[BIRTH, i] >= adult_w else 0.0
    # pass 2: each partner moves their own quality and conflict toward targets set by both partners' states;
    # the couple may break up
    for x in nb.prange(n):
        y = I[PARTNER, x]
        if y < 0:
            continue
        low = min(np.int64(x), np.int64(y))
        if buf[low, M9_BUF_ADULT] == 0.0:
            continue
        r_x, r_y = buf[x, M9_BUF_R], buf[y, M9_BUF_R]
        F[PRESP, x] = r_y
        # + and |.| are symmetric, so both partners get identical targets (as in the reference)
        mismatch = abs(buf[x, M9_BUF_CLOSE] - buf[y, M9_BUF_CLOSE])
        q_target = 0.5 * (r_x + r_y) * (1.0 - mismatch)
        c_target = min(max(mismatch + 0.25 * (buf[x, M9_BUF_CON] + buf[y, M9_BUF_CON])
                           + 0.15 * (buf[x, M9_BUF_AR] + buf[y, M9_BUF_AR]), 0.0), 1.0)
        q = buf[x, M9_BUF_Q]
        c = buf[x, M9_BUF_C]
        F[QUAL, x] = q + rate * (q_target - q)
        F[CONF, x] = c + rate * (c_target - c)
        # the lower id's quality and conflict after this update, as stored (float32)
        q_low = np.float64(np.float32(buf[low, M9_BUF_Q] + rate * (q_target - buf[low, M9_BUF_Q])))
        c_low = np.float64(np.float32(buf[low, M9_BUF_C] + rate * (c_target - buf[low, M9_BUF_C])))
        hazard = base * (1.0 + b_conf * c_low + b_qual * (1.0 - q_low))
        if uniform_nb(person_key_nb(k_break, low), 0) < hazard:
            I[PARTNER, x] = -1
            I[BREAKUPS, x] += 1
            F[QUAL, x] = np.nan
            F[CONF, x] = np.nan
    # singles (including this week's break-ups): a week single, and some look for a partner
    n_chunks = (n + M9_CHUNK - 1) // M9_CHUNK
    singles = np.zeros(n_chunks, dtype=np.int64)
    for c in nb.prange(n_chunks):
        found = 0
        count = 0
        for i in range(c * M9_CHUNK, min(n, (c + 1) * M9_CHUNK)):
            if I[PARTNER, i] >= 0 or step - I[BIRTH, i] < adult_w:
                continue
            count += 1
            F[SINGLE, i] += np.float32(1.0)
            chance = weekly * (1.0 + s_anx * np.float64(F[HYP, i])) * (1.0 - s_avo * np.float64(F[DEA, i]))
            if uniform_nb(person_key_nb(k_seek, i), 0) < chance:
                seekers[c * M9_CHUNK + found] = i
                found += 1
        chunk_counts[c] = found
        singles[c] = count
    return singles.sum()
