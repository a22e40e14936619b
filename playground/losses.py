"""GAN losses on the discriminator's raw output (logits, scores, critic values), each written as
in its paper: Goodfellow et al. 2014 (minimax, non-saturating), Mao et al. 2017 (least squares),
Lim & Ye 2017 and Miyato et al. 2018 (hinge), Gulrajani et al. 2017 (Wasserstein with gradient
penalty), Mescheder, Geiger & Nowozin 2018 (R1, and R2 on the fakes).

With logits l and D = sigmoid(l):  log D = -softplus(-l),  log(1 - D) = -softplus(l).
Every function reduces over the last two dims (samples, 1) only, so the same code serves one
run with outputs of shape (n, 1) and a population of K runs with outputs of shape (K, n, 1):
the result then has shape (K,), one loss per member. No log() of a sigmoid anywhere.

`LOSSES` pairs each loss's D loss and G loss by the names of `catalog.LOSSES`, where the labels
and recommended settings live.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

# λ of Gulrajani et al. 2017 (their Algorithm 1 and every experiment of the paper)
GP_WEIGHT = 10.0


def _mean(t: torch.Tensor) -> torch.Tensor:
    return t.mean(dim=(-2, -1))


def d_loss_bce(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """Discriminator loss of the minimax and non-saturating games: -E[log D(x)] - E[log(1 -
    D(G(z)))] = E[softplus(-d_real)] + E[softplus(d_fake)]  (binary cross-entropy, labels 1 / 0)."""
    return _mean(F.softplus(-d_real)) + _mean(F.softplus(d_fake))


def g_loss_minimax(d_fake: torch.Tensor) -> torch.Tensor:
    """Saturating generator loss, the original minimax game: minimise E[log(1 - D(G(z)))]
    = -E[softplus(d_fake)]. Its gradient w.r.t. the logit is -D: it vanishes when D is confident."""
    return -_mean(F.softplus(d_fake))


def g_loss_nonsaturating(d_fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: minimise -E[log D(G(z))] = E[softplus(-d_fake)].
    Its gradient w.r.t. the logit is -(1 - D); the ratio to minimax's is (1 - D) / D."""
    return _mean(F.softplus(-d_fake))


def d_loss_least_squares(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """LSGAN's discriminator loss (Mao et al. 2017, eq. 2 with the 0-1 coding a = 0, b = 1):
    1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2], on D's raw (linear) output."""
    return 0.5 * _mean((d_real - 1).pow(2)) + 0.5 * _mean(d_fake.pow(2))


def g_loss_least_squares(d_fake: torch.Tensor) -> torch.Tensor:
    """LSGAN's generator loss (eq. 2, c = 1): 1/2 E[(D(G(z)) - 1)^2]. Its gradient w.r.t. the
    output is D - 1: it grows, not vanishes, the further D pushes a fake towards 0 and beyond."""
    return 0.5 * _mean((d_fake - 1).pow(2))


def d_loss_hinge(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """Hinge discriminator loss (Lim & Ye 2017; Miyato et al. 2018, eq. 16):
    E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]: zero for real points above +1, fakes below -1."""
    return _mean(F.relu(1 - d_real)) + _mean(F.relu(1 + d_fake))


def d_loss_wasserstein(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """The WGAN critic's loss (Arjovsky et al. 2017; Gulrajani et al. 2017, Algorithm 1, without
    the penalty): E[f(G(z))] - E[f(x)], minus the critic's estimate of the Wasserstein distance."""
    return _mean(d_fake) - _mean(d_real)


def g_loss_wasserstein(d_fake: torch.Tensor) -> torch.Tensor:
    """-E[f(G(z))]: the generator loss of WGAN and WGAN-GP, and of the hinge GAN (Miyato et al.
    2018, eq. 17). Its gradient w.r.t. the output is -1 everywhere: it never saturates."""
    return -_mean(d_fake)


def interpolates(x_real: torch.Tensor, x_fake: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """x_hat = eps x + (1 - eps) G(z), with eps ~ U(0, 1) per sample (Gulrajani et al. 2017,
    Algorithm 1): points on straight lines between real and fake samples."""
    return eps * x_real + (1 - eps) * x_fake


def gradient_penalty(d_hat: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """E[(||grad_x f(x_hat)||_2 - 1)^2] (Gulrajani et al. 2017, eq. 3, without lambda).

    `x_hat` must require grad and `d_hat` be computed from it; the graph is kept so the penalty
    trains the critic. Each sample's output depends on its own x only, so the gradient of the
    sum is the per-sample gradient."""
    (grad,) = torch.autograd.grad(d_hat.sum(), x_hat, create_graph=True)
    return _mean((torch.linalg.vector_norm(grad, dim=-1, keepdim=True) - 1).pow(2))


def r1_penalty(d_out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """E||grad_x D(x)||^2 on D's raw output (Mescheder et al. 2018, eq. 9, without gamma / 2):
    R1 on real points; the same on fake points is their R2.

    `x` must require grad and `d_out` must be computed from it. The graph is kept
    (create_graph=True) so the penalty's own gradient reaches D's parameters; it is added to
    the D loss only. Each sample's output depends on its own x only, so the gradient of the sum
    is the per-sample gradient."""
    (grad,) = torch.autograd.grad(d_out.sum(), x, create_graph=True)
    return grad.pow(2).sum(-1).mean(-1)


DLoss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
GLoss = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Game:
    """One loss as its paper trains it: D's loss, G's loss, and the weight of the gradient
    penalty on interpolates that D's loss includes (0: none)."""

    d_loss: DLoss
    g_loss: GLoss
    gradient_penalty: float = 0.0


LOSSES: dict[str, Game] = {
    "minimax": Game(d_loss_bce, g_loss_minimax),
    "nonsaturating": Game(d_loss_bce, g_loss_nonsaturating),
    "lsgan": Game(d_loss_least_squares, g_loss_least_squares),
    "hinge": Game(d_loss_hinge, g_loss_wasserstein),
    "wgan_gp": Game(d_loss_wasserstein, g_loss_wasserstein, GP_WEIGHT),
}
"""The games by name (the names of `catalog.LOSSES`)."""


def shown_output(d_out: torch.Tensor, probability: torch.Tensor) -> torch.Tensor:
    """What the pages show of D's output: sigmoid(logit) where `probability` (broadcastable,
    1 for the minimax and non-saturating games), the raw output elsewhere."""
    return torch.where(probability > 0, torch.sigmoid(d_out), d_out)
