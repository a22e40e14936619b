"""Training: a population of K independent GANs advanced as one batched program.

One training step (Goodfellow et al. 2014, Algorithm 1) for every member at once:
  k = d_steps times:  x_real ~ p_data, z ~ N(0, I), eps ~ U(0, 1)
                      D <- D - lr_d * Adam(grad_D [d_loss(D(x_real), D(G(z)))
                                                   + r1_gamma/2 * R1 + r2_gamma/2 * R2 + GP])
  once:               z ~ N(0, I);  G <- G - lr_g * Adam(grad_G g_loss(D(G(z))))
With lazy R1 (r1_every = N > 1, StyleGAN2's lazy regularisation) the R1 term is computed only in
the steps whose count is a multiple of N, weighted N * r1_gamma/2; the other steps record R1 as
NaN (it was not computed).

Members differ only in per-member coefficient tensors (0/1 weights of each loss function, r1_gamma,
r2_gamma, the gradient penalty's weight, learning rates, betas, their number of D steps) and in
their seed, so one static program trains every loss of `losses.LOSSES`, with and without
penalties, side by side: each term that some member needs is computed for all members and
weighted per member (0 for the others), and a term that no member needs is not computed. On
CUDA the whole step is captured once as a CUDA graph (and captured again when a change of the
members' settings changes which terms are needed; with lazy R1, once with R1 and once without).

Members with fewer D steps than the population's largest d_steps skip the later D updates: their
optimizer step is masked (parameters and Adam state unchanged), so they train as they would
alone, only paying for the others' extra D steps.

Randomness: each distinct (seed, d_steps) draws its data and noise from seeded streams of its
own, a block of steps ahead (engine/streams.py), so members with the same seed are paired and a
member's trajectory does not depend on who else is in the population.
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

from . import losses
from .budget import BLOCK, block_length
from .config import LIVE_FIELDS, TrainConfig
from .data import make_dataset
from .engine.graph import GraphedStep
from .engine.members import Members
from .engine.observer import Observer
from .engine.optimizer import Optimizer
from .engine.recorder import Recorder
from .engine.streams import D_INIT, G_INIT, Inputs, Streams, stream
from .models import PopulationMLP, mlp_sizes
from .records import History, RunResult, Snapshot

__all__ = ["BLOCK", "LIVE_FIELDS", "MEMBER_FIELDS", "TRAIN_THREADS", "GANRun", "Inputs",
           "Population", "device_label", "fix_threads", "resolve_device", "structure_key", "train"]

# the fields members of one population may differ in: the live ones, their seed and D steps
MEMBER_FIELDS = (*LIVE_FIELDS, "d_steps", "seed")
TRAIN_THREADS = 1


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


def _per_member_norm(grads: Sequence[torch.Tensor]) -> torch.Tensor:
    """(K,) L2 norm of each member's full gradient (one norm over the concatenated parameters:
    a square and a sum per parameter cost ~2% of a small network's step on the CPU)."""
    return torch.linalg.vector_norm(torch.cat([g.flatten(1) for g in grads], 1), dim=1)


