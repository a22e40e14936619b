"""Sample-quality metrics for 2D GANs: arrays in, numbers out (numpy only).

Mode protocol of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018): a sample is
high quality (HQ) if it lies within 3 std of its nearest mode centre; a mode is captured if it is
the nearest mode of at least one HQ sample; reverse KL compares the HQ samples' mode histogram
with the uniform one. For any data: a grid Jensen-Shannon divergence between two normalised 2D
histograms and a sliced Wasserstein-1 distance.
"""

from __future__ import annotations

import math

import numpy as np

from .records import Verdict

N_EVAL_SAMPLES = 2500
HQ_STDS = 3.0


def mode_counts(samples: np.ndarray, centers: np.ndarray, std: float) -> np.ndarray:
    """(n_modes,) number of HQ samples whose nearest centre is each mode."""
    d2 = ((samples[:, None, :] - centers[None, :, :]) ** 2).sum(-1)  # (n, modes)
    nearest = d2.argmin(1)
    hq = d2[np.arange(len(samples)), nearest] <= (HQ_STDS * std) ** 2
    return np.bincount(nearest[hq], minlength=len(centers))


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


def sliced_wasserstein(a: np.ndarray, b: np.ndarray, n_projections: int = 128) -> float:
    """Sliced Wasserstein-1: the mean over fixed random directions of the 1D W1 distance
    between the projected samples (compared at common quantiles, so sizes may differ)."""
    a, b = a[np.isfinite(a).all(1)], b[np.isfinite(b).all(1)]
    if not len(a) or not len(b):
        return math.nan
    angles = np.random.default_rng(0).uniform(0, np.pi, n_projections)  # fixed: comparable runs
    dirs = np.stack([np.cos(angles), np.sin(angles)], 1)
    levels = (np.arange(256) + 0.5) / 256
    qa = np.quantile(a @ dirs.T, levels, axis=0)
    qb = np.quantile(b @ dirs.T, levels, axis=0)
    return float(np.abs(qa - qb).mean())


def evaluate(samples: np.ndarray, reference: np.ndarray, bounds, centers, std) -> dict:
    """All metrics of one generated sample set against real reference samples."""
    out = {}
    if centers is not None:
        out.update(mode_metrics(samples, centers, std))
    out["js_grid"] = js_grid(samples, reference, bounds)
    out["sliced_w"] = sliced_wasserstein(samples, reference)
    return out


# -- verdict ------------------------------------------------------------------------------------
WINDOW = 4  # evaluations a verdict looks back over
HQ_CONVERGED = 0.5
JS_CONVERGED = 0.1


def verdict(evals: dict, mode_counts: np.ndarray, n_modes: int, diverged_at: int | None) -> Verdict:
    """converged / mode_collapse / oscillating / diverged / training, from the metric history
    (`evals`: dict of arrays as in History.evals; `mode_counts`: (evaluations, n_modes))."""
    if diverged_at is not None:
        reason = f"losses became non-finite at step {diverged_at}; training stopped"
        return Verdict("diverged", reason)
    n = len(evals["step"])
    if n < 2:
        return Verdict("training", "too early to judge: fewer than 2 evaluations so far")
    w = slice(max(0, n - WINDOW), n)
    steps = evals["step"][w]
    span = f"steps {int(steps[0])}-{int(steps[-1])}"
    if n_modes:
        captured = evals["modes_captured"][w]
        hq = evals["high_quality"][w]
        now = f"{int(captured[-1])}/{n_modes} modes, {hq[-1]:.0%} of samples high quality"
        if (captured == n_modes).all() and (hq >= HQ_CONVERGED).all():
            return Verdict("converged", f"{now}, stable over {span}")
        if captured.max() == 0:
            return Verdict("training", f"{now}: no sample near any mode yet")
        if n >= WINDOW and (captured < n_modes).all() and captured.max() <= captured[0]:
            sets = mode_counts[w] > 0
            dominant = mode_counts[w].argmax(1)
            switches = int((dominant[1:] != dominant[:-1]).sum())
            union = int(sets.any(0).sum())
            if switches >= 2 or union >= 1.5 * max(1.0, captured.mean()):
                return Verdict(
                    "oscillating",
                    f"{now}; the samples move between modes ({union} visited over {span})",
                )
            return Verdict("mode_collapse", f"{now}, no new mode over {span}")
        return Verdict("training", f"{now}; still changing")
    js = evals["js_grid"][w]
    now = f"grid JS divergence {js[-1]:.3f} (0 = same histogram, log 2 = disjoint)"
    if n >= WINDOW and (js < JS_CONVERGED).all():
        return Verdict("converged", f"{now}, below {JS_CONVERGED} over {span}")
    return Verdict("training", now)
