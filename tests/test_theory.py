"""D*, C(G) and the JSD against Goodfellow et al. 2014; saturation curves against autograd."""

import numpy as np
import pytest
import torch

from playground import losses, theory

X = theory.grid_1d(-10.0, 10.0, 4001)
DATA = theory.Mixture1D((-2.0, 2.0), (0.5, 0.7), (0.3, 0.7))


def test_densities_integrate_to_one_and_kl_matches_the_gaussian_closed_form():
    for shape in theory.SHAPES:
        p = theory.Mixture1D((-1.0, 3.0), (0.5, 1.0), (1, 2), shape).density(X)
        assert theory.integrate(p, X) == pytest.approx(1.0, abs=2e-3)
    p = theory.Mixture1D((0.0,), (1.0,)).density(X)
    q = theory.Mixture1D((1.5,), (2.0,)).density(X)
    # KL(N(0, 1) ‖ N(1.5, 4)) = log(2/1) + (1 + 1.5²) / (2·4) - 1/2
    assert theory.kl_divergence(p, q, X) == pytest.approx(np.log(2) + 3.25 / 8 - 0.5, abs=1e-9)


def test_optimal_discriminator_is_p_over_p_plus_q():
    p, q = DATA.density(X), theory.Mixture1D((0.5,), (1.2,)).density(X)
    d_star = theory.optimal_discriminator(p, q)
    np.testing.assert_allclose(d_star, p / (p + q))
    # and it is pointwise the maximiser of p log D + q log(1 - D) (Proposition 1)
    i = np.searchsorted(X, [-2.0, 0.0, 1.0])
    for j in i:
        grid = np.linspace(1e-4, 1 - 1e-4, 20001)
        best = grid[np.argmax(p[j] * np.log(grid) + q[j] * np.log1p(-grid))]
        assert best == pytest.approx(d_star[j], abs=1e-3)


def test_optimal_discriminator_is_undefined_outside_both_supports():
    box = theory.Mixture1D((0.0,), (1.0,), shape="uniform")
    d_star = theory.optimal_discriminator(box.density(X), box.shifted(0.5).density(X))
    assert np.isnan(d_star[X < -2]).all() and np.isfinite(d_star[np.abs(X) < 0.9]).all()


def test_value_at_p_g_equal_p_data_is_minus_log_4():
    p = DATA.density(X)
    summary = theory.summarise(p, p.copy(), X)
    assert summary.value == pytest.approx(-theory.LOG4, abs=1e-9)
    assert summary.jsd == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(theory.optimal_discriminator(p, p)[p > 1e-12], 0.5)


@pytest.mark.parametrize("shape,offset", [("uniform", 3.0), ("uniform", 7.5), ("gaussian", 60.0)])
def test_disjoint_supports_give_jsd_log_2_and_value_0(shape, offset):
    x = theory.grid_1d(-20.0, 80.0, 20001)
    data = theory.Mixture1D((0.0,), (1.0,), shape=shape)
    p, q = data.density(x), data.shifted(offset).density(x)
    summary = theory.summarise(p, q, x)
    assert summary.jsd == pytest.approx(theory.LOG2, abs=1e-6)
    assert summary.value == pytest.approx(-theory.LOG4 + 2 * theory.LOG2, abs=1e-6)  # = 0


def test_value_is_minus_log_4_plus_twice_jsd_for_overlapping_densities():
    p, q = DATA.density(X), theory.Mixture1D((0.5, 3.0), (1.0, 0.3)).density(X)
    summary = theory.summarise(p, q, X)
    assert -theory.LOG4 < summary.value < 0
    assert summary.value == pytest.approx(summary.value_from_jsd, abs=1e-9)


def test_jsd_is_symmetric_and_bounded():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = theory.Mixture1D(tuple(rng.uniform(-4, 4, 2)), tuple(rng.uniform(0.2, 2, 2)))
        b = theory.Mixture1D(
            tuple(rng.uniform(-4, 4, 3)),
            tuple(rng.uniform(0.2, 2, 3)),
            shape=str(rng.choice(theory.SHAPES)),
        )
        p, q = a.density(X), b.density(X)
        assert theory.jsd(p, q, X) == pytest.approx(theory.jsd(q, p, X), abs=1e-12)
        assert 0.0 <= theory.jsd(p, q, X) <= theory.LOG2 + 1e-9


