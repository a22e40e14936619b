"""Each member's settings as coefficient tensors: the one place where a config's loss name and
live settings become the numbers the step multiplies by.

The step is one static program for every member: each term some member needs is computed for
all members and weighted per member, with (K,) weights per D-loss and G-loss function (1 for
the members whose loss uses that function, 0 for the others). The tensors are changed in place
(`set`), so a captured CUDA graph sees new values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch

from .. import catalog, losses
from ..config import TrainConfig

# the D and G loss functions of every loss, each once
D_LOSSES = tuple(dict.fromkeys(game.d_loss for game in losses.LOSSES.values()))
G_LOSSES = tuple(dict.fromkeys(game.g_loss for game in losses.LOSSES.values()))


class Terms(NamedTuple):
    """Which terms the step computes: the D and G loss functions some member uses, and whether
    any member needs R1, R2, the gradient penalty, the moving average of G. A captured step is
    valid for one answer."""

    d_losses: tuple
    g_losses: tuple
    r1: bool
    r2: bool
    gp: bool
    ema: bool


class Members:
    """Per-member coefficients: lr_g, lr_d, beta1, beta2, g_ema of shape (K, 1, 1) (they
    broadcast over a member's weights); r1_gamma, r2_gamma, gp_weight (K,); probability
    (K, 1, 1), 1 where D's output is shown as a probability; d_weight / g_weight, (K,) per
    loss function."""

    def __init__(self, configs: Sequence[TrainConfig], device: torch.device):
        K = len(configs)

        def column() -> torch.Tensor:
            return torch.zeros(K, 1, 1, device=device)

        self.lr_g, self.lr_d, self.beta1, self.beta2, self.g_ema = (column() for _ in range(5))
        self.probability = column()
        self.r1_gamma, self.r2_gamma, self.gp_weight = (torch.zeros(K, device=device)
                                                        for _ in range(3))
        self.d_weight = {fn: torch.zeros(K, device=device) for fn in D_LOSSES}
        self.g_weight = {fn: torch.zeros(K, device=device) for fn in G_LOSSES}
        self.games: list[losses.Game] = [losses.LOSSES[c.loss] for c in configs]
        for k, c in enumerate(configs):
            self.set(k, c)

    @torch.no_grad()
    def set(self, k: int, cfg: TrainConfig) -> None:
        """Member k's coefficients from its config (its loss name is read here and only here)."""
        game = self.games[k] = losses.LOSSES[cfg.loss]
        for name in ("lr_g", "lr_d", "beta1", "beta2", "g_ema", "r1_gamma", "r2_gamma"):
            getattr(self, name)[k] = getattr(cfg, name)
        for fn, w in self.d_weight.items():
            w[k] = float(fn is game.d_loss)
        for fn, w in self.g_weight.items():
            w[k] = float(fn is game.g_loss)
        self.gp_weight[k] = game.gradient_penalty
        self.probability[k] = float(catalog.LOSSES[cfg.loss].output.kind == "probability")

    def terms(self) -> Terms:
        return Terms(
            tuple(dict.fromkeys(g.d_loss for g in self.games)),
            tuple(dict.fromkeys(g.g_loss for g in self.games)),
            bool((self.r1_gamma > 0).any()), bool((self.r2_gamma > 0).any()),
            bool((self.gp_weight > 0).any()), bool((self.g_ema > 0).any()),
        )

    def d_loss(self, fns: Sequence, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        """(K,) each member's own D loss: every function in `fns` weighted per member."""
        return sum(self.d_weight[fn] * fn(d_real, d_fake) for fn in fns)

    def g_loss(self, fns: Sequence, d_fake: torch.Tensor) -> torch.Tensor:
        """(K,) each member's own G loss: every function in `fns` weighted per member."""
        return sum(self.g_weight[fn] * fn(d_fake) for fn in fns)

    def member_g_loss(self, k: int, d_fake: torch.Tensor) -> torch.Tensor:
        """Member k's G loss on D's output (1, n, 1) for it alone, by the same weights."""
        fn = self.games[k].g_loss
        return self.g_weight[fn][k : k + 1] * fn(d_fake)
