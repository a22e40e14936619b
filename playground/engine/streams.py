"""Randomness of a population: every distinct (seed, d_steps) owns torch.Generators (never the
global RNG) that fill blocks of `block` steps of data and noise ahead of time; a step reads its
row of the block. So members with the same seed are paired (same initial weights; with the same
d_steps also the same data and noise at every step), a member's trajectory does not depend on
who else is in the population, and a graphed step contains no RNG call at all. The interpolation
weights of the gradient penalty come from a stream of their own, drawn whether or not a member
uses them, so switching a member's loss mid-run, or mixing losses, leaves every other stream
unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch

from ..config import TrainConfig
from ..data import Dataset

# streams of a seed's randomness; distinct offsets keep them independent
G_INIT, D_INIT, DATA, NOISE, PROBE, INTERP = range(6)


def stream(seed: int, which: int) -> int:
    """The torch seed of one of a run's streams (G_INIT, D_INIT, ...)."""
    return seed * 8 + which


def generator(device: torch.device, seed: int, which: int) -> torch.Generator:
    return torch.Generator(device).manual_seed(stream(seed, which))


class Inputs(NamedTuple):
    """What one step reads: real points x (.., k, n, 2), D's noise z_d (.., k, n, latent),
    interpolation weights eps (.., k, n, 1) for each of k D updates, and G's noise z_g
    (.., n, latent)."""

    x_real: torch.Tensor
    z_d: torch.Tensor
    eps: torch.Tensor
    z_g: torch.Tensor


class Streams:
    """The blocks of randomness of a population and the row the next step reads. `row` lives on
    the device (a captured step reads and advances it); `host_row` is its copy on the host."""

    def __init__(self, configs: Sequence[TrainConfig], dataset: Dataset, block: int,
                 device: torch.device):
        base = configs[0]
        self.dataset, self.block, self.device = dataset, block, device
        self.batch_size, self.latent_dim = base.batch_size, base.latent_dim
        self.max_d_steps = max(c.d_steps for c in configs)
        keys = [(c.seed, c.d_steps) for c in configs]
        self.groups = sorted(set(keys))
        self.member_group = torch.tensor([self.groups.index(g) for g in keys], device=device)
        self._data_gens = [generator(device, s, DATA) for s, _ in self.groups]
        self._noise_gens = [generator(device, s, NOISE) for s, _ in self.groups]
        self._interp_gens = [generator(device, s, INTERP) for s, _ in self.groups]
        self.row = torch.zeros(1, dtype=torch.long, device=device)
        self.blocks = Inputs(*self._draw())  # (block, groups, ...)
        self.host_row = 0

    def _draw(self) -> tuple[torch.Tensor, ...]:
        n, zdim, b, kmax = self.batch_size, self.latent_dim, self.block, self.max_d_steps
        x, zd, eps, zg = [], [], [], []

        def pad(t: torch.Tensor) -> torch.Tensor:  # (b, k, ...) -> (b, kmax, ...), zeros after k
            return torch.cat([t, t.new_zeros(b, kmax - t.shape[1], *t.shape[2:])], 1)

        for (_, k), dg, ng, ig in zip(self.groups, self._data_gens, self._noise_gens,
                                      self._interp_gens):
            x.append(pad(self.dataset.sample(b * k * n, dg).view(b, k, n, 2)))
            zd.append(pad(torch.randn(b, k, n, zdim, generator=ng, device=self.device)))
            zg.append(torch.randn(b, n, zdim, generator=ng, device=self.device))
            eps.append(pad(torch.rand(b, k, n, 1, generator=ig, device=self.device)))
        return tuple(torch.stack(t, 1) for t in (x, zd, eps, zg))

    @property
    def used_up(self) -> bool:
        """True when every row of the block has been read: `refill` before the next step."""
        return self.host_row == self.block

    def refill(self) -> None:
        """The next block, copied into the same storage (a captured graph reads it)."""
        for dst, src in zip(self.blocks, self._draw()):
            dst.copy_(src)
        self.row.zero_()
        self.host_row = 0

    def rows(self) -> Inputs:
        """This step's inputs for every member (leading dim K), read at the device row, with k
        the population's largest d_steps."""
        def pick(block: torch.Tensor) -> torch.Tensor:
            return block.index_select(0, self.row)[0].index_select(0, self.member_group)

        return Inputs(*(pick(b) for b in self.blocks))

    def next_row(self) -> None:
        """Advance the device row (inside the step, so a captured graph advances it too)."""
        self.row += 1

    def member_rows(self, k: int) -> Inputs:
        """Member k's inputs of the next step (the row `rows` reads), for a reference loop."""
        group = int(self.member_group[k])
        return Inputs(*(b[self.host_row, group] for b in self.blocks))
