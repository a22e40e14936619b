import math

import numpy as np

from playground import metrics
from playground.data import grid_centers, ring_centers
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


def _evals(captured, hq, steps=None):
    n = len(captured)
    steps = steps or [100 * (i + 1) for i in range(n)]
    d = dict(zip(EVAL_FIELDS, [np.array(steps, float), np.array(captured, float),
                               np.array(hq, float), *[np.zeros(n)] * 3]))
    return d


def test_verdict_labels():
    full = np.ones((5, 8))
    v = metrics.verdict(_evals([8] * 5, [0.9] * 5), full, 8, None)
    assert v.label == "converged"
    one = np.zeros((5, 8))
    one[:, 2] = 100
    v = metrics.verdict(_evals([1] * 5, [0.9] * 5), one, 8, None)
    assert v.label == "mode_collapse" and "1/8" in v.reason
    hop = np.zeros((5, 8))
    hop[np.arange(5), [0, 3, 5, 1, 6]] = 100
    v = metrics.verdict(_evals([1] * 5, [0.9] * 5), hop, 8, None)
    assert v.label == "oscillating"
    v = metrics.verdict(_evals([2, 4, 6, 7, 8], [0.5] * 5), full, 8, None)
    assert v.label == "training"
    v = metrics.verdict(_evals([8] * 5, [0.9] * 5), full, 8, 1234)
    assert v.label == "diverged" and "1234" in v.reason


def test_grid_mixture_partial_plateau_is_collapse():
    c = grid_centers(5, 2.0)
    counts = np.zeros((5, 25))
    counts[:, :16] = 10
    v = metrics.verdict(_evals([16] * 5, [0.8] * 5), counts, len(c), None)
    assert v.label == "mode_collapse"


def test_verdict_does_not_call_a_generator_that_reached_no_mode_collapsed():
    v = metrics.verdict(_evals([0] * 5, [0.0] * 5), np.zeros((5, 8)), 8, None)
    assert v.label == "training" and "no sample near any mode" in v.reason
