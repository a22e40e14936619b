"""The per-member optimizer of a population."""

from __future__ import annotations

from collections.abc import Sequence

import torch

ADAM_EPS = 1e-8


class Optimizer:
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
