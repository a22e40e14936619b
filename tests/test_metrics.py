import math

import numpy as np

from playground import metrics
from playground.data import ring_centers
from playground.records import EVAL_FIELDS

RING = ring_centers(8, 2.0)
STD = 0.02
BOUNDS = (-3, 3, -3, 3)


def _perfect(n=2500, seed=0):
    rng = np.random.default_rng(seed)
    return RING[rng.integers(0, 8, n)] + STD * rng.standard_normal((n, 2))


def test_perfect_samples_capture_every_mode_with_high_quality():
    m = metrics.mode_metrics(_perfect(), RING, STD)
    assert m["modes_captured"] == 8 and m["n_modes"] == 8
    assert m["high_quality"] > 0.98
    assert m["reverse_kl"] < 0.01


def test_samples_at_one_centre_capture_one_mode():
    m = metrics.mode_metrics(np.repeat(RING[3:4], 2500, 0), RING, STD)
    assert m["modes_captured"] == 1
    assert m["high_quality"] == 1.0
    assert math.isclose(m["reverse_kl"], math.log(8))  # one mode out of 8


def test_samples_far_from_every_centre_are_not_high_quality():
    m = metrics.mode_metrics(np.zeros((2500, 2)), RING, STD)  # the ring's centre
    assert m["high_quality"] == 0.0 and m["modes_captured"] == 0
    assert math.isnan(m["reverse_kl"])


def test_grid_js_is_zero_for_identical_sets_and_log2_for_disjoint():
    a = _perfect()
    assert metrics.js_grid(a, a, BOUNDS) == 0.0
    far = np.full((2500, 2), -2.9)
    assert math.isclose(metrics.js_grid(a, far, BOUNDS), math.log(2), rel_tol=1e-9)


def test_grid_js_histograms_count_points_outside_the_box():
    inside = np.zeros((100, 2))
    outside = np.full((100, 2), 50.0)  # clipped into the corner cell, not dropped
    assert metrics.js_grid(inside, outside, BOUNDS) > 0.6


def test_sliced_wasserstein_is_zero_for_equal_sets_and_measures_a_shift():
    a = _perfect()
    assert metrics.sliced_wasserstein(a, a) < 1e-12
    shifted = metrics.sliced_wasserstein(a, a + np.array([1.0, 0.0]))
    assert 0.5 < shifted < 1.0  # mean |cos| over directions = 2 / pi


def test_sliced_wasserstein_is_the_mean_gap_of_np_quantiles_over_the_fixed_directions():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2500, 2)), rng.normal(size=(1000, 2)) * 1.5
    angles = np.random.default_rng(0).uniform(0, np.pi, 128)
    dirs = np.stack([np.cos(angles), np.sin(angles)], 1)
    levels = (np.arange(256) + 0.5) / 256
    reference = np.abs(np.quantile(a @ dirs.T, levels, axis=0)
                       - np.quantile(b @ dirs.T, levels, axis=0)).mean()
    assert abs(metrics.sliced_wasserstein(a, b) - reference) < 1e-12


