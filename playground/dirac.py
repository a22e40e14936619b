"""The Dirac-GAN and the bilinear game: the smallest GANs whose training dynamics can be solved.

Mescheder, Geiger & Nowozin 2018, "Which training methods for GANs do actually converge?", §2:
the data is a point mass p_D = δ_0, the generator a point mass p_θ = δ_θ, and the discriminator
is linear, D_ψ(x) = ψ·x (a logit). The GAN objective

    L(θ, ψ) = f(D_ψ(θ)) + f(-D_ψ(0)) = f(ψθ) + f(0)

is minimised by the generator and maximised by the discriminator; f names the loss:
f(t) = -log(1 + exp(-t)) for the GAN of Goodfellow et al. 2014, f(t) = t for the WGAN. Gradient
descent-ascent follows the vector field

    v(θ, ψ) = ( -∂L/∂θ, ∂L/∂ψ ) = ( -ψ f'(ψθ), θ f'(ψθ) ),

whose only equilibrium is (θ, ψ) = (0, 0): the generator on the data, D indifferent. Its Jacobian
there, [[0, -f'(0)], [f'(0), 0]], has eigenvalues ±i·f'(0): purely imaginary, so the continuous
dynamics circle the equilibrium and simultaneous gradient steps spiral away from it.

The R1 penalty (γ/2)·E_{p_D}‖∇_x D_ψ(x)‖² = (γ/2)·ψ², subtracted from D's objective, adds -γψ to
dψ/dt; the Jacobian becomes [[0, -f'(0)], [f'(0), -γ]] with eigenvalues
-γ/2 ± sqrt(γ²/4 - f'(0)²): a stable focus for 0 < γ < 2f'(0), a stable node above. R2, the same
penalty on the generator's samples, is identical here, because a linear D has the gradient ψ
everywhere; the two differ only for non-linear discriminators.

Sign convention: the paper's. sigmoid(D_ψ(x)) is the probability that x is *fake* (f(D(fake)) =
log sigmoid(ψθ)), so its ψ is minus the logit of playground.losses; the phase portrait is the
same up to the reflection ψ -> -ψ.

The bilinear game v(a, b) = a·b (a minimises, b maximises) is the Dirac-WGAN: f(t) = t gives
L = ψθ. Everything here is numpy, float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .theory import sigmoid

SCHEMES = ("simultaneous", "alternating")
ESCAPE_RADIUS = 1e6  # a trajectory this far from the equilibrium has diverged: stop integrating


def _df_gan(t: np.ndarray) -> np.ndarray:
    """f'(t) for f(t) = -log(1 + exp(-t)) = log sigmoid(t):  f'(t) = sigmoid(-t)."""
    return sigmoid(-t)


def _df_wasserstein(t: np.ndarray) -> np.ndarray:
    """f'(t) for f(t) = t."""
    return np.ones_like(t)


