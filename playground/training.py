"""Training: a population of K independent GANs advanced as one batched program.

One training step (Goodfellow et al. 2014, Algorithm 1) for every member at once:
  k = d_steps times:  x_real ~ p_data, z ~ N(0, I), eps ~ U(0, 1)
                      D <- D - lr_d * Adam(grad_D [d_loss(D(x_real), D(G(z)))
                                                   + r1_gamma/2 * R1 + r2_gamma/2 * R2 + GP])
  once:               z ~ N(0, I);  G <- G - lr_g * Adam(grad_G g_loss(D(G(z))))
Members differ only in per-member coefficient tensors (one-hot weights of their loss, r1_gamma,
r2_gamma, the gradient penalty's weight, learning rates, betas, their number of D steps) and in
their seed, so one static program trains every loss of `losses.LOSSES`, with and without
penalties, side by side: each term that some member needs is computed for all members and
weighted per member (0 for the others), and a term that no member needs is not computed. On
CUDA the whole step is captured once as a CUDA graph (and captured again when a change of the
members' settings changes which terms are needed).

Members with fewer D steps than the population's largest d_steps skip the later D updates: their
optimizer step is masked (parameters and Adam state unchanged), so they train as they would
alone, only paying for the others' extra D steps.

Randomness: each distinct (seed, d_steps) owns torch.Generators (never the global RNG) that
fill blocks of BLOCK steps of data and noise ahead of time; a step reads its row of the block. So
members with the same seed are paired (same initial weights; with the same d_steps also the same
data and noise at every step), a member's trajectory does not depend on who else is in the
population, and the graphed step contains no RNG call at all. The interpolation weights of the
gradient penalty come from a stream of their own, drawn whether or not a member uses them, so
switching a member's loss mid-run, or mixing losses, leaves every other stream unchanged.
`GANRun` is the K = 1 view used by the live page; `train()` the headless API.

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

from . import catalog, losses, metrics
from .budget import BLOCK, block_length
from .config import TrainConfig
from .data import make_dataset
from .models import PopulationMLP, mlp_sizes
from .records import EVAL_FIELDS, STEP_FIELDS, History, RunResult, Snapshot

MEMBER_FIELDS = ("loss", "r1_gamma", "r2_gamma", "lr_g", "lr_d", "beta1", "beta2", "g_ema",
                 "d_steps", "seed")
# changeable mid-run
LIVE_FIELDS = ("loss", "r1_gamma", "r2_gamma", "lr_g", "lr_d", "beta1", "beta2", "g_ema")
TRAIN_THREADS = 1
N_PROBE = 512
GRID = 64
ADAM_EPS = 1e-8

# streams of a seed's randomness; distinct offsets keep them independent
_G_INIT, _D_INIT, _DATA, _NOISE, _PROBE, _INTERP = range(6)


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
    parameters, with per-member learning rates, betas and step counts of shape (K, 1, 1)."""

    def __init__(self, params: list[torch.Tensor], kind: str, lr, beta1, beta2):
        self.params, self.kind = params, kind
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t = torch.zeros_like(lr)
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def step(self, grads: Sequence[torch.Tensor], active: torch.Tensor | None = None) -> None:
        """One update; with `active` ((K, 1, 1) bool) only those members move (the others keep
        parameters and state). The masked arithmetic is the unmasked one, value for value."""
        with torch.no_grad():
            if active is not None:
                self._masked_step(grads, active)
                return
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

    def _masked_step(self, grads: Sequence[torch.Tensor], active: torch.Tensor) -> None:
        if self.kind == "sgd":
            for p, g in zip(self.params, grads):
                p.copy_(torch.where(active, p - self.lr * g, p))
            return
        self.t += active.to(self.t.dtype)
        bias1 = 1 - self.beta1**self.t
        bias2_sqrt = (1 - self.beta2**self.t).sqrt()
        step_size = self.lr / bias1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.copy_(torch.where(active, m.lerp(g, 1 - self.beta1), m))
            v.copy_(torch.where(active, v * self.beta2 + (1 - self.beta2) * g * g, v))
            p.copy_(torch.where(active, p - step_size * m / (v.sqrt() / bias2_sqrt + ADAM_EPS), p))

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
        self.block = min(block_length(c) for c in configs)  # d_steps may differ per member
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
        self.r1_gamma = torch.tensor([c.r1_gamma for c in configs], device=dev)
        self.r2_gamma = torch.tensor([c.r2_gamma for c in configs], device=dev)
        self.loss_weight = {
            name: torch.tensor([float(c.loss == name) for c in configs], device=dev)
            for name in losses.LOSSES
        }
        self.gp_weight = torch.zeros(K, device=dev)  # lambda of the members with a GP loss
        self.probability = torch.zeros(K, 1, 1, device=dev)  # 1: D's output shown as sigmoid
        self._set_loss_coefficients()
        # D updates: each member makes its own d_steps of the population's largest number
        d_steps = [c.d_steps for c in configs]
        self.max_d_steps = max(d_steps)
        self._d_active = None  # (max_d_steps, K, 1, 1) bool: member takes D update i
        if len(set(d_steps)) > 1:
            steps = torch.tensor(d_steps, device=dev).view(1, K, 1, 1)
            self._d_active = torch.arange(self.max_d_steps, device=dev).view(-1, 1, 1, 1) < steps
        self.g_opt = _Optimizer(self.G.params, base.optimizer, self.lr_g, self.beta1, self.beta2)
        self.d_opt = _Optimizer(self.D.params, base.optimizer, self.lr_d, self.beta1, self.beta2)

        # randomness: one generator pair per distinct seed, members gather their seed's rows
        keys = [(c.seed, c.d_steps) for c in configs]
        self._groups = sorted(set(keys))
        self._member_group = torch.tensor([self._groups.index(g) for g in keys], device=dev)
        self._data_gens = [_generator(dev, s, _DATA) for s, _ in self._groups]
        self._noise_gens = [_generator(dev, s, _NOISE) for s, _ in self._groups]
        self._interp_gens = [_generator(dev, s, _INTERP) for s, _ in self._groups]
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
        self._program = self._terms()

    def _set_loss_coefficients(self) -> None:
        for k, c in enumerate(self.configs):
            self.gp_weight[k] = losses.LOSSES[c.loss].gradient_penalty
            self.probability[k] = float(catalog.LOSSES[c.loss].output.kind == "probability")

    def _terms(self) -> tuple:
        """Which terms the step computes: the D and G loss functions some member uses, and
        whether any member needs R1, R2, the gradient penalty, the moving average. The step is
        one static program for a given answer; set_member recaptures when it changes."""
        used = [losses.LOSSES[c.loss] for c in self.configs]
        d_fns = tuple(dict.fromkeys(g.d_loss for g in used))
        g_fns = tuple(dict.fromkeys(g.g_loss for g in used))
        return (d_fns, g_fns, bool((self.r1_gamma > 0).any()), bool((self.r2_gamma > 0).any()),
                bool((self.gp_weight > 0).any()), bool((self.g_ema > 0).any()))

    def _weighted(self, role: str, fn, *outputs: torch.Tensor) -> torch.Tensor:
        """(K,) fn(*outputs) times the one-hot weight of the members whose loss uses fn as its
        `role` ("d_loss" or "g_loss"), so each member gets its own loss and 0 of the others'."""
        weight = sum(w for name, w in self.loss_weight.items()
                     if getattr(losses.LOSSES[name], role) is fn)
        return weight * fn(*outputs)

    # -- randomness -----------------------------------------------------------------------------
    def _fill_block(self) -> None:
        c, n = self.configs[0], self.configs[0].batch_size
        zdim, b, kmax = c.latent_dim, self.block, self.max_d_steps
        x, zd, eps, zg = [], [], [], []

        def pad(t: torch.Tensor) -> torch.Tensor:  # (b, k, ...) -> (b, kmax, ...), zeros after k
            return torch.cat([t, t.new_zeros(b, kmax - t.shape[1], *t.shape[2:])], 1)

        for (_, k), dg, ng, ig in zip(self._groups, self._data_gens, self._noise_gens,
                                      self._interp_gens):
            x.append(pad(self.dataset.sample(b * k * n, dg).view(b, k, n, 2)))
            zd.append(pad(torch.randn(b, k, n, zdim, generator=ng, device=self.device)))
            zg.append(torch.randn(b, n, zdim, generator=ng, device=self.device))
            eps.append(pad(torch.rand(b, k, n, 1, generator=ig, device=self.device)))
        # (block, groups, ...)
        blocks = tuple(torch.stack(t, 1) for t in (x, zd, eps, zg))
        if hasattr(self, "_x_block"):  # copy into the same storage: a captured graph reads it
            for dst, src in zip(self._blocks(), blocks):
                dst.copy_(src)
        else:
            self._x_block, self._zd_block, self._eps_block, self._zg_block = blocks

    def _blocks(self) -> tuple[torch.Tensor, ...]:
        return self._x_block, self._zd_block, self._eps_block, self._zg_block

    def _rows(self):
        """This step's data and noise for every member: x (K, k, n, 2), z for D (K, k, n, z),
        eps (K, k, n, 1), z for G (K, n, z), with k the population's largest d_steps."""
        def pick(block: torch.Tensor) -> torch.Tensor:
            return block.index_select(0, self._row)[0].index_select(0, self._member_group)

        return tuple(pick(b) for b in self._blocks())

    # -- the step -------------------------------------------------------------------------------
    def _d_update(self, x_real: torch.Tensor, z: torch.Tensor, eps: torch.Tensor,
                  active: torch.Tensor | None) -> list[torch.Tensor]:
        """One D update; returns the (K,) statistics d_loss, d_real, d_fake, |grad D|, R1, R2,
        GP (NaN for a penalty no member uses)."""
        d_fns, _, use_r1, use_r2, use_gp, _ = self._program
        with torch.no_grad():
            x_fake = self.G(z)
        if use_r1:
            x_real = x_real.detach().requires_grad_(True)
        if use_r2:
            x_fake = x_fake.requires_grad_(True)
        d_real, d_fake = self.D(x_real), self.D(x_fake)
        d_loss = sum(self._weighted("d_loss", fn, d_real, d_fake) for fn in d_fns)  # (K,)
        total = d_loss
        nan = torch.full_like(d_loss, math.nan)
        r1 = r2 = gp = nan
        if use_r1:
            r1 = losses.r1_penalty(d_real, x_real)
            total = total + self.r1_gamma / 2 * r1
        if use_r2:
            r2 = losses.r1_penalty(d_fake, x_fake)
            total = total + self.r2_gamma / 2 * r2
        if use_gp:
            x_hat = losses.interpolates(x_real.detach(), x_fake.detach(), eps)
            x_hat.requires_grad_(True)
            gp = losses.gradient_penalty(self.D(x_hat), x_hat)
            total = total + self.gp_weight * gp
        grads = torch.autograd.grad(total.sum(), self.D.params)
        self.d_opt.step(grads, active)
        with torch.no_grad():
            p = self.probability
            shown = [losses.shown_output(d, p).mean((1, 2)) for d in (d_real, d_fake)]
        return [d_loss.detach(), *shown, _per_member_norm(grads), r1.detach(), r2.detach(),
                gp.detach()]

    def _g_loss(self, d_fake: torch.Tensor) -> torch.Tensor:
        """(K,) each member's own G loss, selected by its one-hot loss weights."""
        return sum(self._weighted("g_loss", fn, d_fake) for fn in self._program[1])

    def _g_update(self, z: torch.Tensor):
        g_loss = self._g_loss(self.D(self.G(z)))
        grads = torch.autograd.grad(g_loss.sum(), self.G.params)
        self.g_opt.step(grads)
        if self._program[5]:
            with torch.no_grad():
                # avg <- g_ema * avg + (1 - g_ema) * G; lerp at weight 1 returns G exactly, so a
                # member with g_ema = 0 keeps avg == G
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg.lerp_(p, 1 - self.g_ema)
        return g_loss.detach(), _per_member_norm(grads)

    def _step(self, d: bool = True, g: bool = True) -> None:
        x_real, z_d, eps, z_g = self._rows()
        nan = torch.full((len(self.configs),), math.nan, device=self.device)
        d_stats = [nan] * 7  # d_loss, d_real, d_fake, |grad D|, r1, r2, gp
        g_loss = gn_g = nan
        if d:
            for i in range(self.max_d_steps):
                active = None if self._d_active is None else self._d_active[i]
                new = self._d_update(x_real[:, i], z_d[:, i], eps[:, i], active)
                if active is not None:  # a member's statistics are those of its last update
                    new = [torch.where(active.view(-1), a, b) for a, b in zip(new, d_stats)]
                d_stats = new
        if g:
            g_loss, gn_g = self._g_update(z_g)
        d_loss, d_real, d_fake, gn_d, r1, r2, gp = d_stats
        stats = torch.stack([d_loss, g_loss, d_real, d_fake, gn_d, gn_g, r1, r2, gp], 1)
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
        rows = self._stats[self._flushed:self._host_row].cpu().numpy()  # (r, K, stats)
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
            self.r2_gamma[k] = cfg.r2_gamma
            if cfg.g_ema != old.g_ema:  # a new decay restarts the average from G as it is
                self.g_ema[k] = cfg.g_ema
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg[k].copy_(p[k])
            for name, w in self.loss_weight.items():
                w[k] = float(cfg.loss == name)
            self._set_loss_coefficients()
        program = self._terms()
        if program[5] and not self._program[5]:  # the average was not kept: start it from G now
            with torch.no_grad():
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg.copy_(p)
        if program != self._program:  # other terms are needed: a new program, recaptured
            self._program, self._graph = program, None

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
        return self.G_avg if self._program[5] else self.G

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
            p = self.probability[k]
            d_grid = losses.shown_output(D(self._grid_points.unsqueeze(0), member=k)[0], p)
            warp = G(self._z_lattice, member=k)[0].view(-1, _LATTICE_POINTS, 2)
            d_real = D(self.x_probe[k : k + 1], member=k)[0, :, 0]
        x = x_fake.detach().requires_grad_(True)
        d_fake = D(x, member=k)  # (1, n, 1)
        # the per-sample loss (mean times n), so arrows do not shrink with the probe count
        g_loss = losses.LOSSES[c.loss].g_loss(d_fake).sum() * x.shape[1]
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
            d_real=f32(d_real),
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
