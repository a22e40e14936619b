"""Sample-quality metrics for 2D GANs: arrays in, numbers out (numpy only).

Mode protocol of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018): a sample is
high quality (HQ) if it lies within 3 std of its nearest mode centre; a mode is captured if it is
the nearest mode of at least one HQ sample; reverse KL compares the HQ samples' mode histogram
with the uniform one. For any data: a grid Jensen-Shannon divergence between two normalised 2D
histograms and a sliced Wasserstein-1 distance.

The verdict keeps those published metrics as they are and judges with two more things: balance
(a mode counts as *covered* only when it holds a fair share of the HQ samples, so one sample out
of 2500 captures a mode but does not cover it) and time (a label changes only when the new
condition has held for HOLD evaluations in a row, one more to leave mode collapse).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .records import Verdict

N_EVAL_SAMPLES = 2500
HQ_STDS = 3.0
FAIR_SHARE = 0.25  # a mode is covered when it holds >= 1/4 of its fair share, n_hq / n_modes
N_NEAREST = 512  # real points the distance of fakes to the data is measured against
_BLOCK = 256  # fakes per block in fake_distance


def mode_counts(samples: np.ndarray, centers: np.ndarray, std: float) -> np.ndarray:
    """(n_modes,) number of HQ samples whose nearest centre is each mode."""
    d2 = _squared_distances(samples, centers)  # (n, modes)
    nearest = d2.argmin(1)
    hq = d2[np.arange(len(samples)), nearest] <= (HQ_STDS * std) ** 2
    return np.bincount(nearest[hq], minlength=len(centers))


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) squared distances of 2D points, dx² + dy²: the same numbers as summing
    a (n, m, 2) difference array over its last axis, several times faster (no strided sum)."""
    return (a[:, 0, None] - b[None, :, 0]) ** 2 + (a[:, 1, None] - b[None, :, 1]) ** 2


def mode_metrics(samples: np.ndarray, centers: np.ndarray, std: float) -> dict:
    """modes_captured, n_modes, high_quality (fraction), reverse_kl (NaN when no sample is HQ)."""
    counts = mode_counts(samples, centers, std)
    finite = np.isfinite(samples).all(1)
    n_hq = int(counts.sum())
    if n_hq:
        p = counts[counts > 0] / n_hq
        reverse_kl = float((p * np.log(p * len(centers))).sum())  # KL(p_hq || uniform)
    else:
        reverse_kl = math.nan
    return {
        "modes_captured": int((counts > 0).sum()),
        "n_modes": len(centers),
        "high_quality": n_hq / len(samples) if finite.any() else 0.0,
        "reverse_kl": reverse_kl,
    }


def _histogram(points: np.ndarray, bounds, bins: int) -> np.ndarray:
    x0, x1, y0, y1 = bounds
    # points outside the box count in its edge cells, so every histogram sums to one
    # (GAN Lab drops them, and its real histogram sums to about 0.34)
    p = points[np.isfinite(points).all(1)]
    px = np.clip(p[:, 0], x0, x1 - 1e-9 * (x1 - x0))
    py = np.clip(p[:, 1], y0, y1 - 1e-9 * (y1 - y0))
    h, _, _ = np.histogram2d(px, py, bins=bins, range=[[x0, x1], [y0, y1]])
    return h / max(h.sum(), 1)


def js_grid(a: np.ndarray, b: np.ndarray, bounds, bins: int = 40) -> float:
    """Jensen-Shannon divergence (nats, in [0, log 2]) between the normalised 2D histograms of
    two sample sets on a bins x bins grid over `bounds`."""
    p, q = _histogram(a, bounds, bins), _histogram(b, bounds, bins)
    m = (p + q) / 2

    def kl(u, v):
        nz = u > 0
        return float((u[nz] * np.log(u[nz] / v[nz])).sum())

    return max(0.0, 0.5 * kl(p, m) + 0.5 * kl(q, m))


# sliced W1's fixed random directions (comparable runs) and the quantile levels it compares at
_ANGLES = np.random.default_rng(0).uniform(0, np.pi, 128)
_DIRS = np.stack([np.cos(_ANGLES), np.sin(_ANGLES)], 1)
_LEVELS = (np.arange(256) + 0.5) / 256


