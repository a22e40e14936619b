"""2D toy distributions. Each dataset draws samples from a caller's `torch.Generator` (never the
global RNG, so one user's run cannot shift another's) and knows its plotting bounds; Gaussian
mixtures also expose their mode centres and std for the mode metrics (metrics.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .config import MAX_CUSTOM_POINTS, TrainConfig


@dataclass(frozen=True)
class Dataset:
    name: str
    centers: np.ndarray | None  # (n_modes, 2) for Gaussian mixtures, else None
    std: float | None  # std of every mode (mixtures), else None
    bounds: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max for plots and grids
    sampler: object  # (n, generator, device) -> (n, 2) float32 tensor

    @property
    def n_modes(self) -> int:
        return 0 if self.centers is None else len(self.centers)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points, shape (n, 2), float32, on the generator's device."""
        return self.sampler(n, generator)


def ring_centers(n_modes: int, radius: float) -> np.ndarray:
    # angles 2*pi*k/n for k < n: linspace(0, 2*pi, n) would put modes 0 and n-1 on one spot
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], 1)


def grid_centers(side: int, spacing: float) -> np.ndarray:
    ticks = spacing * (np.arange(side) - (side - 1) / 2)  # side 5, spacing 2: {-4, -2, 0, 2, 4}
    xx, yy = np.meshgrid(ticks, ticks, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], 1)


def make_dataset(cfg: TrainConfig) -> Dataset:
    """The distribution a config names, with its parameters."""
    if cfg.dataset in ("ring8", "grid25"):
        if cfg.dataset == "ring8":
            centers = ring_centers(cfg.ring_modes, cfg.ring_radius)
        else:
            centers = grid_centers(cfg.grid_side, cfg.grid_spacing)
        return _mixture(cfg.dataset, centers, cfg.std)
    if cfg.dataset == "spiral":
        return _curve("spiral", _spiral, cfg.noise, 1.0)
    if cfg.dataset == "moons":
        return _curve("moons", _moons, cfg.noise, 1.0)
    if cfg.dataset == "circles":
        return _curve("circles", _circles, cfg.noise, 1.0)
    return _custom(np.asarray(cfg.custom_points, dtype=np.float64), cfg.noise)


def _padded_bounds(points: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    lo, hi = points.min(0), points.max(0)
    half = max(float((hi - lo).max()) / 2, 0.5) + pad
    mid = (lo + hi) / 2  # square bounds: circles stay round on screen
    return (mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half)


def _around(points: np.ndarray, spread: float):
    """Sampler of a uniform pick of `points` plus N(0, spread²) noise: a Gaussian mixture with
    those centres (the ring and the grid) or noisy copies of a user's points."""
    p = torch.as_tensor(points, dtype=torch.float32)

    def sample(n: int, gen: torch.Generator) -> torch.Tensor:
        k = torch.randint(len(p), (n,), generator=gen, device=gen.device)
        eps = torch.randn(n, 2, generator=gen, device=gen.device)
        return p.to(gen.device)[k] + spread * eps

    return sample


def _mixture(name: str, centers: np.ndarray, std: float) -> Dataset:
    pad = max(1.0, 6 * std)
    return Dataset(name, centers, std, _padded_bounds(centers, pad), _around(centers, std))


def _curve(name: str, curve, noise: float, pad: float) -> Dataset:
    """A noisy 1D curve in the plane: curve(u) maps u ~ U(0, 1) to points."""

    def sample(n: int, gen: torch.Generator) -> torch.Tensor:
        u = torch.rand(n, generator=gen, device=gen.device)
        eps = torch.randn(n, 2, generator=gen, device=gen.device)
        return curve(u) + noise * eps

    outline = curve(torch.linspace(0, 1, 2001)).numpy()
    return Dataset(name, None, None, _padded_bounds(outline, pad + 3 * noise), sample)


def _spiral(u: torch.Tensor) -> torch.Tensor:
    # Archimedean spiral, 1.5 turns, radius 0.3 .. 2.5
    angle = 3 * math.pi * u
    r = 0.3 + 2.2 * u
    return torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)


