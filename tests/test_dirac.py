"""The Dirac-GAN and the bilinear game against Mescheder et al. 2018's closed forms."""

import json

import numpy as np
import pytest

from playground import dirac
from playground.__main__ import main

# below, between and above the critical γ = 2 f'(0) of each loss (1 for the GAN, 2 for the WGAN)
GAMMAS = (0.0, 0.3, 0.7, 1.6, 2.5, 4.0)


@pytest.mark.parametrize("loss", tuple(dirac.DIRAC_FIELDS))
@pytest.mark.parametrize("gamma", GAMMAS)
def test_numeric_jacobian_eigenvalues_match_the_closed_form(loss, gamma):
    numeric = dirac.sorted_eigenvalues(dirac.jacobian(dirac.dirac_field(loss, gamma)))
    closed = dirac.closed_form_eigenvalues(loss, gamma)
    np.testing.assert_allclose(numeric, closed, atol=1e-6)


def test_closed_forms_are_the_papers():
    df0 = 0.5  # f'(0) of f(t) = -log(1 + exp(-t))
    np.testing.assert_allclose(dirac.closed_form_eigenvalues("minimax", 0.0), [-df0 * 1j, df0 * 1j])
    # below the critical γ a complex pair with real part -γ/2, above it two real roots
    below = dirac.closed_form_eigenvalues("minimax", 0.6)
    np.testing.assert_allclose(below.real, [-0.3, -0.3])
    np.testing.assert_allclose(abs(below.imag), [0.4, 0.4])
    above = dirac.closed_form_eigenvalues("minimax", 2.5)
    np.testing.assert_allclose(above.imag, 0.0)
    np.testing.assert_allclose(
        above.real, [-1.25 - np.sqrt(1.25**2 - 0.25), -1.25 + np.sqrt(1.25**2 - 0.25)]
    )
    assert dirac.critical_gamma("minimax") == 1.0
    assert dirac.critical_gamma("wasserstein") == 2.0


def test_r2_equals_r1_for_a_linear_discriminator():
    theta, psi = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9))
    r1 = dirac.vector_field(theta, psi, "minimax", r1_gamma=0.8)
    r2 = dirac.vector_field(theta, psi, "minimax", r2_gamma=0.8)
    np.testing.assert_allclose(r1, r2)


def test_nonsaturating_differs_from_minimax_away_from_the_equilibrium_only():
    ns, mm = dirac.dirac_field("nonsaturating"), dirac.dirac_field("minimax")
    np.testing.assert_allclose(dirac.jacobian(ns), dirac.jacobian(mm), atol=1e-8)
    # D sure that θ is fake (ψθ = 8 >> 0): minimax's generator velocity saturates, NS's does not
    assert abs(mm(4.0, 2.0)[0]) < 1e-3
    assert abs(ns(4.0, 2.0)[0]) > 1.0


def test_unregularised_simultaneous_steps_move_away_from_the_equilibrium():
    # minimax conserves θ² + ψ² exactly in continuous time (θθ' + ψψ' = 0), so the discrete
    # steps' growth factor |1 + i h f'(0)| > 1 shows at every step
    path = dirac.trajectory(dirac.dirac_field("minimax"), (0.5, 0.5), lr=0.1, steps=500)
    distance = np.hypot(path.points[:, 0], path.points[:, 1])
    assert distance[-1] > 1.5 * distance[0]
    assert np.all(np.diff(distance) > 0)
    # the non-saturating flow contracts at higher order (θθ' + ψψ' = -θψ tanh(ψθ/2)), so near
    # the equilibrium the steps still push out ...
    near = dirac.trajectory(dirac.dirac_field("nonsaturating"), (0.05, 0.05), 0.1, 5000)
    assert near.final_distance > 5 * np.hypot(0.05, 0.05)


def test_nonsaturating_simultaneous_steps_settle_on_a_limit_cycle():
    # ... and far from it they pull in: both meet on the same cycle, which never shrinks to 0
    field = dirac.dirac_field("nonsaturating")
    inner = dirac.trajectory(field, (0.05, 0.05), 0.1, 5000).final_distance
    outer = dirac.trajectory(field, (2.0, 2.0), 0.1, 5000).final_distance
    assert inner == pytest.approx(outer, rel=0.02)
    assert 0.2 < inner < 1.0


@pytest.mark.parametrize("gamma", (0.3, 1.0, 2.0))
def test_r1_with_a_small_step_converges(gamma):
    field = dirac.dirac_field("minimax", r1_gamma=gamma)
    path = dirac.trajectory(field, (1.0, 1.0), lr=0.1, steps=2000)
    assert path.final_distance < 1e-4
    assert dirac.spectral_radius(dirac.update_jacobian(field, 0.1, "simultaneous")) < 1


def test_a_step_too_large_diverges_even_with_r1():
    # simultaneous steps need |1 + h λ| < 1; γ = 0.5, h = 4: |1 + 4(-0.25 ± 0.43i)| > 1
    field = dirac.dirac_field("minimax", r1_gamma=0.5)
    assert dirac.spectral_radius(dirac.update_jacobian(field, 4.0, "simultaneous")) > 1


def test_bilinear_game_alternating_stays_bounded_simultaneous_spirals_out():
    alternating = dirac.trajectory(dirac.bilinear_field, (1.0, 1.0), 0.1, 5000, "alternating")
    radius = np.hypot(alternating.points[:, 0], alternating.points[:, 1])
    assert radius.max() < 1.2 * radius[0] and radius.min() > 0.8 * radius[0]
    simultaneous = dirac.trajectory(dirac.bilinear_field, (1.0, 1.0), 0.1, 5000)
    # |1 ± 0.1 i|^5000 = 1.005^5000: it leaves the escape radius and is stopped there
    assert simultaneous.escaped
    assert simultaneous.final_distance > dirac.ESCAPE_RADIUS
    np.testing.assert_allclose(
        dirac.spectral_radius(dirac.update_jacobian(dirac.bilinear_field, 0.1, "simultaneous")),
        np.sqrt(1 + 0.1**2),
        rtol=1e-8,
    )


def test_cli_json_reports_eigenvalues_and_the_final_distance(capsys):
    argv = [
        "dirac",
        "--loss",
        "minimax",
        "--r1-gamma",
        "0.5",
        "--scheme",
        "simultaneous",
        "--lr",
        "0.1",
        "--steps",
        "500",
        "--start",
        "1,1",
        "--json",
    ]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(
        out["eigenvalues_numeric"], [[-0.25, -np.sqrt(3) / 4], [-0.25, np.sqrt(3) / 4]], atol=1e-9
    )
    assert out["eigenvalues_closed_form"] == out["eigenvalues_numeric"]
    assert 0 <= out["final_distance"] < 1e-3


def test_cli_summary_without_json(capsys):
    assert main(["dirac", "--loss", "nonsaturating", "--steps", "50"]) == 0
    text = capsys.readouterr().out
    assert "closed form" in text and "0.500000i" in text


@pytest.mark.parametrize(
    "bad",
    (
        ["--start", "1"],
        ["--lr", "nan"],
        ["--lr", "0"],
        ["--steps", "1.5"],
        ["--r1-gamma", "-1"],
        ["--start", "1,x"],
        ["--loss", "hinge"],
        ["--scheme", "leapfrog"],
    ),
)
def test_cli_bad_input_exits_2_with_one_line(bad, capsys):
    try:
        code = main(["dirac", *bad])
    except SystemExit as e:  # argparse's own errors (choices) exit from inside parse_args
        code = e.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err and "Traceback" not in err
