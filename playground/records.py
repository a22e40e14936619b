"""What training produces and figures consume: numpy only (no torch, no plotting).

`History` is append-only: per-step training statistics and, every few steps, the mode metrics
of 2500 generated samples. `Snapshot` is one frame of the live view; `RunResult` is what
`train()` returns."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

# Per-step statistics, all per run: losses, the mean of D's shown output on the last D batch
# (a probability for the minimax and non-saturating games, the raw output for the others: see
# catalog.Output), the gradient norms the players' optimisers received, E||grad_x D(x_real)||^2
# (R1), E||grad_x D(G(z))||^2 (R2) and E[(||grad_x f(x_hat)|| - 1)^2] (the gradient penalty);
# each penalty is NaN while no member of the population uses it.
STEP_FIELDS = ("step", "d_loss", "g_loss", "d_real", "d_fake", "grad_norm_d", "grad_norm_g", "r1",
               "r2", "gp")
# Per evaluation (2500 samples from fixed noise): the published mode metrics, modes holding a fair
# share of the HQ samples (metrics.FAIR_SHARE), grid JS, sliced W1, the median distance of fakes
# to the nearest real point and their mean movement since the last evaluation (both in units of
# the data's spread), and the median |grad G| over the steps since the last evaluation.
EVAL_FIELDS = ("step", "modes_captured", "high_quality", "reverse_kl", "js_grid", "sliced_w",
               "modes_covered", "fake_distance", "movement", "grad_g_median")


class History:
    """Append-only columns. `steps` and `evals` return dicts of 1D numpy arrays."""

    def __init__(self) -> None:
        self._step_chunks: list[np.ndarray] = []  # each (rows, len(STEP_FIELDS))
        self._eval_rows: list[tuple] = []
        self._mode_counts: list[np.ndarray] = []

    def append_steps(self, rows: np.ndarray) -> None:
        if len(rows):
            self._step_chunks.append(np.asarray(rows, dtype=np.float64))

    def append_evaluation(self, row: tuple, mode_counts: np.ndarray | None) -> None:
        self._eval_rows.append(tuple(float(v) for v in row))
        if mode_counts is not None:
            self._mode_counts.append(np.asarray(mode_counts))

    def _table(self) -> np.ndarray:
        if len(self._step_chunks) > 1:  # keep one chunk: reading stays O(rows)
            self._step_chunks = [np.concatenate(self._step_chunks)]
        if not self._step_chunks:
            return np.empty((0, len(STEP_FIELDS)))
        return self._step_chunks[0]

    @property
    def steps(self) -> dict[str, np.ndarray]:
        t = self._table()
        return {name: t[:, j] for j, name in enumerate(STEP_FIELDS)}

    @property
    def evals(self) -> dict[str, np.ndarray]:
        t = np.array(self._eval_rows, dtype=np.float64).reshape(-1, len(EVAL_FIELDS))
        return {name: t[:, j] for j, name in enumerate(EVAL_FIELDS)}

    @property
    def mode_counts(self) -> np.ndarray:
        """(evaluations, n_modes) counts of high-quality samples per mode (mixtures only)."""
        return np.array(self._mode_counts) if self._mode_counts else np.empty((0, 0))

    def __len__(self) -> int:
        return len(self._table())

    def to_csv(self) -> str:
        """One row per step; evaluation columns filled on the steps where they were measured."""
        steps, evals = self.steps, self.evals
        at = {int(s): j for j, s in enumerate(evals["step"])}
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(STEP_FIELDS + EVAL_FIELDS[1:])
        for i in range(len(steps["step"])):
            s = int(steps["step"][i])
            row = [s] + [_fmt(steps[f][i]) for f in STEP_FIELDS[1:]]
            j = at.get(s)
            row += [_fmt(evals[f][j]) if j is not None else "" for f in EVAL_FIELDS[1:]]
            w.writerow(row)
        return out.getvalue()


def _fmt(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.6g}"


def json_safe(value):
    """The same structure with non-finite floats as None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Verdict:
    label: str  # converged | mode_collapse | oscillating | stalled | diverged | training
    reason: str  # one line a user can read
    since: int | None = None  # first step of the run of evaluations that set the label


@dataclass(frozen=True)
class Snapshot:
    """One frame of the live view, float32 throughout. Probe points are fixed for the run, so
    the same dot is the same latent z in every frame."""

    step: int
    x_real: np.ndarray  # (n, 2) fixed real samples
    x_fake: np.ndarray  # (n, 2) G(z_probe)
    d_fake_raw: np.ndarray  # (n,) D's raw output at x_fake (logits for minimax / NS; the
    # History's d_fake is the mean of D's shown output, a probability for those two)
    g_grad: np.ndarray  # (n, 2) -grad_x of the selected G loss per sample: where G pushes it
    grid_x: np.ndarray  # (g,)
    grid_y: np.ndarray  # (g,)
    d_grid: np.ndarray  # (g, g) D's shown output (catalog.Output of `loss`), rows along y
    warp: np.ndarray  # (lines, points, 2) G applied to a lattice of latent lines
    loss: str
    metrics: dict = field(default_factory=dict)
    x_fake_avg: np.ndarray | None = None  # (n, 2) the averaged G's fakes (config.g_ema > 0)
    d_real_raw: np.ndarray | None = None  # (n,) D's raw output at x_real (centres a critic's
    # colours)


@dataclass(frozen=True)
class RunResult:
    config: object  # TrainConfig (kept untyped: records stays free of engine imports)
    steps: int
    seconds: float
    device: str
    history: History
    snapshot: Snapshot
    metrics: dict
    verdict: Verdict
    samples: np.ndarray  # (2500, 2) generated points the final metrics were measured on
    threads: int = 1  # torch intra-op threads the engine trained with (training.TRAIN_THREADS)
    frames: tuple = ()  # Snapshots spread over the run, when train(frames=...) asked for them
