"""GAN losses on discriminator logits. Goodfellow et al. 2014 (minimax and non-saturating);
Mescheder, Geiger & Nowozin 2018, "Which training methods for GANs do actually converge?" (R1).

With logits l and D = sigmoid(l):  log D = -softplus(-l),  log(1 - D) = -softplus(l).
Every function reduces over the last two dims (samples, 1) only, so the same code serves one
run with logits of shape (n, 1) and a population of K runs with logits of shape (K, n, 1):
the result then has shape (K,), one loss per member. No log() of a sigmoid anywhere.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def _mean(t: torch.Tensor) -> torch.Tensor:
    return t.mean(dim=(-2, -1))


def d_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """Discriminator loss of both games: -E[log D(x)] - E[log(1 - D(G(z)))]
    = E[softplus(-d_real)] + E[softplus(d_fake)]  (binary cross-entropy, labels 1 / 0)."""
    return _mean(F.softplus(-d_real)) + _mean(F.softplus(d_fake))


def g_loss_minimax(d_fake: torch.Tensor) -> torch.Tensor:
    """Saturating generator loss, the original minimax game: minimise E[log(1 - D(G(z)))]
    = -E[softplus(d_fake)]. Its gradient w.r.t. the logit is -D: it vanishes when D is confident."""
    return -_mean(F.softplus(d_fake))


def g_loss_nonsaturating(d_fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: minimise -E[log D(G(z))] = E[softplus(-d_fake)].
    Its gradient w.r.t. the logit is -(1 - D); the ratio to minimax's is (1 - D) / D."""
    return _mean(F.softplus(-d_fake))


def r1_penalty(d_real: torch.Tensor, x_real: torch.Tensor) -> torch.Tensor:
    """E||grad_x D(x_real)||^2 on logits (Mescheder et al. 2018, eq. 9, without gamma / 2).

    `x_real` must require grad and `d_real` must be computed from it. The graph is kept
    (create_graph=True) so the penalty's own gradient reaches D's parameters; it is added to
    the D loss only. Each sample's logit depends on its own x only, so the gradient of the sum
    is the per-sample gradient."""
    (grad,) = torch.autograd.grad(d_real.sum(), x_real, create_graph=True)
    return grad.pow(2).sum(-1).mean(-1)


LOSSES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "minimax": g_loss_minimax,
    "nonsaturating": g_loss_nonsaturating,
}
"""Generator losses by name; the discriminator loss (`d_loss`) is the same for both games."""
