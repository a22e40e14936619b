"""The closed forms behind the theory pages, computed numerically: numpy only, float64.

Goodfellow et al. 2014, "Generative Adversarial Nets":
- §4.1, Proposition 1: for a fixed G the optimal discriminator is D*(x) = p_data(x) / (p_data(x)
  + p_g(x)).
- Theorem 1: the value at that discriminator, C(G) = max_D V(D, G) = V(D*, G), equals
  -log 4 + 2·JSD(p_data ‖ p_g), so its minimum -log 4 is reached exactly when p_g = p_data.
- §3: early in training D rejects the fakes confidently and log(1 - D(G(z))) saturates; the
  non-saturating generator loss -log D(G(z)) has the same fixed point and strong early gradients.

Densities are evaluated on uniform grids and integrated with the trapezoid rule (1D) or the
midpoint rule (2D); every density here is negligible at the grid's edges, where the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHAPES = ("gaussian", "uniform")
LOG2 = float(np.log(2.0))
LOG4 = float(np.log(4.0))


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-logits)) without overflow for any logit (the package's one sigmoid); a NaN
    logit (a diverged run's) gives NaN without a warning."""
    with np.errstate(invalid="ignore"):
        return np.exp(-np.logaddexp(0.0, -logits))  # exact for very negative logits too


# ---------------------------------------------------------------------------------------------
# densities


@dataclass(frozen=True)
class Mixture1D:
    """A 1D mixture: component i has centre means[i], scale scales[i] and weight weights[i]
    (weights are normalised here). A gaussian component has std = scale; a uniform one is flat
    on [mean - scale, mean + scale], which gives exactly disjoint supports when it is wanted."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...] | None = None  # None: equal weights
    shape: str = "gaussian"

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"shape: {self.shape!r} is not one of {', '.join(SHAPES)}")
        n = len(self.means)
        if n == 0 or len(self.scales) != n or (self.weights is not None and len(self.weights) != n):
            raise ValueError("means, scales and weights must have the same, non-zero length")
        if min(self.scales) <= 0:
            raise ValueError("scales must be positive")
        if self.weights is not None and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ValueError("weights must be non-negative with a positive sum")

    def shifted(self, offset: float) -> Mixture1D:
        return Mixture1D(
            tuple(m + offset for m in self.means), self.scales, self.weights, self.shape
        )

    def density(self, x: np.ndarray) -> np.ndarray:
        """p(x) = Σ_i w_i · k((x - m_i) / s_i) / s_i for the component kernel k."""
        x = np.asarray(x, dtype=np.float64)[..., None]
        w = np.ones(len(self.means)) if self.weights is None else np.asarray(self.weights, float)
        w = w / w.sum()
        u = (x - np.asarray(self.means)) / np.asarray(self.scales)
        if self.shape == "gaussian":
            k = np.exp(-0.5 * u**2) / np.sqrt(2 * np.pi)
        else:
            # at the jumps the mean of the one-sided limits, 1/4: the trapezoid rule is then exact
            # for a box whose edges are grid points, instead of off by a whole cell
            k = 0.5 * (np.abs(u) < 1.0) + 0.25 * (np.abs(u) == 1.0)
        return (k / np.asarray(self.scales)) @ w


@dataclass(frozen=True)
class Mixture2D:
    """Isotropic Gaussian mixture in 2D: equal std, weights normalised here."""

    centers: np.ndarray  # (n, 2)
    std: float
    weights: np.ndarray | None = None  # None: equal weights

    def density(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """p(x, y) = Σ_i w_i · N((x, y); c_i, std² I), for x and y of the same shape."""
        c = np.asarray(self.centers, dtype=np.float64)
        w = np.ones(len(c)) if self.weights is None else np.asarray(self.weights, float)
        w = w / w.sum()
        r2 = (np.asarray(x)[..., None] - c[:, 0]) ** 2 + (np.asarray(y)[..., None] - c[:, 1]) ** 2
        return np.exp(-0.5 * r2 / self.std**2) @ w / (2 * np.pi * self.std**2)


def ring_mixture(
    n_modes: int, radius: float, std: float, rotation: float = 0.0, covered: int | None = None
) -> Mixture2D:
    """Modes at angles 2πk/n + rotation (the ring8 of data.py for rotation 0); with `covered`
    = m < n only the first m modes carry weight: a generator that has collapsed onto m modes."""
    angles = 2 * np.pi * np.arange(n_modes) / n_modes + rotation
    centers = radius * np.stack([np.cos(angles), np.sin(angles)], 1)
    weights = np.ones(n_modes)
    if covered is not None:
        weights[covered:] = 0.0
    return Mixture2D(centers, std, weights)


MAX_POINT_MODES = 200  # a density over a 121² grid from 200 centres: about 23 MB per array


def points_mixture(points, std: float, limit: int = MAX_POINT_MODES) -> Mixture2D:
    """Your own points as a density: a Gaussian of `std` on each of them (at most `limit`,
    every k-th point when there are more, so the shape is kept)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(p) == 0:
        raise ValueError("points: need at least one point")
    if len(p) > limit:
        p = p[np.linspace(0, len(p) - 1, limit).round().astype(int)]
    return Mixture2D(p, std)