def _moons(u: torch.Tensor) -> torch.Tensor:
    # two interleaved half circles (scikit-learn's make_moons), scaled by 1.5 and centred
    upper = u < 0.5
    t = math.pi * torch.where(upper, 2 * u, 2 * u - 1)
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return 1.5 * torch.stack([x - 0.5, y - 0.25], 1)


def _circles(u: torch.Tensor) -> torch.Tensor:
    # two concentric circles, radii 1 and 2, each holding half of the mass
    outer = u < 0.5
    t = 2 * math.pi * torch.where(outer, 2 * u, 2 * u - 1)
    r = torch.where(outer, 2.0, 1.0)
    return torch.stack([r * torch.cos(t), r * torch.sin(t)], 1)


def _custom(points: np.ndarray, noise: float) -> Dataset:
    bounds = _padded_bounds(points, 0.5 + 3 * noise)
    return Dataset("custom", None, None, bounds, _around(points, noise))


# What 20,000 points need: a line of two full-precision floats ("-0.12345678901234567,...") is
# under 45 bytes, so 20,000 of them stay under 1 MiB; 2 MiB leaves room for a header, comments
# and blank lines (and is the app's upload limit, .streamlit/config.toml server.maxUploadSize).
MAX_POINTS_BYTES = 2 * 1024 * 1024
MAX_POINTS_LINES = 2 * MAX_CUSTOM_POINTS  # points plus as many blank and comment lines
_QUOTE = 40  # characters of a bad line an error quotes


def read_points(data: bytes) -> tuple[tuple[float, float], ...]:
    """Points from the bytes of a CSV file (UTF-8, with or without a byte-order mark); the size
    is checked before anything is decoded. Raises ValueError (see `parse_points`)."""
    if len(data) > MAX_POINTS_BYTES:
        raise ValueError(f"the file has {len(data):,} bytes, at most {MAX_POINTS_BYTES:,} "
                         f"({MAX_CUSTOM_POINTS:,} points) are read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {e.start:,})") from None
    return parse_points(text)


def parse_points(text: str) -> tuple[tuple[float, float], ...]:
    """Points from CSV text: one 'x,y' per line, an optional header line, blank lines and '#'
    comments ignored; the size and the lines are counted before any line is parsed. Raises
    ValueError naming the offending line."""
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first value
    if len(text) > MAX_POINTS_BYTES:
        raise ValueError(f"{len(text):,} characters, at most {MAX_POINTS_BYTES:,} are read")
    lines = text.splitlines()
    if len(lines) > MAX_POINTS_LINES:
        raise ValueError(f"{len(lines):,} lines, at most {MAX_POINTS_LINES:,} are read "
                         f"({MAX_CUSTOM_POINTS:,} points)")
    points, header_allowed = [], True
    for i, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        quoted = repr(line if len(line) <= _QUOTE else line[:_QUOTE] + "…")
        parts = [s.strip() for s in line.replace(";", ",").split(",")]
        if len(parts) != 2:
            raise ValueError(f"line {i}: expected 'x,y' (two columns), got {quoted}")
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            if header_allowed:  # the first line may be a header such as 'x,y'
                header_allowed = False
                continue
            raise ValueError(f"line {i}: {quoted} is not two numbers") from None
        header_allowed = False
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"line {i}: {quoted} is not finite")
        points.append((x, y))
        if len(points) > MAX_CUSTOM_POINTS:
            raise ValueError(f"more than {MAX_CUSTOM_POINTS:,} points (line {i})")
    if len(points) < 2:
        raise ValueError("need at least 2 points, one 'x,y' per line")
    return tuple(points)


def points_csv(points) -> str:
    """CSV text of points that `parse_points` reads back exactly (repr: shortest exact form)."""
    return "x,y\n" + "".join(f"{float(x)!r},{float(y)!r}\n" for x, y in points)


def starter_points(name: str, n: int = 500, seed: int = 0) -> tuple[tuple[float, float], ...]:
    """n points of a built-in dataset, rounded to 0.01 (what the drawing canvas keeps), to
    start a drawing from."""
    gen = torch.Generator().manual_seed(seed)
    points = np.round(make_dataset(TrainConfig(dataset=name)).sample(n, gen).numpy()
                      .astype(np.float64), 2)
    return tuple((float(x), float(y)) for x, y in points)
