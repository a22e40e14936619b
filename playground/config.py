"""Every default and bound of a training run, declared once and validated once.

`TrainConfig` is frozen: variants come from `dataclasses.replace`, which re-validates, so
everything downstream (engine, CLI, pages, sweeps) can trust a config it is given.
No torch import here: the UI builds configs before anything is trained.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, fields

from .catalog import NAMES as G_LOSSES  # the losses' one list (catalog.py)

DATASETS = ("ring8", "grid25", "spiral", "moons", "circles", "custom")
OPTIMIZERS = ("adam", "sgd")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu")
DEVICES = ("auto", "cpu", "cuda")

# Default std of each Gaussian mode; the ring's 0.02 and the grid's 0.05 are the values of the
# unrolled-GAN / VEEGAN line of work, so mode metrics are comparable with the literature.
DEFAULT_MODE_STD = {"ring8": 0.02, "grid25": 0.05}
MAX_CUSTOM_POINTS = 20_000
# The fields a running game may change without a restart (training.GANRun.reconfigure applies
# them; any other field makes a new run): the one list the engine, the pages and links use.
LIVE_FIELDS = ("loss", "r1_gamma", "r2_gamma", "lr_g", "lr_d", "beta1", "beta2", "g_ema")


@dataclass(frozen=True)
class TrainConfig:
    """One GAN training run on 2D data. Defaults: the measured setting in which the
    non-saturating loss with R1 (r1_gamma=0.1) covers all 8 modes of the ring with most samples
    high quality within 4000-6000 steps for most seeds (README, "What the defaults do")."""

    # data
    dataset: str = "ring8"
    ring_modes: int = 8  # modes on the ring (ring8 keeps its name for any count)
    ring_radius: float = 2.0
    grid_side: int = 5  # grid25 is grid_side x grid_side modes
    grid_spacing: float = 2.0
    mode_std: float | None = None  # None: the dataset's default (DEFAULT_MODE_STD)
    noise: float = 0.05  # std of the noise added to spiral / moons / circles / custom points
    custom_points: tuple[tuple[float, float], ...] | None = None
    # game
    loss: str = "nonsaturating"
    r1_gamma: float = 0.0  # D loss += r1_gamma / 2 * E||grad_x D(x_real)||^2; 0 = off
    # lazy R1 (Karras et al. 2020, StyleGAN2, Section 3.1): the penalty is computed only on every
    # r1_every-th step, weighted r1_every times as much, so its gradient is the same on average
    # and the steps without it skip its double backward pass; 1 = every step (Mescheder et al.)
    r1_every: int = 1
    r2_gamma: float = 0.0  # D loss += r2_gamma / 2 * E||grad_x D(G(z))||^2 (R2); 0 = off
    d_steps: int = 1  # k of Goodfellow et al. 2014, Algorithm 1: D updates per G update
    # optimisation
    optimizer: str = "adam"
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    beta1: float = 0.5  # Adam betas, shared by G and D (DCGAN's 0.5 damps the game's oscillation)
    beta2: float = 0.999
    batch_size: int = 256
    # exponential moving average of G's weights, the generator Mescheder et al. 2018 and
    # StyleGAN evaluate: avg <- g_ema * avg + (1 - g_ema) * G after every G step; 0 = off.
    # When on, metrics, the verdict and the averaged fakes of the live view come from avg.
    g_ema: float = 0.0
    # networks
    latent_dim: int = 2
    hidden: int = 128
    depth: int = 3  # hidden layers of G and of D
    activation: str = "relu"
    # reproducibility and placement
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        _choice(self, "dataset", DATASETS)
        _choice(self, "loss", G_LOSSES)
        _choice(self, "optimizer", OPTIMIZERS)
        _choice(self, "activation", ACTIVATIONS)
        _choice(self, "device", DEVICES)
        _integer(self, "ring_modes", 2, 64)
        _integer(self, "grid_side", 2, 10)
        _integer(self, "d_steps", 1, 20)
        _integer(self, "r1_every", 1, 64)
        _integer(self, "batch_size", 8, 8192)
        _integer(self, "latent_dim", 1, 64)
        _integer(self, "hidden", 4, 1024)
        _integer(self, "depth", 1, 8)
        _integer(self, "seed", 0, 2**31 - 1)
        _real(self, "ring_radius", 0.1, 100.0)
        _real(self, "grid_spacing", 0.1, 100.0)
        _real(self, "noise", 0.0, 10.0)
        _real(self, "r1_gamma", 0.0, 1000.0)
        _real(self, "r2_gamma", 0.0, 1000.0)
        _real(self, "lr_g", 1e-7, 10.0)
        _real(self, "lr_d", 1e-7, 10.0)
        _real(self, "beta1", 0.0, 0.999999)
        _real(self, "beta2", 0.0, 0.999999)
        _real(self, "g_ema", 0.0, 0.9999)
        if self.mode_std is not None:
            _real(self, "mode_std", 1e-4, 10.0)
        if self.dataset == "custom":
            _points(self)
        elif self.custom_points is not None:
            raise ValueError("custom_points: only allowed with dataset='custom'")

    @property
    def std(self) -> float | None:
        """Std of each Gaussian mode for mixture datasets, None for the others."""
        if self.dataset not in DEFAULT_MODE_STD:
            return None
        return self.mode_std if self.mode_std is not None else DEFAULT_MODE_STD[self.dataset]

    def replace(self, **changes) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (custom points as lists)."""
        d = dataclasses.asdict(self)
        if d["custom_points"] is not None:
            d["custom_points"] = [list(p) for p in d["custom_points"]]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        """Inverse of `to_dict`; unknown keys are an error, not silently dropped."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ValueError(f"unknown config field(s): {', '.join(unknown)}")
        d = dict(d)
        if d.get("custom_points") is not None:
            d["custom_points"] = tuple(tuple(float(v) for v in p) for p in d["custom_points"])
        return cls(**d)


def field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(TrainConfig))


def _choice(cfg: TrainConfig, name: str, allowed: tuple[str, ...]) -> None:
    value = getattr(cfg, name)
    if value not in allowed:
        raise ValueError(f"{name}: {value!r:.60} is not one of {', '.join(allowed)}")


def _integer(cfg: TrainConfig, name: str, lo: int, hi: int) -> None:
    value = getattr(cfg, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected an integer in [{lo}, {hi}], got {value!r:.60}")
    if not lo <= value <= hi:
        raise ValueError(f"{name}: {value!r:.60} is outside [{lo}, {hi}]")


def _real(cfg: TrainConfig, name: str, lo: float, hi: float) -> None:
    value = getattr(cfg, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}: expected a number in [{lo:g}, {hi:g}], got {value!r:.60}")
    # bounds first: an int such as 10**400 compares fine but overflows math.isfinite
    if not lo <= value <= hi or not math.isfinite(value):
        raise ValueError(f"{name}: {value!r:.60} is outside [{lo:g}, {hi:g}]")


def _points(cfg: TrainConfig) -> None:
    pts = cfg.custom_points
    try:
        n = len(pts)
    except TypeError:
        raise ValueError(
            "custom_points: dataset='custom' needs at least 2 points (x, y)"
            if pts is None else f"custom_points: expected a sequence of (x, y), got {pts!r:.60}"
        ) from None
    if n < 2:
        raise ValueError("custom_points: dataset='custom' needs at least 2 points (x, y)")
    if n > MAX_CUSTOM_POINTS:
        raise ValueError(f"custom_points: {n} points, at most {MAX_CUSTOM_POINTS}")
    points = []
    for i, p in enumerate(pts):
        if not _is_point(p):
            raise ValueError(f"custom_points: point {i} is {p!r:.60}, expected two finite numbers")
        if max(abs(p[0]), abs(p[1])) > 1000:
            raise ValueError(f"custom_points: point {i} is {p!r}, coordinates must be within ±1000")
        points.append((float(p[0]), float(p[1])))
    # a tuple of float pairs whatever was given (lists, numpy arrays): the config stays hashable
    object.__setattr__(cfg, "custom_points", tuple(points))


def _is_point(p: object) -> bool:
    """Two real numbers (numpy scalars included, bools not), finite as floats."""
    try:
        x, y = p
        return all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                   and math.isfinite(float(v)) for v in (x, y))
    except (TypeError, ValueError, OverflowError):
        return False