@dataclass(frozen=True)
class DiracLoss:
    """A loss f of Mescheder et al. 2018, §2, and which objective the generator follows."""

    title: str
    df: Callable[[np.ndarray], np.ndarray]  # f'
    df0: float  # f'(0), which sets the rotation speed at the equilibrium
    nonsaturating: bool  # G maximises f(-D(G(z))) instead of minimising f(D(G(z)))

    def generator_velocity(self, theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
        """dθ/dt. Minimax: -∂θ f(ψθ) = -ψ f'(ψθ), which vanishes when D is sure θ is fake
        (ψθ >> 0). Non-saturating: +∂θ f(-ψθ) = -ψ f'(-ψθ), which does not."""
        t = -psi * theta if self.nonsaturating else psi * theta
        return -psi * self.df(t)


DIRAC_FIELDS: dict[str, DiracLoss] = {
    "minimax": DiracLoss("GAN, minimax (saturating)", _df_gan, 0.5, nonsaturating=False),
    "nonsaturating": DiracLoss("GAN, non-saturating", _df_gan, 0.5, nonsaturating=True),
    "wasserstein": DiracLoss("WGAN (bilinear game)", _df_wasserstein, 1.0, nonsaturating=False),
}
"""Dirac-GAN losses by name. The non-saturating field differs from the minimax one away from the
equilibrium but has the same Jacobian at it (both are -ψ f'(0) to first order)."""


def vector_field(
    theta: np.ndarray,
    psi: np.ndarray,
    loss: str = "minimax",
    r1_gamma: float = 0.0,
    r2_gamma: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(dθ/dt, dψ/dt) of gradient descent-ascent at (θ, ψ), arrays of any matching shape.

    dψ/dt = ∂ψ [f(ψθ) - (γ1/2)ψ² - (γ2/2)ψ²] = θ f'(ψθ) - (γ1 + γ2)ψ: R1 (at x = 0) and R2
    (at x = θ) both penalise ‖∇_x D_ψ‖² = ψ², and only in D's objective."""
    spec = DIRAC_FIELDS[loss]
    theta = np.asarray(theta, dtype=np.float64)
    psi = np.asarray(psi, dtype=np.float64)
    d_theta = spec.generator_velocity(theta, psi)
    d_psi = theta * spec.df(psi * theta) - (r1_gamma + r2_gamma) * psi
    return d_theta, d_psi


def bilinear_field(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent-ascent on v(a, b) = a·b, a minimising and b maximising: (-b, a)."""
    return -np.asarray(b, dtype=np.float64), np.asarray(a, dtype=np.float64)


Field = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def dirac_field(loss: str = "minimax", r1_gamma: float = 0.0, r2_gamma: float = 0.0) -> Field:
    """The vector field of one Dirac-GAN setting as a function of (θ, ψ)."""
    if loss not in DIRAC_FIELDS:
        raise ValueError(f"loss: {loss!r} is not one of {', '.join(DIRAC_FIELDS)}")
    return lambda theta, psi: vector_field(theta, psi, loss, r1_gamma, r2_gamma)


def step(field: Field, point: np.ndarray, lr: float, scheme: str = "simultaneous") -> np.ndarray:
    """One gradient step of size lr on (generator, discriminator) = point.

    simultaneous: both players move along v evaluated at the same point (Jacobian I + lr·J).
    alternating: D moves first, then G answers the new D, as in Goodfellow et al. 2014,
    Algorithm 1 with k = 1; G's step sees D's update, which is what keeps the bilinear game
    bounded."""
    g, d = float(point[0]), float(point[1])
    if scheme == "simultaneous":
        dg, dd = field(g, d)
        return np.array([g + lr * dg, d + lr * dd])
    if scheme == "alternating":
        d = d + lr * float(field(g, d)[1])
        g = g + lr * float(field(g, d)[0])
        return np.array([g, d])
    raise ValueError(f"scheme: {scheme!r} is not one of {', '.join(SCHEMES)}")


@dataclass(frozen=True)
class Trajectory:
    points: np.ndarray  # (steps_run + 1, 2): (θ, ψ) or (a, b), the start included
    escaped: bool  # left ESCAPE_RADIUS (or overflowed) before the last step

    @property
    def final_distance(self) -> float:
        """Euclidean distance of the last point to the equilibrium (0, 0)."""
        return float(np.hypot(*self.points[-1]))


def trajectory(
    field: Field, start: tuple[float, float], lr: float, steps: int, scheme: str = "simultaneous"
) -> Trajectory:
    """Iterate `step` from `start`; stops early once the point leaves ESCAPE_RADIUS."""
    points = np.empty((steps + 1, 2))
    points[0] = start
    for i in range(steps):
        nxt = step(field, points[i], lr, scheme)
        points[i + 1] = nxt
        if not np.all(np.isfinite(nxt)) or np.hypot(*nxt) > ESCAPE_RADIUS:
            return Trajectory(points[: i + 2], escaped=True)
    return Trajectory(points, escaped=False)


def jacobian(field: Field, point: tuple[float, float] = (0.0, 0.0), h: float = 1e-6) -> np.ndarray:
    """∂v/∂(θ, ψ) at `point` by central finite differences (error O(h²))."""
    point = np.asarray(point, dtype=np.float64)
    jac = np.empty((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        plus = np.array(field(*(point + e)), dtype=np.float64)
        minus = np.array(field(*(point - e)), dtype=np.float64)
        jac[:, j] = (plus - minus) / (2 * h)
    return jac


def update_jacobian(
    field: Field, lr: float, scheme: str, point: tuple[float, float] = (0.0, 0.0), h: float = 1e-6
) -> np.ndarray:
    """Jacobian of one discrete step (the map point -> step(point)) by central differences.
    Its spectral radius is the factor by which one step shrinks (< 1) or grows (> 1) a small
    distance to the equilibrium."""
    return jacobian(lambda g, d: tuple(step(field, np.array([g, d]), lr, scheme)), point, h)


def sorted_eigenvalues(matrix: np.ndarray) -> np.ndarray:
    """Eigenvalues ordered by (real, imaginary) part, so two lists can be compared entrywise
    (a real matrix gives exact conjugate pairs, so the order is stable)."""
    return np.sort_complex(np.linalg.eigvals(matrix))


def closed_form_eigenvalues(loss: str = "minimax", gamma: float = 0.0) -> np.ndarray:
    """Eigenvalues of the Jacobian at the equilibrium (Mescheder et al. 2018, Lemma 2.2 for
    γ = 0, §4 for γ > 0): the roots of λ² + γλ + f'(0)² = 0, -γ/2 ± sqrt(γ²/4 - f'(0)²), which
    are ±i f'(0) for γ = 0. `gamma` is the total weight on ψ² (R1 + R2 for the Dirac-GAN)."""
    df0 = DIRAC_FIELDS[loss].df0
    root = np.sqrt(complex(gamma**2 / 4 - df0**2))
    return np.sort_complex(np.array([-gamma / 2 - root, -gamma / 2 + root]))


def critical_gamma(loss: str = "minimax") -> float:
    """γ = 2 f'(0): below it the eigenvalues are complex (the iterates spiral in), above it real
    (they slide in without rotating)."""
    return 2.0 * DIRAC_FIELDS[loss].df0


def spectral_radius(matrix: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def field_grid(
    field: Field, extent: float, n: int = 21
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(θ, ψ, dθ, dψ) on an n x n lattice over [-extent, extent]², flattened, for quiver plots."""
    ticks = np.linspace(-extent, extent, n)
    theta, psi = np.meshgrid(ticks, ticks, indexing="xy")
    d_theta, d_psi = field(theta, psi)
    return theta.ravel(), psi.ravel(), np.ravel(d_theta), np.ravel(d_psi)


def eigenvalue_sweep(loss: str, gammas: np.ndarray) -> np.ndarray:
    """Numeric eigenvalues of the R1-regularised Jacobian for each γ: shape (len(gammas), 2)."""
    return np.array([sorted_eigenvalues(jacobian(dirac_field(loss, g))) for g in gammas])
