"""Looking at a population without changing it: fixed probe and evaluation points per seed, the
mode metrics of every evaluation, the verdict, and the live view's snapshot of one member."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from .. import losses, metrics
from ..data import Dataset
from ..models import PopulationMLP
from ..records import EVAL_FIELDS, History, Snapshot
from .members import Members
from .streams import PROBE, stream

N_PROBE = 512
GRID = 64
_LATTICE_LINES, _LATTICE_POINTS = 9, 41


def latent_lattice(latent_dim: int) -> torch.Tensor:
    """Lines of a square lattice in the first two latent dims over [-2, 2]^2 (other dims 0),
    shape (1, lines * points, latent_dim); for latent_dim 1, one line along the axis."""
    t = torch.linspace(-2, 2, _LATTICE_POINTS)
    if latent_dim == 1:
        return torch.linspace(-3, 3, _LATTICE_POINTS).view(1, -1, 1)
    lines = []
    for c in torch.linspace(-2, 2, _LATTICE_LINES):
        lines.append(torch.stack([t, torch.full_like(t, c)], 1))  # horizontal
        lines.append(torch.stack([torch.full_like(t, c), t], 1))  # vertical
    z = torch.cat(lines)  # (2 * lines * points, 2)
    z = torch.cat([z, torch.zeros(len(z), latent_dim - 2)], 1)
    return z.unsqueeze(0)


class Observer:
    """Per member (from its seed's PROBE stream): N_PROBE latent points `z_probe` and real points
    `x_probe` for the live view, metrics.N_EVAL_SAMPLES latent points `z_eval` and real points
    `x_eval` (numpy) for the metrics; a GRID x GRID lattice over the data's bounds for D's
    landscape and a lattice of latent lines for the warped grid."""

    def __init__(self, dataset: Dataset, seeds: Sequence[int], latent_dim: int,
                 device: torch.device):
        self.dataset = dataset
        probe = {}
        for s in set(seeds):
            gen = torch.Generator().manual_seed(stream(s, PROBE))
            probe[s] = (
                torch.randn(N_PROBE, latent_dim, generator=gen),
                dataset.sample(N_PROBE, gen),
                torch.randn(metrics.N_EVAL_SAMPLES, latent_dim, generator=gen),
                dataset.sample(metrics.N_EVAL_SAMPLES, gen),
            )

        def stack(j: int) -> torch.Tensor:
            return torch.stack([probe[s][j] for s in seeds]).to(device)

        self.z_probe, self.x_probe, self.z_eval = stack(0), stack(1), stack(2)
        self.x_eval = stack(3).cpu().numpy()
        self._references: list[metrics.Reference] | None = None  # at the first evaluation
        x0, x1, y0, y1 = dataset.bounds
        self.grid_x = np.linspace(x0, x1, GRID, dtype=np.float32)
        self.grid_y = np.linspace(y0, y1, GRID, dtype=np.float32)
        gx, gy = np.meshgrid(self.grid_x, self.grid_y)  # rows along y
        grid = np.stack([gx.ravel(), gy.ravel()], 1)  # (GRID * GRID, 2)
        self._grid_points = torch.as_tensor(grid, device=device)
        self._z_lattice = latent_lattice(latent_dim).to(device)
        self._last_eval: np.ndarray | None = None  # previous evaluation samples (movement)

    def evaluate(self, samples: np.ndarray, histories: Sequence[History], step: int) -> None:
        """Metrics of each member's (2500, 2) samples against its real evaluation points,
        appended to its history as the evaluation at `step`."""
        ds = self.dataset
        if self._references is None:
            self._references = [metrics.Reference(x) for x in self.x_eval]
        for k, hist in enumerate(histories):
            m = metrics.evaluate(samples[k], self._references[k], ds.bounds, ds.centers, ds.std)
            counts = None
            if ds.centers is not None:
                counts = metrics.mode_counts(samples[k], ds.centers, ds.std)
            if self._last_eval is not None:
                m["movement"] = metrics.movement(samples[k], self._last_eval[k],
                                               self._references[k])
            previous = hist.evals["step"]
            since = int(previous[-1]) if len(previous) else 0
            grad_g = hist.steps["grad_norm_g"][since:]  # steps are rows 0, 1, ... = step - 1
            if np.isfinite(grad_g).any():
                m["grad_g_median"] = float(np.nanmedian(grad_g))
            row = [step] + [m.get(f, math.nan) for f in EVAL_FIELDS[1:]]
            hist.append_evaluation(tuple(row), counts)
        self._last_eval = samples

    def latest_metrics(self, history: History) -> dict:
        """The last evaluation as a dict (mode metrics only for data with modes)."""
        ev = history.evals
        if not len(ev["step"]):
            return {}
        out = {f: float(ev[f][-1]) for f in EVAL_FIELDS}
        out["step"] = int(out["step"])
        if self.dataset.centers is None:
            for f in ("modes_captured", "high_quality", "reverse_kl", "modes_covered"):
                out.pop(f)
        else:
            out["modes_captured"] = int(out["modes_captured"])
            out["modes_covered"] = int(out["modes_covered"])
            out["n_modes"] = self.dataset.n_modes
        return out

    def verdict(self, history: History, diverged_at: int | None):
        return metrics.verdict(history.evals, history.mode_counts, self.dataset.n_modes,
                               diverged_at)

    def snapshot(self, k: int, G: PopulationMLP, G_avg: PopulationMLP | None, D: PopulationMLP,
                 members: Members, step: int, latest: dict, loss: str) -> Snapshot:
        """Member k's live view: probe points, D landscape, G-loss gradients, warped latent grid
        (G_avg: the averaged G whose fakes are shown too, or None)."""
        with torch.no_grad():
            x_fake = G(self.z_probe[k : k + 1], member=k)  # (1, n, 2)
            x_avg = G_avg(self.z_probe[k : k + 1], member=k) if G_avg is not None else None
            p = members.probability[k]
            d_grid = losses.shown_output(D(self._grid_points.unsqueeze(0), member=k)[0], p)
            warp = G(self._z_lattice, member=k)[0].view(-1, _LATTICE_POINTS, 2)
            d_real = D(self.x_probe[k : k + 1], member=k)[0, :, 0]
        x = x_fake.detach().requires_grad_(True)
        d_fake = D(x, member=k)  # (1, n, 1)
        # the per-sample loss (mean times n), so arrows do not shrink with the probe count
        g_loss = members.member_g_loss(k, d_fake).sum() * x.shape[1]
        (grad,) = torch.autograd.grad(g_loss, x)

        def f32(t: torch.Tensor) -> np.ndarray:
            return t.detach().cpu().numpy().astype(np.float32)

        return Snapshot(
            step=step,
            x_real=f32(self.x_probe[k]),
            x_fake=f32(x_fake[0]),
            d_fake_raw=f32(d_fake[0, :, 0]),
            g_grad=f32(-grad[0]),
            grid_x=self.grid_x,
            grid_y=self.grid_y,
            d_grid=f32(d_grid.view(GRID, GRID)),
            warp=f32(warp),
            loss=loss,
            metrics=latest,
            x_fake_avg=None if x_avg is None else f32(x_avg[0]),
            d_real_raw=f32(d_real),
        )
