"""Training: a population of K independent GANs advanced as one batched program.

One training step (Goodfellow et al. 2014, Algorithm 1) for every member at once:
  k = d_steps times:  x_real ~ p_data, z ~ N(0, I)
                      D <- D - lr_d * Adam(grad_D [d_loss(D(x_real), D(G(z))) + r1_gamma/2 * R1])
  once:               z ~ N(0, I);  G <- G - lr_g * Adam(grad_G g_loss(D(G(z))))
Members differ only in per-member coefficient tensors (which G loss, r1_gamma, learning rates,
betas) and in their seed, so one static program trains minimax and non-saturating, with and
without R1, side by side, and on CUDA the whole step is captured once as a CUDA graph.

Randomness: each distinct seed owns torch.Generators (never the global RNG) that fill blocks of
BLOCK steps of data and noise ahead of time; a step reads its row of the block. So members with
the same seed are paired (same initial weights, same data and noise at every step), a member's
trajectory does not depend on who else is in the population, and the graphed step contains no
RNG call at all. `GANRun` is the K = 1 view used by the live page; `train()` the headless API.

Threads: the engine trains with TRAIN_THREADS torch intra-op threads whatever the caller set, so
the CLI, the API and the pages give bit-identical histories for one config and seed on one
machine. One thread is also the fastest for these MLPs on a busy machine: with more threads than
free cores, OpenMP's spin-waiting collapses throughput (2.6 steps/s with 2 threads against 93
with 1, measured on 2 busy cores). Bitwise equality holds within one population size class:
torch multiplies a batch of one (K = 1) with a different kernel than K >= 2, so a member of a
sweep equals the same config trained alone only to float rounding.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import torch

from . import losses, metrics
from .budget import BLOCK, block_length
from .config import TrainConfig
from .data import make_dataset
from .models import PopulationMLP, mlp_sizes
from .records import EVAL_FIELDS, STEP_FIELDS, History, RunResult, Snapshot

MEMBER_FIELDS = ("loss", "r1_gamma", "lr_g", "lr_d", "beta1", "beta2", "g_ema", "seed")
LIVE_FIELDS = ("loss", "r1_gamma", "lr_g", "lr_d", "beta1", "beta2", "g_ema")  # changeable mid-run
TRAIN_THREADS = 1
N_PROBE = 512
GRID = 64
ADAM_EPS = 1e-8

# streams of a seed's randomness; distinct offsets keep them independent
_G_INIT, _D_INIT, _DATA, _NOISE, _PROBE = range(5)


def _stream(seed: int, stream: int) -> int:
    return seed * 8 + stream


def _generator(device: torch.device, seed: int, stream: int) -> torch.Generator:
    return torch.Generator(device).manual_seed(_stream(seed, stream))


def fix_threads() -> None:
    """Set torch's intra-op threads to TRAIN_THREADS for the calling thread (torch has no
    per-call setting; OpenMP keeps the count per thread, so each training thread sets it)."""
    if torch.get_num_threads() != TRAIN_THREADS:
        torch.set_num_threads(TRAIN_THREADS)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device: 'cuda' was asked for but torch sees no CUDA device")
    return torch.device(name)


def device_label(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return "cpu"


def structure_key(cfg: TrainConfig) -> TrainConfig:
    """The config with its per-member fields blanked: members of one population share it."""
    return replace(cfg, **{f: TrainConfig.__dataclass_fields__[f].default for f in MEMBER_FIELDS})


class _Optimizer:
    """Adam (Kingma & Ba 2015, as torch.optim.Adam computes it) or plain SGD over a population's
    parameters, with per-member learning rates and betas of shape (K, 1, 1)."""

    def __init__(self, params: list[torch.Tensor], kind: str, lr, beta1, beta2):
        self.params, self.kind = params, kind
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t = torch.zeros((), device=params[0].device)
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def step(self, grads: Sequence[torch.Tensor]) -> None:
        with torch.no_grad():
            if self.kind == "sgd":
                for p, g in zip(self.params, grads):
                    p.sub_(self.lr * g)
                return
            self.t += 1
            bias1 = 1 - self.beta1**self.t
            bias2_sqrt = (1 - self.beta2**self.t).sqrt()
            step_size = self.lr / bias1
            for p, g, m, v in zip(self.params, grads, self.m, self.v):
                m.lerp_(g, 1 - self.beta1)
                v.mul_(self.beta2).add_((1 - self.beta2) * g * g)
                p.sub_(step_size * m / (v.sqrt() / bias2_sqrt + ADAM_EPS))

    def state(self) -> list[torch.Tensor]:
        return [self.t, *self.m, *self.v]


def _per_member_norm(grads: Sequence[torch.Tensor]) -> torch.Tensor:
    """(K,) L2 norm of each member's full gradient."""
    return torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0).sqrt()