def test_distances_to_modes_and_to_the_data_are_those_of_the_plain_formula():
    rng = np.random.default_rng(4)
    samples, real = rng.normal(size=(300, 2)) * 2, rng.normal(size=(600, 2)) * 2
    d2 = ((samples[:, None, :] - RING[None]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    hq = d2[np.arange(300), nearest] <= (metrics.HQ_STDS * 0.5) ** 2
    expected = np.bincount(nearest[hq], minlength=8)
    np.testing.assert_array_equal(metrics.mode_counts(samples, RING, 0.5), expected)
    nearest_real = ((samples[:, None, :] - real[None, :512]) ** 2).sum(-1).min(1)
    spread = np.sqrt(((real - real.mean(0)) ** 2).sum(1).mean())
    assert metrics.fake_distance(samples, real) == np.sqrt(np.median(nearest_real)) / spread


def test_a_reference_built_once_gives_each_evaluation_the_numbers_of_the_raw_points():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(2500, 2))
    ref = metrics.Reference(real)  # reused by every evaluation of a run
    for scale in (0.5, 1.0, 3.0):
        samples = rng.normal(size=(2500, 2)) * scale
        samples[:7] = np.nan  # a diverging generator's rows are skipped the same way
        with_ref = metrics.evaluate(samples, ref, BOUNDS, RING, 0.5)
        direct = metrics.evaluate(samples, real, BOUNDS, RING, 0.5)
        assert with_ref == direct
        before = samples[7:] + rng.normal(size=(2493, 2)) * 0.1
        moved = metrics.movement(samples[7:], before, ref)
        assert moved > 0 and moved == metrics.movement(samples[7:], before, real)


def _history(counts, hq=0.9, *, distance=0.01, movement=0.05, grad=0.1, every=100):
    """Evaluation columns for constructed per-mode HQ counts (evaluations, n_modes)."""
    counts = np.asarray(counts, float)
    n = len(counts)
    col = lambda v: np.broadcast_to(np.asarray(v, float), (n,)).copy()  # noqa: E731
    evals = {
        "step": every * np.arange(1, n + 1, dtype=float),
        "modes_captured": (counts > 0).sum(1).astype(float),
        "high_quality": col(hq),
        "reverse_kl": np.zeros(n),
        "js_grid": np.zeros(n),
        "sliced_w": np.zeros(n),
        "modes_covered": np.zeros(n),
        "fake_distance": col(distance),
        "movement": col(movement),
        "grad_g_median": col(grad),
    }
    assert set(evals) == set(EVAL_FIELDS)
    return evals, counts


def _verdict(counts, hq=0.9, diverged_at=None, **kw):
    evals, counts = _history(counts, hq, **kw)
    return metrics.verdict(evals, counts, counts.shape[1], diverged_at)


def test_every_mode_with_a_fair_share_and_sharp_samples_is_converged():
    v = _verdict(np.full((6, 8), 280))
    assert v.label == "converged" and v.since == 100 and "8/8 modes captured" in v.reason


def test_one_dominant_mode_with_stragglers_is_mode_collapse_not_converged():
    counts = np.ones((7, 8))
    counts[:, 0] = 2493  # the published metric says 8/8 captured, reverse KL ~ log 8
    v = _verdict(counts, hq=1.0)
    assert v.label == "mode_collapse"
    assert "8/8 modes captured, 1 with a fair share" in v.reason


def test_uniform_noise_on_the_circle_plus_exact_points_is_not_converged():
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 2492)
    samples = np.concatenate([2 * np.stack([np.cos(angle), np.sin(angle)], 1), RING])
    m = metrics.mode_metrics(samples, RING, STD)
    assert m["modes_captured"] == 8 and m["high_quality"] < 0.2  # 8/8 by the published rule
    counts = np.repeat(metrics.mode_counts(samples, RING, STD)[None], 6, 0)
    assert _verdict(counts, hq=m["high_quality"]).label == "training"


def test_modes_visited_in_turn_are_oscillating():
    counts = np.zeros((8, 8))
    counts[np.arange(8), [0, 3, 5, 1, 6, 2, 4, 7]] = 300
    counts[np.arange(8), [1, 4, 6, 2, 7, 3, 5, 0]] = 300
    v = _verdict(counts)
    assert v.label == "oscillating" and "move between modes" in v.reason


def test_a_partial_plateau_on_the_grid_is_mode_collapse():
    counts = np.zeros((8, 25))
    counts[:, :20] = 100
    v = _verdict(counts, hq=0.8)
    assert v.label == "mode_collapse" and "20/25" in v.reason


def test_growing_coverage_is_training():
    counts = np.zeros((8, 8))
    for i in range(8):
        counts[i, : i + 1] = 300
    assert _verdict(counts).label == "training"


def _plateau_then(gains: list[int], n_modes: int = 25, start: int = 10) -> np.ndarray:
    """Mode counts of a run covering `start` modes for 8 evaluations, then `start + gains[i]`."""
    covered = [start] * 8 + [start + g for g in gains]
    counts = np.zeros((len(covered), n_modes))
    for i, c in enumerate(covered):
        counts[i, :c] = 100
    return counts


def test_one_mode_gained_after_a_collapse_does_not_flip_the_verdict():
    """The grid without R1 creeps up a mode at a time while it stays collapsed: one gain reads
    training for the 3 evaluations that compare with a count before it, and the verdict holds."""
    counts = _plateau_then([1] * 8)
    labels, _ = metrics.trace(*_history(counts, hq=0.8), 25)
    raw = metrics.raw_labels(*_history(counts, hq=0.8), 25)
    assert raw[8:11] == ["training"] * 3  # the gain alone reads training ...
    assert labels[7:] == ["mode_collapse"] * 9  # ... and the verdict does not follow it
    v = _verdict(counts[:10], hq=0.8)
    assert v.label == "mode_collapse" and "changes after 4 in a row" in v.reason


def test_modes_gained_one_after_another_end_a_collapse():
    counts = _plateau_then([1, 2, 3, 4, 5])
    labels, _ = metrics.trace(*_history(counts, hq=0.8), 25)
    assert labels[7] == "mode_collapse" and labels[-1] == "training"
    assert labels.index("training", 7) == 11  # after 4 evaluations in a row read training


