"""The textbook GAN training loop, written the way papers and tutorials write it: nn.Sequential
MLPs, torch.optim, library loss functions, one run at a time, eager. It is the reference the
engine is checked against (tests: a population equals its members trained this way) and timed
against (bench.py), so both compare the engine with the same loop."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import TrainConfig
from .engine.streams import D_INIT, G_INIT, stream
from .losses import GP_WEIGHT
from .models import init_layers, mlp_sizes

_ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh,
                "elu": nn.ELU}


def textbook_nets(cfg: TrainConfig, device: torch.device | str = "cpu"):
    """G, D and their optimisers for one run of `cfg`, starting from the engine's initial
    weights for its seed (so the two can be compared step for step)."""

    def mlp(sizes: list[int], seed: int) -> nn.Sequential:
        layers = []
        for j, (w, b) in enumerate(init_layers(sizes, seed)):
            lin = nn.Linear(*w.shape)
            with torch.no_grad():
                lin.weight.copy_(w.T)
                lin.bias.copy_(b[0])
            layers.append(lin)
            if j < len(sizes) - 2:
                layers.append(_ACTIVATIONS[cfg.activation]())
        return nn.Sequential(*layers).to(device)

    G = mlp(mlp_sizes(cfg.latent_dim, cfg.hidden, cfg.depth, 2), stream(cfg.seed, G_INIT))
    D = mlp(mlp_sizes(2, cfg.hidden, cfg.depth, 1), stream(cfg.seed, D_INIT))

    def optimiser(net: nn.Module, lr: float) -> torch.optim.Optimizer:
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(net.parameters(), lr=lr)
        return torch.optim.Adam(net.parameters(), lr=lr, betas=(cfg.beta1, cfg.beta2))

    return G, D, optimiser(G, cfg.lr_g), optimiser(D, cfg.lr_d)


def textbook_losses(loss: str, d_real: torch.Tensor, d_fake: torch.Tensor):
    """D loss and G loss of each game written out with library functions, as in the papers
    (the caller differentiates each only w.r.t. its own player)."""
    ones, zeros = torch.ones_like(d_real), torch.zeros_like(d_real)
    bce = F.binary_cross_entropy_with_logits
    if loss in ("minimax", "nonsaturating"):
        d_loss = bce(d_real, ones) + bce(d_fake, zeros)
        g_loss = bce(d_fake, ones) if loss == "nonsaturating" else -bce(d_fake, zeros)
    elif loss == "lsgan":
        d_loss = 0.5 * F.mse_loss(d_real, ones) + 0.5 * F.mse_loss(d_fake, zeros)
        g_loss = 0.5 * F.mse_loss(d_fake, ones)
    elif loss == "hinge":
        d_loss = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
        g_loss = -d_fake.mean()
    else:  # wgan_gp, without its penalty
        d_loss = d_fake.mean() - d_real.mean()
        g_loss = -d_fake.mean()
    return d_loss, g_loss


def textbook_step(cfg: TrainConfig, G: nn.Module, D: nn.Module, opt_g, opt_d,
                  x_real: torch.Tensor, z_d: torch.Tensor, eps: torch.Tensor | None,
                  z_g: torch.Tensor, step: int = 0) -> None:
    """Algorithm 1 of Goodfellow et al. 2014 for one run: cfg.d_steps D updates on real points
    x_real[i] and fakes G(z_d[i]) (with R1, R2 and WGAN-GP's penalty on interpolates with
    weights eps[i] as cfg asks), then one G update on G(z_g). `step` counts the steps before
    this one: lazy R1 (StyleGAN2) adds r1_every * R1 when it is a multiple of cfg.r1_every."""
    r1_gamma = cfg.r1_gamma * cfg.r1_every if step % cfg.r1_every == 0 else 0.0
    for i in range(cfg.d_steps):
        x = x_real[i].clone().requires_grad_(True)
        fake = G(z_d[i]).detach().requires_grad_(True)
        d_real, d_fake = D(x), D(fake)
        d_loss, _ = textbook_losses(cfg.loss, d_real, d_fake)
        for gamma, out, at in ((r1_gamma, d_real, x), (cfg.r2_gamma, d_fake, fake)):
            if gamma:
                (grad,) = torch.autograd.grad(out.sum(), at, create_graph=True)
                d_loss = d_loss + gamma / 2 * grad.pow(2).sum(1).mean()
        if cfg.loss == "wgan_gp":  # Gulrajani et al. 2017, Algorithm 1
            x_hat = (eps[i] * x_real[i] + (1 - eps[i]) * fake.detach()).requires_grad_(True)
            (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
            d_loss = d_loss + GP_WEIGHT * ((grad.norm(dim=1) - 1) ** 2).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
    d_fake = D(G(z_g))
    _, g_loss = textbook_losses(cfg.loss, d_fake, d_fake)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