class Reference:
    """Real evaluation points and what every evaluation against them reuses: their projections'
    quantiles (sliced W1) and their spread, each computed on first use. A run evaluates against
    the same points every time, so it builds one per member (engine/observer.py): half the
    sorting of an evaluation."""

    def __init__(self, points: np.ndarray):
        self.points = points

    @functools.cached_property
    def quantiles(self) -> np.ndarray | None:
        finite = self.points[np.isfinite(self.points).all(1)]
        return _quantiles(finite, _DIRS, _LEVELS) if len(finite) else None

    @functools.cached_property
    def spread(self) -> float:
        return spread(self.points)


def _reference(reference: np.ndarray | Reference) -> Reference:
    return reference if isinstance(reference, Reference) else Reference(reference)


def sliced_wasserstein(a: np.ndarray, b: np.ndarray | Reference) -> float:
    """Sliced Wasserstein-1: the mean over 128 fixed random directions of the 1D W1 distance
    between the projected samples (compared at common quantiles, so sizes may differ)."""
    a, ref = a[np.isfinite(a).all(1)], _reference(b)
    if not len(a) or ref.quantiles is None:
        return math.nan
    return float(np.abs(_quantiles(a, _DIRS, _LEVELS) - ref.quantiles).mean())


def _quantiles(points: np.ndarray, dirs: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """(directions, levels) quantiles of the projections, as np.quantile's default ('linear')
    method gives them, from one sort along contiguous rows: np.quantile partitions once per
    level and took most of an evaluation's time."""
    s = np.sort(dirs @ points.T, axis=1)  # (directions, n)
    pos = levels * (s.shape[1] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, s.shape[1] - 1)
    return s[:, lo] + (s[:, hi] - s[:, lo]) * (pos - lo)


def modes_covered(counts: np.ndarray) -> int:
    """Modes holding at least FAIR_SHARE of their fair share of the HQ samples."""
    n_hq = counts.sum()
    return int((counts >= max(FAIR_SHARE * n_hq / len(counts), 1)).sum()) if n_hq else 0


def spread(reference: np.ndarray) -> float:
    """The data's scale: root mean squared distance of real points from their mean."""
    return float(np.sqrt(((reference - reference.mean(0)) ** 2).sum(1).mean()))


def fake_distance(samples: np.ndarray, reference: np.ndarray | Reference) -> float:
    """Median distance of the fakes to their nearest real point, in units of the data's spread
    (about 0 on the data; about 1 for fakes at the ring's centre)."""
    finite = samples[np.isfinite(samples).all(1)]
    if not len(finite):
        return math.nan
    ref = _reference(reference)
    real = ref.points[:N_NEAREST]
    # in blocks of fakes: the same numbers as one (fakes, N_NEAREST) array, which does not fit
    # in the CPU's cache and took 3 times as long
    d2 = np.concatenate([_squared_distances(finite[i : i + _BLOCK], real).min(1)
                         for i in range(0, len(finite), _BLOCK)])
    return float(np.sqrt(np.median(d2)) / ref.spread)


def movement(samples: np.ndarray, before: np.ndarray, reference: np.ndarray | Reference) -> float:
    """Mean distance each fake (same latent z) moved since `before`, in units of the spread."""
    return float(np.linalg.norm(samples - before, axis=1).mean() / _reference(reference).spread)


def evaluate(samples: np.ndarray, reference: np.ndarray | Reference, bounds, centers,
             std) -> dict:
    """All metrics of one generated sample set against real reference samples."""
    ref = _reference(reference)
    out = {}
    if centers is not None:
        out.update(mode_metrics(samples, centers, std))
        out["modes_covered"] = modes_covered(mode_counts(samples, centers, std))
    out["js_grid"] = js_grid(samples, ref.points, bounds)
    out["sliced_w"] = sliced_wasserstein(samples, ref)
    out["fake_distance"] = fake_distance(samples, ref)
    return out


# -- verdict ------------------------------------------------------------------------------------
# Each evaluation gets a raw label from the rules below (README, "How the verdict is decided");
# the verdict shown is the raw label once it has held HOLD evaluations in a row.
HOLD = 3  # evaluations in a row a new label must hold before the verdict changes
WINDOW = 4  # evaluations a plateau or an oscillation is judged over
# ... except from mode collapse back to training, which takes WINDOW in a row: one mode gained
# after a plateau lifts the count above the one WINDOW - 1 evaluations before for exactly
# WINDOW - 1 evaluations, and with HOLD = WINDOW - 1 that alone flipped the verdict back and forth.
# The 25-Gaussian grid without R1 gains a mode every thousand steps or so while it stays
# collapsed: over 10,000 steps its verdict changed 2-8 times per seed (32 for seeds 0-7), 8 times
# with this rule, each time when a second mode followed within WINDOW - 1 evaluations (growth).
HOLD_AFTER_COLLAPSE = WINDOW
HQ_CONVERGED = 0.5  # fraction of samples within 3 std of a mode
HQ_JUDGED = 0.25  # below it most samples lie between modes: too blurry to call the mode pattern
JS_CONVERGED = 0.1  # grid JS (nats) below which data without modes counts as matched
FAR = 0.25  # fakes are far from the data: median nearest-real distance > FAR spreads
STILL = 0.01  # fakes are not moving: < STILL spreads per 100 steps
GRAD_VANISHED = 1e-3  # |grad G| median below this: the generator gets (almost) no signal
LABELS = ("converged", "mode_collapse", "oscillating", "stalled", "diverged", "training")


def _covered_sets(mode_counts: np.ndarray) -> np.ndarray:
    """(evaluations, n_modes) bool: which modes hold a fair share at each evaluation."""
    n_hq = mode_counts.sum(1, keepdims=True)
    bar = np.maximum(FAIR_SHARE * n_hq / mode_counts.shape[1], 1)
    return (mode_counts >= bar) & (n_hq > 0)


def _stalled(evals: dict, i: int) -> bool:
    if i == 0:
        return False
    per_100 = evals["movement"][i] * 100 / max(evals["step"][i] - evals["step"][i - 1], 1)
    # NaN compares False: without a measurement there is no evidence of a stall
    return bool(evals["fake_distance"][i] > FAR and per_100 < STILL
                and evals["grad_g_median"][i] < GRAD_VANISHED)


def raw_labels(evals: dict, mode_counts: np.ndarray, n_modes: int) -> list[str]:
    """The label each evaluation's own condition gives, before hysteresis."""
    out = []
    covered = _covered_sets(mode_counts) if n_modes else None
    for i in range(len(evals["step"])):
        if _stalled(evals, i):
            out.append("stalled")
        elif not n_modes:
            out.append("converged" if evals["js_grid"][i] < JS_CONVERGED else "training")
        elif covered[i].all() and evals["high_quality"][i] >= HQ_CONVERGED:
            out.append("converged")
        elif i + 1 < WINDOW or evals["high_quality"][i] < HQ_JUDGED:
            out.append("training")
        else:
            sets = covered[i + 1 - WINDOW : i + 1]
            union = int(sets.any(0).sum())
            dropped = union - int(covered[i].sum())  # covered earlier in the window, not now
            if dropped >= max(2, math.ceil(union / 4)):
                out.append("oscillating")
            elif covered[i].sum() <= sets[0].sum() and not covered[i].all():
                out.append("mode_collapse")  # a plateau below every mode
            else:
                out.append("training")
    return out


def hold(label: str, new: str) -> int:
    """Raw labels in a row that must read `new` before the verdict changes from `label`."""
    return HOLD_AFTER_COLLAPSE if (label, new) == ("mode_collapse", "training") else HOLD


def trace(evals: dict, mode_counts: np.ndarray, n_modes: int) -> tuple[list[str], list[int]]:
    """The verdict label after every evaluation, and the index where each label's run began:
    a label changes only when `hold` raw labels in a row agree on a new one."""
    return _trace(raw_labels(evals, mode_counts, n_modes))


def _trace(raw: list[str]) -> tuple[list[str], list[int]]:
    labels, starts = [], []
    label, start = "training", 0
    for i, r in enumerate(raw):
        h = hold(label, r)
        if r != label and i + 1 >= h and all(x == r for x in raw[i + 1 - h : i + 1]):
            label, start = r, i + 1 - h
        labels.append(label)
        starts.append(start)
    return labels, starts


def verdict(evals: dict, mode_counts: np.ndarray, n_modes: int, diverged_at: int | None) -> Verdict:
    """The run's label and a one-line reason, a deterministic function of its metric history
    (`evals`: dict of arrays as in History.evals; `mode_counts`: (evaluations, n_modes))."""
    if diverged_at is not None:
        return Verdict("diverged", f"losses became non-finite at step {diverged_at}; "
                       "training stopped", diverged_at)
    n = len(evals["step"])
    if n < HOLD:
        return Verdict("training", f"too early to judge: a verdict needs {HOLD} evaluations, "
                       f"{n} so far")
    raws = raw_labels(evals, mode_counts, n_modes)  # most of a verdict's time: once only
    labels, starts = _trace(raws)
    label, since, raw = labels[-1], int(evals["step"][starts[-1]]), raws[-1]
    now = _numbers(evals, mode_counts, n_modes, n - 1)
    why = _why(label, evals, mode_counts, n_modes, n - 1, since, raw == label)
    reason = f"{now}; {why}" if why else now
    if raw != label:
        reason += (f" (the latest evaluation alone reads {raw.replace('_', ' ')}; a verdict "
                   f"changes after {hold(label, raw)} in a row)")
    return Verdict(label, reason, since)


def _numbers(evals, mode_counts, n_modes, i) -> str:
    if n_modes:
        captured = int(evals["modes_captured"][i])
        covered = int(_covered_sets(mode_counts)[i].sum())
        text = f"{captured}/{n_modes} modes captured"
        if covered != captured:
            text += f", {covered} with a fair share of the samples"
        return text + f", {evals['high_quality'][i]:.0%} high quality"
    return f"grid JS {evals['js_grid'][i]:.3f} (0 = same histogram, log 2 = disjoint)"


def _why(label, evals, mode_counts, n_modes, i, since, holds) -> str:
    """Why the label; in the past tense when the latest evaluation alone says otherwise, so the
    reason never contradicts the numbers beside it."""
    steps = evals["step"]
    if label == "converged":
        rule = (f"every mode held a fair share with at least {HQ_CONVERGED:.0%} of samples high "
                "quality" if n_modes else f"grid JS stayed below {JS_CONVERGED}")
        return f"{rule} from step {since} on" if holds else f"{rule} from step {since}"
    if label == "stalled" and not holds:
        return (f"from step {since} the fakes sat far from the data and stopped moving, with "
                "G's gradient vanished")
    if label == "stalled":
        per_100 = evals["movement"][i] * 100 / max(steps[i] - steps[i - 1], 1)
        return (f"the fakes sit far from the data (median {evals['fake_distance'][i]:.2f} of its "
                f"spread away) and barely move ({per_100:.2g} spreads per 100 steps): D is so "
                f"sure they are fake that G's gradient has vanished (|grad G| "
                f"{evals['grad_g_median'][i]:.0e}); since step {since}")
    if label in ("mode_collapse", "oscillating"):
        sets = _covered_sets(mode_counts)
        lo = max(0, i + 1 - WINDOW)
        span = f"steps {int(steps[lo])}-{int(steps[i])}"
        if label == "oscillating":
            return (f"the samples move between modes: {int(sets[lo:i + 1].any(0).sum())} "
                    f"covered at some point over {span}, {int(sets[i].sum())} now")
        return f"no new mode over {span}; mode collapse since step {since}"
    if n_modes:
        covered = int(_covered_sets(mode_counts)[i].sum())
        if not covered:
            return "no mode holds a fair share of the samples yet"
        if evals["high_quality"][i] < HQ_JUDGED:
            return (f"fewer than {HQ_JUDGED:.0%} of samples are near a mode: too early to say "
                    "which modes it keeps")
        if covered == n_modes:
            if evals["high_quality"][i] < HQ_CONVERGED:
                return (f"every mode is covered but fewer than {HQ_CONVERGED:.0%} of samples are "
                        "sharp")
            # converged by this evaluation alone, not yet for long enough
            return f"every mode is covered and at least {HQ_CONVERGED:.0%} of samples are sharp"
        return "coverage is still changing"
    if evals["js_grid"][i] < JS_CONVERGED:  # below by this evaluation alone
        return f"below {JS_CONVERGED}"
    return f"not yet below {JS_CONVERGED}"