def test_fakes_far_still_and_without_gradient_are_stalled():
    # the "Minimax stalls" signature: no sample near a mode, fakes at the ring's centre
    v = _verdict(np.zeros((6, 8)), hq=0.0, distance=0.95, movement=2e-4, grad=2e-4)
    assert v.label == "stalled" and "gradient has vanished" in v.reason
    assert "0/8 modes" in v.reason and "collapse" not in v.reason


def test_far_fakes_that_still_move_are_not_stalled():
    v = _verdict(np.zeros((6, 8)), hq=0.0, distance=0.95, movement=0.2, grad=2e-4)
    assert v.label == "training" and "no mode holds a fair share" in v.reason
    v = _verdict(np.zeros((6, 8)), hq=0.0, distance=0.95, movement=2e-4, grad=0.05)
    assert v.label == "training"


def test_data_without_modes_is_judged_by_grid_js_and_by_movement():
    evals, _ = _history(np.zeros((6, 0)))
    assert metrics.verdict(evals, np.empty((6, 0)), 0, None).label == "converged"
    evals["js_grid"][:] = 0.4
    assert metrics.verdict(evals, np.empty((6, 0)), 0, None).label == "training"
    evals, _ = _history(np.zeros((6, 0)), distance=0.8, movement=1e-4, grad=1e-5)
    evals["js_grid"][:] = 0.6
    assert metrics.verdict(evals, np.empty((6, 0)), 0, None).label == "stalled"


def test_diverged_is_immediate_and_names_the_step():
    v = _verdict(np.full((6, 8), 280), diverged_at=1234)
    assert v.label == "diverged" and "1234" in v.reason and v.since == 1234


def test_too_few_evaluations_are_training():
    assert _verdict(np.full((2, 8), 280)).label == "training"


def test_a_label_changes_only_after_it_holds_for_several_evaluations():
    full, seven = np.full(8, 280.0), np.r_[np.full(7, 280.0), 0]
    counts = np.array([full] * 4 + [seven] + [full] * 3)  # one evaluation drops a mode
    labels, _ = metrics.trace(*_history(counts), 8)
    assert labels == ["training"] * 2 + ["converged"] * 6
    v = _verdict(counts[:5])
    assert v.label == "converged" and "latest evaluation alone reads" in v.reason
    assert "7/8 modes captured" in v.reason  # the numbers are today's; the reason says why


def test_a_convergence_not_yet_held_long_enough_is_not_called_blurry():
    """Training, with the latest evaluation alone converged: the reason agrees with the numbers
    beside it (it once said fewer than 50% were sharp next to "58% high quality")."""
    seven = np.r_[np.full(7, 280.0), 0]
    counts = np.array([seven] * 4 + [np.full(8, 280.0)])
    v = _verdict(counts, hq=0.58)
    assert v.label == "training" and "58% high quality" in v.reason
    assert "fewer than" not in v.reason and "latest evaluation alone reads converged" in v.reason
    blurry = _verdict(np.full((5, 8), 280.0), hq=0.4)
    assert "fewer than 50% of samples are sharp" in blurry.reason
    evals, _ = _history(np.zeros((5, 0)))  # data without modes: judged by the grid JS
    evals["js_grid"][:] = [0.4, 0.4, 0.4, 0.4, 0.05]
    v = metrics.verdict(evals, np.empty((5, 0)), 0, None)
    assert v.label == "training" and "grid JS 0.050" in v.reason and "not yet" not in v.reason


def test_a_run_near_the_thresholds_does_not_flip_at_every_evaluation():
    hq = np.where(np.arange(40) % 2 == 0, 0.49, 0.51)  # HQ straddles the 50% bar
    evals, counts = _history(np.full((40, 8), 280), hq)
    raw = metrics.raw_labels(evals, counts, 8)
    labels, _ = metrics.trace(evals, counts, 8)
    flips = lambda xs: sum(a != b for a, b in zip(xs, xs[1:]))  # noqa: E731
    assert flips(raw) == 39 and flips(labels) == 0


def test_fake_distance_and_movement_are_in_units_of_the_spread():
    real = _perfect()
    assert metrics.fake_distance(real, real) < 0.02
    assert 0.9 < metrics.fake_distance(np.zeros((100, 2)), real) < 1.1  # ring centre: 1 spread
    moved = metrics.movement(real + [0.2, 0.0], real, real)
    assert abs(moved - 0.1) < 1e-3  # 0.2 over a spread of 2


def test_modes_covered_needs_a_fair_share():
    assert metrics.modes_covered(np.array([2493, 1, 1, 1, 1, 1, 1, 1])) == 1
    assert metrics.modes_covered(np.array([100] * 7 + [30])) == 8  # 30 >= 1/4 of 730 / 8
    assert metrics.modes_covered(np.zeros(8)) == 0