def grid_1d(lo: float = -10.0, hi: float = 10.0, n: int = 4001) -> np.ndarray:
    return np.linspace(lo, hi, n)


def grid_2d(extent: float, n: int = 201) -> tuple[np.ndarray, np.ndarray]:
    """Meshgrid (x, y) over [-extent, extent]², indexed [row = y, column = x] as heatmaps want."""
    ticks = np.linspace(-extent, extent, n)
    return np.meshgrid(ticks, ticks, indexing="xy")


# ---------------------------------------------------------------------------------------------
# the optimal discriminator and the Jensen-Shannon divergence


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Proposition 1). NaN where both densities are 0:
    there V does not depend on D(x), so every value is optimal and none is drawn."""
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), np.nan)


def _p_log_ratio(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p·log(p / q) pointwise, with 0·log(0 / q) = 0 (the convention of every divergence)."""
    safe_p = np.where(p > 0, p, 1.0)
    safe_q = np.where(p > 0, q, 1.0)
    return np.where(p > 0, p * np.log(safe_p / safe_q), 0.0)


def integrate(values: np.ndarray, x: np.ndarray | None = None, cell: float | None = None) -> float:
    """∫ values: the trapezoid rule along the 1D grid x, or the midpoint rule with cell area
    `cell` on a 2D grid."""
    if x is not None:
        return float(np.trapezoid(values, x))
    return float(values.sum() * cell)


def value_at_optimum(
    p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray | None = None, cell: float | None = None
) -> float:
    """C(G) = V(D*, G) = E_{p_data}[log D*(x)] + E_{p_g}[log(1 - D*(x))], integrated on the grid.
    Written out with D* = p_data/(p_data + p_g) so no log of 0 is ever taken."""
    total = p_data + p_g
    integrand = _p_log_ratio(p_data, total) + _p_log_ratio(p_g, total)
    return integrate(integrand, x, cell)


def kl_divergence(
    p: np.ndarray, q: np.ndarray, x: np.ndarray | None = None, cell: float | None = None
) -> float:
    """KL(p ‖ q) = ∫ p log(p / q) (infinite where p > 0 = q, as in the definition)."""
    with np.errstate(divide="ignore"):
        return integrate(_p_log_ratio(p, q), x, cell)


def jsd(
    p: np.ndarray, q: np.ndarray, x: np.ndarray | None = None, cell: float | None = None
) -> float:
    """JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q) / 2: symmetric, in [0, log 2], and
    log 2 exactly when the supports are disjoint, wherever they sit."""
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x, cell) + 0.5 * kl_divergence(q, m, x, cell)


@dataclass(frozen=True)
class OptimumSummary:
    value: float  # C(G) = V(D*, G), integrated directly
    jsd: float  # JSD(p_data ‖ p_g), integrated separately
    mass_data: float  # ∫ p_data on the grid: 1 up to truncation and quadrature error
    mass_g: float

    @property
    def value_from_jsd(self) -> float:
        """-log 4 + 2·JSD (Theorem 1): should equal `value` up to integration error."""
        return -LOG4 + 2.0 * self.jsd


def summarise(
    p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray | None = None, cell: float | None = None
) -> OptimumSummary:
    return OptimumSummary(
        value=value_at_optimum(p_data, p_g, x, cell),
        jsd=jsd(p_data, p_g, x, cell),
        mass_data=integrate(p_data, x, cell),
        mass_g=integrate(p_g, x, cell),
    )


def jsd_along_shift(
    data: Mixture1D, generator: Mixture1D, offsets: np.ndarray, x: np.ndarray
) -> np.ndarray:
    """JSD(p_data ‖ p_g shifted by each offset): flat at log 2 wherever the supports are disjoint,
    so a generator moved by gradient descent on the JSD gets no signal there (Arjovsky & Bottou
    2017 make this precise)."""
    p = data.density(x)
    return np.array([jsd(p, generator.shifted(o).density(x), x) for o in offsets])


# ---------------------------------------------------------------------------------------------
# saturation


@dataclass(frozen=True)
class SaturationCurves:
    """Generator losses and their gradients w.r.t. the discriminator's logit l, as functions of
    d = D(G(z)) = sigmoid(l). The chain rule through the sigmoid, dD/dl = D(1 - D), is what
    makes minimax vanish: d/dl log(1 - D) = -D, d/dl (-log D) = -(1 - D)."""

    d: np.ndarray
    g_loss_minimax: np.ndarray  # log(1 - D), minimised by G
    g_loss_nonsaturating: np.ndarray  # -log D, minimised by G
    grad_minimax: np.ndarray  # ∂/∂l log(1 - D) = -D
    grad_nonsaturating: np.ndarray  # ∂/∂l (-log D) = -(1 - D)

    @property
    def ratio(self) -> np.ndarray:
        """|∂ NS / ∂l| / |∂ minimax / ∂l| = (1 - D) / D, about 10^k at D = 10^-k."""
        return self.grad_nonsaturating / self.grad_minimax