def test_jsd_along_shift_is_flat_at_log_2_once_the_supports_separate():
    box = theory.Mixture1D((0.0,), (1.0,), shape="uniform")
    x = theory.grid_1d(-15, 15, 6001)
    curve = theory.jsd_along_shift(box, box, np.array([0.0, 1.0, 2.5, 4.0, 8.0]), x)
    assert curve[0] == pytest.approx(0.0, abs=1e-12)
    assert 0 < curve[1] < theory.LOG2 - 0.1
    np.testing.assert_allclose(curve[2:], theory.LOG2, atol=1e-9)


def test_2d_ring_values():
    x, y = theory.grid_2d(3.5, 201)
    cell = (x[0, 1] - x[0, 0]) ** 2
    data = theory.ring_mixture(8, 2.0, 0.2)
    p = data.density(x, y)
    assert theory.summarise(p, p, cell=cell).value == pytest.approx(-theory.LOG4, abs=1e-6)
    # a generator on 1 mode of 8: D* ≈ 1 on the 7 missed modes, JSD strictly between the bounds
    q = theory.ring_mixture(8, 2.0, 0.2, covered=1).density(x, y)
    summary = theory.summarise(p, q, cell=cell)
    assert 0.1 < summary.jsd < theory.LOG2
    missed = np.hypot(x - 0.0, y - 2.0) < 0.05  # mode k=2 at angle 90°
    assert theory.optimal_discriminator(p, q)[missed].min() > 0.999


def test_saturation_curves_match_autograd_of_the_losses():
    logits = torch.linspace(-9.0, 9.0, 181, dtype=torch.float64).view(-1, 1, 1)
    curves = theory.saturation_curves(torch.sigmoid(logits).numpy().ravel())
    for loss_fn, value, grad in (
        (losses.g_loss_minimax, curves.g_loss_minimax, curves.grad_minimax),
        (losses.g_loss_nonsaturating, curves.g_loss_nonsaturating, curves.grad_nonsaturating),
    ):
        leaf = logits.clone().requires_grad_(True)
        out = loss_fn(leaf)  # one sample per "member": shape (181,), the loss of each logit
        (g,) = torch.autograd.grad(out.sum(), leaf)
        np.testing.assert_allclose(value, out.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grad, g.numpy().ravel(), rtol=1e-9, atol=1e-12)
    # minimax vanishes where D is confident, NS does not; their ratio is (1 - D) / D
    d = curves.d
    assert abs(curves.grad_minimax[0]) < 2e-4 and abs(curves.grad_nonsaturating[0]) > 0.999
    np.testing.assert_allclose(curves.ratio, (1 - d) / d)


def test_d_fake_histogram_keeps_every_point():
    edges = np.logspace(-4, 0, 9)
    frac = theory.d_fake_histogram(np.array([-40.0, -5.0, 0.0, 3.0, 40.0]), edges)
    assert frac.sum() == pytest.approx(1.0)
    assert frac[0] == pytest.approx(0.2)  # sigmoid(-40) ≈ 4e-18 is counted in the first bin


def test_trained_discriminator_approaches_d_star_where_there_are_samples():
    rng = np.random.default_rng(0)
    gen = theory.Mixture1D((0.5,), (1.0,))
    x_real, x_fake = theory.sample_1d(DATA, 1000, rng), theory.sample_1d(gen, 1000, rng)
    centers = np.linspace(-6, 6, 25)
    w = theory.fit_discriminator_1d(x_real, x_fake, centers, 0.5, steps=1500)
    x = np.linspace(-2.5, 2.5, 11)
    d = 1 / (1 + np.exp(-theory.rbf_features(x, centers, 0.5) @ w))
    d_star = theory.optimal_discriminator(DATA.density(x), gen.density(x))
    assert np.abs(d - d_star).max() < 0.15


def test_g_loss_curves_are_the_engine_losses_and_their_gradients():
    import torch

    from playground import catalog, losses
    from playground.theory import g_loss_curves

    out = np.linspace(-8, 4, 49)
    curves = g_loss_curves(out)
    assert tuple(curves) == catalog.NAMES  # a curve for every loss
    for name, (loss, grad) in curves.items():
        t = torch.tensor(out, dtype=torch.float64).view(-1, 1, 1).requires_grad_(True)
        value = losses.LOSSES[name].g_loss(t)  # one sample per "member": the per-point loss
        (g,) = torch.autograd.grad(value.sum(), t)
        np.testing.assert_allclose(loss, value.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grad, g.numpy().ravel(), rtol=1e-9, atol=1e-12)