class Population:
    """K GANs trained together. All configs must share everything but MEMBER_FIELDS."""

    def __init__(
        self,
        configs: Sequence[TrainConfig],
        *,
        eval_every: int = 100,
        graph: bool | None = None,
        device: torch.device | None = None,
    ):
        if not configs:
            raise ValueError("a population needs at least one config")
        keys = {structure_key(c) for c in configs}
        if len(keys) > 1:
            raise ValueError(
                "members of one population may differ only in " + ", ".join(MEMBER_FIELDS)
            )
        self.configs = list(configs)
        base = self.configs[0]
        self.device = device or resolve_device(base.device)
        self.dataset = make_dataset(base)
        if isinstance(eval_every, bool) or not isinstance(eval_every, int) or eval_every < 0:
            raise ValueError(f"eval_every: expected an integer >= 0 (0: never), got {eval_every!r}")
        self.eval_every = eval_every
        # steps of randomness drawn at once: BLOCK, fewer for a config whose block would be large
        # (budget.block_length); part of the RNG stream, so fixed per config
        self.block = block_length(base)
        self.step_count = 0
        K, dev = len(configs), self.device
        seeds = [c.seed for c in configs]

        self.G = PopulationMLP(
            mlp_sizes(base.latent_dim, base.hidden, base.depth, 2),
            [_stream(s, _G_INIT) for s in seeds], base.activation, dev,
        )
        self.D = PopulationMLP(
            mlp_sizes(2, base.hidden, base.depth, 1),
            [_stream(s, _D_INIT) for s in seeds], base.activation, dev,
        )
        # per-member coefficients: changed in place, so a captured graph sees new values
        def column(name: str) -> torch.Tensor:  # (K, 1, 1): broadcasts over a member's weights
            values = [float(getattr(c, name)) for c in configs]
            return torch.tensor(values, device=dev).view(K, 1, 1)

        self.lr_g, self.lr_d = column("lr_g"), column("lr_d")
        self.beta1, self.beta2 = column("beta1"), column("beta2")
        self.g_ema = column("g_ema")
        self.G_avg = self.G.averaged_copy()  # moving average of G, updated while any g_ema > 0
        self._use_ema = bool((self.g_ema > 0).any())
        self.r1_gamma = torch.tensor([c.r1_gamma for c in configs], device=dev)
        self.loss_weight = {
            name: torch.tensor([float(c.loss == name) for c in configs], device=dev)
            for name in losses.LOSSES
        }
        self.g_opt = _Optimizer(self.G.params, base.optimizer, self.lr_g, self.beta1, self.beta2)
        self.d_opt = _Optimizer(self.D.params, base.optimizer, self.lr_d, self.beta1, self.beta2)

        # randomness: one generator pair per distinct seed, members gather their seed's rows
        self._groups = sorted(set(seeds))
        self._member_group = torch.tensor([self._groups.index(s) for s in seeds], device=dev)
        self._data_gens = [_generator(dev, s, _DATA) for s in self._groups]
        self._noise_gens = [_generator(dev, s, _NOISE) for s in self._groups]
        self._row = torch.zeros(1, dtype=torch.long, device=dev)
        self._host_row = self.block  # forces a refill before the first step
        self._stats = torch.zeros(self.block, K, len(STEP_FIELDS) - 1, device=dev)
        self._flushed = 0
        self._block_start = 0
        self._half_steps: dict[int, tuple[bool, bool]] = {}  # block row -> (d, g) updated
        self._fill_block()
        self._host_row = 0

        self.histories = [History() for _ in configs]
        self._last_eval: np.ndarray | None = None  # previous evaluation samples (movement)
        self.diverged_at: list[int | None] = [None] * K
        self._probe(seeds)
        self._graph = None
        self._graph_wanted = self.device.type == "cuda" if graph is None else graph
        self.graph_error: str | None = None
        self._use_r1 = bool((self.r1_gamma > 0).any())

    # -- randomness -----------------------------------------------------------------------------
    def _fill_block(self) -> None:
        c, n = self.configs[0], self.configs[0].batch_size
        k, zdim, b = c.d_steps, c.latent_dim, self.block
        x, zd, zg = [], [], []
        for dg, ng in zip(self._data_gens, self._noise_gens):
            x.append(self.dataset.sample(b * k * n, dg).view(b, k, n, 2))
            zd.append(torch.randn(b, k, n, zdim, generator=ng, device=self.device))
            zg.append(torch.randn(b, n, zdim, generator=ng, device=self.device))
        blocks = (torch.stack(x, 1), torch.stack(zd, 1), torch.stack(zg, 1))  # (block, S, ...)
        if hasattr(self, "_x_block"):  # copy into the same storage: a captured graph reads it
            for dst, src in zip((self._x_block, self._zd_block, self._zg_block), blocks):
                dst.copy_(src)
        else:
            self._x_block, self._zd_block, self._zg_block = blocks

    def _rows(self):
        """This step's data and noise for every member: (K, k, n, 2), (K, k, n, z), (K, n, z)."""
        def pick(block: torch.Tensor) -> torch.Tensor:
            return block.index_select(0, self._row)[0].index_select(0, self._member_group)

        return pick(self._x_block), pick(self._zd_block), pick(self._zg_block)

    # -- the step -------------------------------------------------------------------------------
    def _d_update(self, x_real: torch.Tensor, z: torch.Tensor):
        with torch.no_grad():
            x_fake = self.G(z)
        if self._use_r1:
            x_real = x_real.detach().requires_grad_(True)
        d_real, d_fake = self.D(x_real), self.D(x_fake)
        d_loss = losses.d_loss(d_real, d_fake)  # (K,)
        total = d_loss
        r1 = torch.full_like(d_loss, math.nan)
        if self._use_r1:
            r1 = losses.r1_penalty(d_real, x_real)
            total = d_loss + self.r1_gamma / 2 * r1
        grads = torch.autograd.grad(total.sum(), self.D.params)
        self.d_opt.step(grads)
        with torch.no_grad():
            probs = (torch.sigmoid(d_real).mean((1, 2)), torch.sigmoid(d_fake).mean((1, 2)))
        return d_loss.detach(), r1.detach(), probs, _per_member_norm(grads)

    def _g_loss(self, d_fake: torch.Tensor) -> torch.Tensor:
        """(K,) each member's own G loss, selected by its one-hot loss weights."""
        return sum(w * losses.LOSSES[name](d_fake) for name, w in self.loss_weight.items())

    def _g_update(self, z: torch.Tensor):
        g_loss = self._g_loss(self.D(self.G(z)))
        grads = torch.autograd.grad(g_loss.sum(), self.G.params)
        self.g_opt.step(grads)
        if self._use_ema:
            with torch.no_grad():
                # avg <- g_ema * avg + (1 - g_ema) * G; lerp at weight 1 returns G exactly, so a
                # member with g_ema = 0 keeps avg == G
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg.lerp_(p, 1 - self.g_ema)
        return g_loss.detach(), _per_member_norm(grads)

    def _step(self, d: bool = True, g: bool = True) -> None:
        x_real, z_d, z_g = self._rows()
        nan = torch.full((len(self.configs),), math.nan, device=self.device)
        d_loss = r1 = d_real = d_fake = gn_d = g_loss = gn_g = nan
        if d:
            for i in range(self.configs[0].d_steps):
                d_loss, r1, (d_real, d_fake), gn_d = self._d_update(x_real[:, i], z_d[:, i])
        if g:
            g_loss, gn_g = self._g_update(z_g)
        stats = torch.stack([d_loss, g_loss, d_real, d_fake, gn_d, gn_g, r1], 1)  # (K, 7)
        self._stats.index_copy_(0, self._row, stats.unsqueeze(0))
        self._row += 1

    def _capture(self) -> None:
        """Capture `_step` as a CUDA graph. Warm-up runs on a side stream (as torch requires)
        and is undone afterwards, so graphed and eager training give the same trajectory."""
        saved = [t.clone() for t in self._state()]
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(3):
                self._step()
        torch.cuda.current_stream(self.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._step()
        for t, s in zip(self._state(), saved):
            t.copy_(s)
        self._graph = graph

    def _state(self) -> list[torch.Tensor]:
        return [*self.G.params, *self.D.params, *self.g_opt.state(), *self.d_opt.state(),
                *self.G_avg.params, self._row, self._stats]

    def _next_block_if_used(self) -> None:
        if self._host_row == self.block:
            self._flush()
            self._fill_block()
            self._row.zero_()
            self._host_row, self._flushed, self._block_start = 0, 0, self.step_count

    # -- public ---------------------------------------------------------------------------------
    @property
    def graphed(self) -> bool:
        """True once the step runs as a captured CUDA graph."""
        return self._graph is not None

    def step(self, d: bool = True, g: bool = True) -> None:
        """One training step for every member (d / g False: update only the other player)."""
        fix_threads()
        self._next_block_if_used()
        if d and g and self._graph_wanted and self._graph is None and self.graph_error is None:
            try:
                self._capture()
            except RuntimeError as e:  # e.g. an op that cannot be captured: train eagerly
                self.graph_error = str(e).splitlines()[0]
                self._graph_wanted = False
        if d and g and self._graph is not None:
            self._graph.replay()
        else:
            self._step(d, g)
            if not (d and g):
                self._half_steps[self._host_row] = (d, g)
        self._host_row += 1
        self.step_count += 1
        if self.eval_every and self.step_count % self.eval_every == 0:
            self._flush()
            self.evaluate()

    def advance(self, n: int, *, until: Callable[[], bool] | None = None) -> int:
        """Up to n steps; stops early when every member diverged or `until()` is true.
        Checked after every step on the CPU, where reading the statistics is free, and every
        BLOCK steps on a GPU, where it costs a device sync. Returns the number of steps taken."""
        check_every = BLOCK if self.device.type == "cuda" else 1
        for i in range(n):
            self.step()
            if (i + 1) % check_every == 0 or i + 1 == n:
                self._flush()
                if all(s is not None for s in self.diverged_at) or (until and until()):
                    return i + 1
        return n

    def _flush(self) -> None:
        """Move this block's recorded statistics to the members' histories (one transfer)."""
        if self._flushed == self._host_row:
            return
        rows = self._stats[self._flushed:self._host_row].cpu().numpy()  # (r, K, 7)
        steps = self._block_start + np.arange(self._flushed, self._host_row) + 1
        updated = np.ones((len(rows), 2), dtype=bool)
        for row, players in self._half_steps.items():
            if row >= self._flushed:
                updated[row - self._flushed] = players
        for k, hist in enumerate(self.histories):
            hist.append_steps(np.column_stack([steps, rows[:, k]]))
            if self.diverged_at[k] is None:
                # losses and gradient norms of the players that were updated (a half step leaves
                # the other player's columns NaN on purpose)
                d_bad = ~np.isfinite(rows[:, k, [0, 4]]).all(1) & updated[:, 0]
                g_bad = ~np.isfinite(rows[:, k, [1, 5]]).all(1) & updated[:, 1]
                bad = np.nonzero(d_bad | g_bad)[0]
                if len(bad):
                    self.diverged_at[k] = int(steps[bad[0]])
        self._half_steps.clear()
        self._flushed = self._host_row

    def set_member(self, k: int, **changes) -> None:
        """Change LIVE_FIELDS of member k without restarting it (validated like a new config)."""
        bad = set(changes) - set(LIVE_FIELDS)
        if bad:
            raise ValueError(f"cannot change {', '.join(sorted(bad))} mid-run (reset instead)")
        old, cfg = self.configs[k], replace(self.configs[k], **changes)
        self.configs[k] = cfg
        with torch.no_grad():
            self.lr_g[k] = cfg.lr_g
            self.lr_d[k] = cfg.lr_d
            self.beta1[k] = cfg.beta1
            self.beta2[k] = cfg.beta2
            self.r1_gamma[k] = cfg.r1_gamma
            if cfg.g_ema != old.g_ema:  # a new decay restarts the average from G as it is
                self.g_ema[k] = cfg.g_ema
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg[k].copy_(p[k])
            for name, w in self.loss_weight.items():
                w[k] = float(cfg.loss == name)
        use_r1, use_ema = bool((self.r1_gamma > 0).any()), bool((self.g_ema > 0).any())
        if use_ema and not self._use_ema:  # the average was not kept: start it from G now
            with torch.no_grad():
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg.copy_(p)
        if (use_r1, use_ema) != (self._use_r1, self._use_ema):  # the program changed: recapture
            self._use_r1, self._use_ema, self._graph = use_r1, use_ema, None

    # -- looking at the members -----------------------------------------------------------------
    def _probe(self, seeds: Sequence[int]) -> None:
        """Fixed latent and real points per seed: live-view probes and metric evaluation sets."""
        c = self.configs[0]
        probe = {}
        for s in set(seeds):
            gen = torch.Generator().manual_seed(_stream(s, _PROBE))
            probe[s] = (
                torch.randn(N_PROBE, c.latent_dim, generator=gen),
                self.dataset.sample(N_PROBE, gen),
                torch.randn(metrics.N_EVAL_SAMPLES, c.latent_dim, generator=gen),
                self.dataset.sample(metrics.N_EVAL_SAMPLES, gen),
            )
        def stack(j: int) -> torch.Tensor:
            return torch.stack([probe[s][j] for s in seeds]).to(self.device)

        self.z_probe, self.x_probe, self.z_eval = stack(0), stack(1), stack(2)
        self.x_eval = stack(3).cpu().numpy()
        x0, x1, y0, y1 = self.dataset.bounds
        self.grid_x = np.linspace(x0, x1, GRID, dtype=np.float32)
        self.grid_y = np.linspace(y0, y1, GRID, dtype=np.float32)
        gx, gy = np.meshgrid(self.grid_x, self.grid_y)  # rows along y
        grid = np.stack([gx.ravel(), gy.ravel()], 1)  # (GRID * GRID, 2)
        self._grid_points = torch.as_tensor(grid, device=self.device)
        self._z_lattice = _latent_lattice(c.latent_dim).to(self.device)

    @property
    def evaluated_G(self) -> PopulationMLP:
        """The generator that metrics and the verdict judge: the moving average when any member
        keeps one (members with g_ema = 0 hold avg == G), else G itself."""
        return self.G_avg if self._use_ema else self.G

    @torch.no_grad()
    def eval_samples(self) -> np.ndarray:
        """(K, 2500, 2) samples of every member's evaluated G from its fixed evaluation noise."""
        fix_threads()
        return self.evaluated_G(self.z_eval).cpu().numpy()

    def evaluate(self) -> None:
        """Metrics of 2500 samples per member against 2500 real ones; appended to histories."""
        samples = self.eval_samples()
        ds = self.dataset
        for k, hist in enumerate(self.histories):
            m = metrics.evaluate(samples[k], self.x_eval[k], ds.bounds, ds.centers, ds.std)
            counts = None
            if ds.centers is not None:
                counts = metrics.mode_counts(samples[k], ds.centers, ds.std)
            if self._last_eval is not None:
                m["movement"] = metrics.movement(samples[k], self._last_eval[k], self.x_eval[k])
            previous = hist.evals["step"]
            since = int(previous[-1]) if len(previous) else 0
            grad_g = hist.steps["grad_norm_g"][since:]  # steps are rows 0, 1, ... = step - 1
            if np.isfinite(grad_g).any():
                m["grad_g_median"] = float(np.nanmedian(grad_g))
            row = [self.step_count] + [m.get(f, math.nan) for f in EVAL_FIELDS[1:]]
            hist.append_evaluation(tuple(row), counts)
        self._last_eval = samples

    def latest_metrics(self, k: int) -> dict:
        ev = self.histories[k].evals
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

    def verdict(self, k: int):
        self._flush()
        h = self.histories[k]
        return metrics.verdict(h.evals, h.mode_counts, self.dataset.n_modes, self.diverged_at[k])

    def snapshot(self, k: int = 0) -> Snapshot:
        """Member k's live view: probe points, D landscape, G-loss gradients, warped latent grid."""
        self._flush()
        fix_threads()
        c = self.configs[k]
        G, D = self.G, self.D
        with torch.no_grad():
            x_fake = G(self.z_probe[k : k + 1], member=k)  # (1, n, 2)
            x_avg = self.G_avg(self.z_probe[k : k + 1], member=k) if c.g_ema > 0 else None
            d_grid = torch.sigmoid(D(self._grid_points.unsqueeze(0), member=k)[0])
            warp = G(self._z_lattice, member=k)[0].view(-1, _LATTICE_POINTS, 2)
        x = x_fake.detach().requires_grad_(True)
        d_fake = D(x, member=k)  # (1, n, 1)
        # the per-sample loss (mean times n), so arrows do not shrink with the probe count
        g_loss = losses.LOSSES[c.loss](d_fake).sum() * x.shape[1]
        (grad,) = torch.autograd.grad(g_loss, x)
        def f32(t: torch.Tensor) -> np.ndarray:
            return t.detach().cpu().numpy().astype(np.float32)

        return Snapshot(
            step=self.step_count,
            x_real=f32(self.x_probe[k]),
            x_fake=f32(x_fake[0]),
            d_fake=f32(d_fake[0, :, 0]),
            g_grad=f32(-grad[0]),
            grid_x=self.grid_x,
            grid_y=self.grid_y,
            d_grid=f32(d_grid.view(GRID, GRID)),
            warp=f32(warp),
            loss=c.loss,
            metrics=self.latest_metrics(k),
            x_fake_avg=None if x_avg is None else f32(x_avg[0]),
        )


_LATTICE_LINES, _LATTICE_POINTS = 9, 41


def _latent_lattice(latent_dim: int) -> torch.Tensor:
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


class GANRun:
    """One GAN (a population of one) with the surface the live page needs."""

    def __init__(
        self, config: TrainConfig, *, eval_every: int = 100, graph: bool | None = None
    ):
        self.population = Population([config], eval_every=eval_every, graph=graph)

    @property
    def config(self) -> TrainConfig:
        return self.population.configs[0]

    @property
    def step_count(self) -> int:
        return self.population.step_count

    @property
    def history(self) -> History:
        self.population._flush()
        return self.population.histories[0]

    @property
    def device(self) -> torch.device:
        return self.population.device

    @property
    def diverged(self) -> bool:
        self.population._flush()
        return self.population.diverged_at[0] is not None

    def step(self, d: bool = True, g: bool = True) -> None:
        self.population.step(d, g)

    def advance(self, n: int) -> int:
        return self.population.advance(n)

    def advance_for(
        self, seconds: float, max_steps: int, *, stop: Callable[[], bool] | None = None
    ) -> int:
        """Train until `seconds` have passed, `max_steps` steps were taken, `stop()` is true or
        the run diverged; returns the steps taken. The live page's chunks: the clock and `stop`
        are read after every step on the CPU, so a chunk overruns by at most one step and a
        Pause is answered within one step."""
        deadline = time.perf_counter() + seconds

        def until() -> bool:
            return time.perf_counter() >= deadline or (stop is not None and stop())

        return self.population.advance(max_steps, until=until)

    def update(self, **changes) -> None:
        """Apply loss / r1_gamma / learning-rate / beta changes to the running game."""
        self.population.set_member(0, **changes)

    def evaluate(self) -> None:
        self.population.evaluate()

    def snapshot(self) -> Snapshot:
        return self.population.snapshot(0)

    def verdict(self):
        return self.population.verdict(0)

    def metrics(self) -> dict:
        return self.population.latest_metrics(0)


def train(config: TrainConfig, steps: int, *, eval_every: int = 100, progress=None,
          frames: int = 0) -> RunResult:
    """Train one GAN headless for `steps` steps (fewer if it diverges) and measure it.
    `progress(done, total)` is called every BLOCK steps if given. With `frames` > 1, about
    that many snapshots evenly spaced from step 0 to the end are kept in `RunResult.frames`
    (for the animated replay); taking them changes nothing in training."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps: expected a non-negative integer, got {steps!r}")
    run = GANRun(config, eval_every=eval_every)
    every = -(-steps // (frames - 1)) if frames > 1 and steps else 0
    shots = [run.snapshot()] if every else []
    start = time.perf_counter()
    done = 0
    while done < steps and not run.diverged:
        chunk = min(BLOCK, steps - done, every - done % every if every else BLOCK)
        done += run.advance(chunk)
        if every and (done % every == 0 or done == steps or run.diverged):
            shots.append(run.snapshot())
        if progress:
            progress(done, steps)
    if run.device.type == "cuda":
        torch.cuda.synchronize(run.device)
    seconds = time.perf_counter() - start
    if not run.diverged and (not eval_every or done % eval_every):
        run.evaluate()  # the final state is always measured
    return RunResult(
        config=config,
        steps=done,
        seconds=seconds,
        device=device_label(run.device),
        history=run.history,
        snapshot=run.snapshot(),
        metrics=run.metrics(),
        verdict=run.verdict(),
        samples=run.population.eval_samples()[0],
        threads=TRAIN_THREADS,
        frames=tuple(shots),
    )