def saturation_curves(d: np.ndarray) -> SaturationCurves:
    """The closed forms at each d in (0, 1)."""
    d = np.asarray(d, dtype=np.float64)
    if np.any((d <= 0) | (d >= 1)):
        raise ValueError("D(G(z)) must lie strictly between 0 and 1")
    return SaturationCurves(
        d=d,
        g_loss_minimax=np.log1p(-d),
        g_loss_nonsaturating=-np.log(d),
        grad_minimax=-d,
        grad_nonsaturating=-(1.0 - d),
    )


# The generator losses as functions of D's raw output l at a fake point (a logit for minimax and
# NS, LSGAN's score, the hinge's margin, the WGAN critic's value), with their derivatives in l:
# how much push a fake gets from each loss where D rejects it (l very negative) or accepts it.
G_LOSS_CURVES = {
    # name: (loss(o), d loss / d o), o: D's output
    "minimax": (lambda o: -np.logaddexp(0.0, o), lambda o: -sigmoid(o)),
    "nonsaturating": (lambda o: np.logaddexp(0.0, -o), lambda o: -(1.0 - sigmoid(o))),
    "lsgan": (lambda o: 0.5 * (o - 1.0) ** 2, lambda o: o - 1.0),
    "hinge": (lambda o: -o, lambda o: -np.ones_like(o)),
    "wgan_gp": (lambda o: -o, lambda o: -np.ones_like(o)),
}


def g_loss_curves(outputs: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{loss: (G loss, its derivative)} at each value of D's raw output in `outputs`; every loss
    of the catalog is defined on that output, so every loss has a curve."""
    o = np.asarray(outputs, dtype=np.float64)
    return {name: (f(o), df(o)) for name, (f, df) in G_LOSS_CURVES.items()}


def d_fake_histogram(d_fake_logits: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Fraction of fake points whose D(G(z)) = sigmoid(logit) falls in each bin of `edges`;
    values beyond the outer edges are counted in the outer bins, so nothing is dropped."""
    logits = np.asarray(d_fake_logits, dtype=np.float64)
    d = sigmoid(logits)
    counts, _ = np.histogram(np.clip(d, edges[0], edges[-1]), edges)
    return counts / max(len(d), 1)


# ---------------------------------------------------------------------------------------------
# a discriminator trained on samples, to draw beside D*


def rbf_features(x: np.ndarray, centers: np.ndarray, width: float) -> np.ndarray:
    """φ(x) = [1, exp(-(x - c_j)² / (2 width²))_j]: a one-hidden-layer network whose first layer
    is fixed, so fitting it is convex and the drawing does not depend on an unlucky init."""
    bumps = np.exp(-0.5 * ((np.asarray(x)[:, None] - centers) / width) ** 2)
    return np.concatenate([np.ones((len(bumps), 1)), bumps], 1)


def fit_discriminator_1d(
    x_real: np.ndarray,
    x_fake: np.ndarray,
    centers: np.ndarray,
    width: float,
    steps: int = 3000,
    lr: float = 2.0,
) -> np.ndarray:
    """Weights w of the logit l(x) = w·φ(x), by full-batch gradient descent on the D loss of
    Goodfellow et al. 2014, E_real[softplus(-l)] + E_fake[softplus(l)]. With as many samples of
    each, its minimiser approaches D* = p_data/(p_data + p_g) where the features can express it."""
    phi_r, phi_f = rbf_features(x_real, centers, width), rbf_features(x_fake, centers, width)
    w = np.zeros(phi_r.shape[1])
    for _ in range(steps):
        # d/dl softplus(-l) = -(1 - σ(l)),  d/dl softplus(l) = σ(l)
        grad = -(1.0 - sigmoid(phi_r @ w)) @ phi_r / len(phi_r) + sigmoid(
            phi_f @ w
        ) @ phi_f / len(phi_f)
        w -= lr * grad
    return w


def sample_1d(mixture: Mixture1D, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws: a component by weight, then a point of its gaussian or uniform kernel."""
    w = np.ones(len(mixture.means)) if mixture.weights is None else np.asarray(mixture.weights)
    k = rng.choice(len(w), size=n, p=w / w.sum())
    means, scales = np.asarray(mixture.means)[k], np.asarray(mixture.scales)[k]
    if mixture.shape == "gaussian":
        return means + scales * rng.standard_normal(n)
    return means + scales * rng.uniform(-1.0, 1.0, n)