class Population:
    """K GANs trained together. All configs must share everything but MEMBER_FIELDS.

    Its parts: `streams` (data and noise, engine/streams.py), `members` (per-member
    coefficients, engine/members.py), `g_opt` / `d_opt` (engine/optimizer.py), the graphed
    step (engine/graph.py), `recorder` (statistics and divergence, engine/recorder.py) and
    `observer` (probes, metrics, snapshots, engine/observer.py)."""

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
        if len({structure_key(c) for c in configs}) > 1:
            raise ValueError(
                "members of one population may differ only in " + ", ".join(MEMBER_FIELDS)
            )
        if isinstance(eval_every, bool) or not isinstance(eval_every, int) or eval_every < 0:
            raise ValueError(f"eval_every: expected an integer >= 0 (0: never), got {eval_every!r}")
        self.configs = list(configs)
        base = self.configs[0]
        self.device = dev = device or resolve_device(base.device)
        self.dataset = make_dataset(base)
        self.eval_every = eval_every
        self.step_count = 0
        K, seeds = len(configs), [c.seed for c in configs]

        self.G = PopulationMLP(mlp_sizes(base.latent_dim, base.hidden, base.depth, 2),
                               [stream(s, G_INIT) for s in seeds], base.activation, dev)
        self.D = PopulationMLP(mlp_sizes(2, base.hidden, base.depth, 1),
                               [stream(s, D_INIT) for s in seeds], base.activation, dev)
        self.G_avg = self.G.averaged_copy()  # moving average of G, updated while any g_ema > 0
        self.members = m = Members(configs, dev)
        self.g_opt = Optimizer(self.G.params, base.optimizer, m.lr_g, m.beta1, m.beta2)
        self.d_opt = Optimizer(self.D.params, base.optimizer, m.lr_d, m.beta1, m.beta2)
        # D updates: each member makes its own d_steps of the population's largest number
        d_steps = [c.d_steps for c in configs]
        self.max_d_steps = max(d_steps)
        self.r1_every = base.r1_every
        self._d_active = None  # (max_d_steps, K, 1, 1) bool: member takes D update i
        if len(set(d_steps)) > 1:
            steps = torch.tensor(d_steps, device=dev).view(1, K, 1, 1)
            self._d_active = torch.arange(self.max_d_steps, device=dev).view(-1, 1, 1, 1) < steps

        # steps of randomness drawn at once: BLOCK, fewer for a config whose block would be large
        # (budget.block_length); part of the RNG stream, so fixed per config
        block = min(block_length(c) for c in configs)  # d_steps may differ per member
        self.streams = Streams(configs, self.dataset, block, dev)
        self.recorder = Recorder(K, block, dev)
        self.observer = Observer(self.dataset, seeds, base.latent_dim, dev)
        self._terms = m.terms()
        self._graphed_step = GraphedStep(self._step, self._state, dev,
                                         dev.type == "cuda" if graph is None else graph)

    # -- the step: Goodfellow et al. 2014, Algorithm 1, for every member ----------------------
    def _step(self, d: bool = True, g: bool = True, r1: bool = True) -> None:
        """`r1`: whether this step computes R1 (always, unless lazy R1 skips it)."""
        x_real, z_d, eps, z_g = self.streams.rows()
        nan = torch.full((len(self.configs),), math.nan, device=self.device)
        d_stats = [nan] * 7  # d_loss, d_real, d_fake, |grad D|, r1, r2, gp
        g_loss = gn_g = nan
        if d:
            for i in range(self.max_d_steps):  # k steps of D
                active = None if self._d_active is None else self._d_active[i]
                new = self._d_update(x_real[:, i], z_d[:, i], eps[:, i], active, r1)
                if active is not None:  # a member's statistics are those of its last update
                    new = [torch.where(active.view(-1), a, b) for a, b in zip(new, d_stats)]
                d_stats = new
        if g:  # then one step of G
            g_loss, gn_g = self._g_update(z_g)
        d_loss, d_real, d_fake, gn_d, r1, r2, gp = d_stats
        stats = torch.stack([d_loss, g_loss, d_real, d_fake, gn_d, gn_g, r1, r2, gp], 1)
        self.recorder.write(self.streams.row, stats)
        self.streams.next_row()

    def _d_update(self, x_real: torch.Tensor, z: torch.Tensor, eps: torch.Tensor,
                  active: torch.Tensor | None, r1_due: bool) -> list[torch.Tensor]:
        """Ascend D's objective on a minibatch of real points and of fakes G(z) (each member by
        its own loss, plus the penalties it uses, R1 only when `r1_due`); returns the (K,)
        statistics d_loss, d_real, d_fake, |grad D|, R1, R2, GP (NaN for a penalty not
        computed)."""
        m = self.members
        terms = self._terms._replace(r1=self._terms.r1 and r1_due)
        with torch.no_grad():
            x_fake = self.G(z)
        if terms.r1:
            x_real = x_real.detach().requires_grad_(True)
        if terms.r2:
            x_fake = x_fake.requires_grad_(True)
        d_real, d_fake = self.D(x_real), self.D(x_fake)
        d_loss = m.d_loss(terms.d_losses, d_real, d_fake)  # (K,)
        total = d_loss
        nan = torch.full_like(d_loss, math.nan)
        r1 = r2 = gp = nan
        if terms.r1:
            r1 = losses.r1_penalty(d_real, x_real)
            total = total + m.r1_gamma * self.r1_every / 2 * r1
        if terms.r2:
            r2 = losses.r1_penalty(d_fake, x_fake)
            total = total + m.r2_gamma / 2 * r2
        if terms.gp:
            x_hat = losses.interpolates(x_real.detach(), x_fake.detach(), eps)
            x_hat.requires_grad_(True)
            gp = losses.gradient_penalty(self.D(x_hat), x_hat)
            total = total + m.gp_weight * gp
        grads = torch.autograd.grad(total.sum(), self.D.params)
        self.d_opt.step(grads, active)
        with torch.no_grad():
            shown = [losses.shown_output(d, m.probability).mean((1, 2)) for d in (d_real, d_fake)]
        return [d_loss.detach(), *shown, _per_member_norm(grads), r1.detach(), r2.detach(),
                gp.detach()]

    def _g_update(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Descend G's loss on fakes G(z); returns the (K,) g_loss and |grad G|."""
        g_loss = self.members.g_loss(self._terms.g_losses, self.D(self.G(z)))
        grads = torch.autograd.grad(g_loss.sum(), self.G.params)
        self.g_opt.step(grads)
        if self._terms.ema:
            with torch.no_grad():
                # avg <- g_ema * avg + (1 - g_ema) * G; lerp at weight 1 returns G exactly, so a
                # member with g_ema = 0 keeps avg == G (one call for all parameters, as in
                # engine/optimizer.py)
                avg, now = self.G_avg.params, self.G.params
                torch._foreach_lerp_(avg, now, [1 - self.members.g_ema] * len(now))
        return g_loss.detach(), _per_member_norm(grads)

    def _state(self) -> list[torch.Tensor]:
        """Every tensor the step changes (what a CUDA-graph capture's warm-up must restore)."""
        return [*self.G.params, *self.D.params, *self.g_opt.state(), *self.d_opt.state(),
                *self.G_avg.params, self.streams.row, self.recorder.stats]

    # -- public ---------------------------------------------------------------------------------
    @property
    def graphed(self) -> bool:
        """True once the step runs as a captured CUDA graph."""
        return self._graphed_step.captured

    @property
    def graph_error(self) -> str | None:
        """Why the step could not be captured as a CUDA graph (it then trains eagerly)."""
        return self._graphed_step.error

    @property
    def histories(self) -> list[History]:
        """Each member's history, up to the last `flush`."""
        return self.recorder.histories

    @property
    def diverged_at(self) -> list[int | None]:
        """Each member's first non-finite step (None: none), up to the last `flush`."""
        return self.recorder.diverged_at

    def next_inputs(self, k: int) -> Inputs:
        """The data and noise member k's next step reads (a reference loop can train on them)."""
        self._next_block_if_used()
        return self.streams.member_rows(k)

    def step(self, d: bool = True, g: bool = True) -> None:
        """One training step for every member (d / g False: update only the other player)."""
        fix_threads()
        self._next_block_if_used()
        r1 = self.step_count % self.r1_every == 0  # lazy R1: due on every r1_every-th step
        if d and g:
            self._graphed_step(True, True, r1)
        else:
            self._step(d, g, r1)
            self.recorder.half_step(self.streams.host_row, d, g)
        self.streams.host_row += 1
        self.step_count += 1
        if self.eval_every and self.step_count % self.eval_every == 0:
            self.flush()
            self.evaluate()

    def _next_block_if_used(self) -> None:
        if self.streams.used_up:
            self.flush()
            self.streams.refill()
            self.recorder.new_block(self.step_count)

    def advance(self, n: int, *, until: Callable[[], bool] | None = None) -> int:
        """Up to n steps; stops early when every member diverged or `until()` is true.
        Checked after every step on the CPU, where reading a step's statistics is free, and
        every BLOCK steps on a GPU, where it costs a device sync. Returns the number of steps
        taken, with the histories up to date."""
        check_every = BLOCK if self.device.type == "cuda" else 1
        taken = 0
        while taken < n:
            self.step()
            taken += 1
            if taken % check_every == 0 and self._should_stop(until):
                break
        self.flush()
        return taken

    def _should_stop(self, until: Callable[[], bool] | None) -> bool:
        if self.device.type == "cuda":
            self.flush()  # the block's statistics so far, in one transfer
        elif not self.recorder.finite(self.streams.host_row - 1):
            # on the CPU the last step alone is read, and the histories are brought up to date
            # only when it was not finite: a flush after every step cost ~9% of a small
            # network's steps per second
            self.flush()
        return all(s is not None for s in self.diverged_at) or bool(until and until())

    def flush(self) -> None:
        """Bring `histories` and `diverged_at` up to the last step (one device transfer)."""
        self.recorder.flush(self.streams.host_row)

    def reconfigure(self, k: int, cfg: TrainConfig) -> bool:
        """Member k takes `cfg`. Only LIVE_FIELDS can change mid-run: they are applied in place
        (the step goes on) and False is returned; if any other field differs, nothing changes
        and True is returned: the run needs a reset (a new Population) to take `cfg`."""
        old = self.configs[k]
        if replace(cfg, **{f: getattr(old, f) for f in LIVE_FIELDS}) != old:
            return True
        self.configs[k] = cfg
        self.members.set(k, cfg)
        with torch.no_grad():
            if cfg.g_ema != old.g_ema:  # a new decay restarts the average from G as it is
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg[k].copy_(p[k])
        terms = self.members.terms()
        if terms.ema and not self._terms.ema:  # the average was not kept: start it from G now
            with torch.no_grad():
                for avg, p in zip(self.G_avg.params, self.G.params):
                    avg.copy_(p)
        if terms != self._terms:  # other terms are needed: a new program, captured again
            self._terms = terms
            self._graphed_step.invalidate()
        return False

    # -- looking at the members -----------------------------------------------------------------
    @property
    def evaluated_G(self) -> PopulationMLP:
        """The generator that metrics and the verdict judge: the moving average when any member
        keeps one (members with g_ema = 0 hold avg == G), else G itself."""
        return self.G_avg if self._terms.ema else self.G

    @torch.no_grad()
    def eval_samples(self) -> np.ndarray:
        """(K, 2500, 2) samples of every member's evaluated G from its fixed evaluation noise."""
        fix_threads()
        return self.evaluated_G(self.observer.z_eval).cpu().numpy()

    def evaluate(self) -> None:
        """Metrics of 2500 samples per member against 2500 real ones; appended to histories."""
        self.observer.evaluate(self.eval_samples(), self.histories, self.step_count)

    def latest_metrics(self, k: int) -> dict:
        return self.observer.latest_metrics(self.histories[k])

    def verdict(self, k: int):
        self.flush()
        return self.observer.verdict(self.histories[k], self.diverged_at[k])

    def snapshot(self, k: int = 0) -> Snapshot:
        """Member k's live view: probe points, D landscape, G-loss gradients, warped latent grid."""
        self.flush()
        fix_threads()
        c = self.configs[k]
        return self.observer.snapshot(k, self.G, self.G_avg if c.g_ema > 0 else None, self.D,
                                      self.members, self.step_count, self.latest_metrics(k),
                                      c.loss)


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
        self.population.flush()
        return self.population.histories[0]

    @property
    def device(self) -> torch.device:
        return self.population.device

    @property
    def diverged(self) -> bool:
        self.population.flush()
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

    def reconfigure(self, config: TrainConfig) -> bool:
        """Take `config`: changes of LIVE_FIELDS apply to the running game (returns False);
        if any other field differs nothing changes and True says a reset is needed (a new
        GANRun of `config`)."""
        return self.population.reconfigure(0, config)

    def update(self, **changes) -> None:
        """Apply changes of LIVE_FIELDS (validated like a new config) to the running game."""
        structural = sorted(set(changes) - set(LIVE_FIELDS))
        if structural:
            raise ValueError(f"cannot change {', '.join(structural)} mid-run (reset instead)")
        self.reconfigure(self.config.replace(**changes))

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
