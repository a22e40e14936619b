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
            # Each operation is one call over all parameters (the `torch._foreach_*` form of
            # torch.optim): on the CPU a small network's step costs more in Python calls than
            # in arithmetic. The per-member coefficients broadcast over each parameter; the
            # arithmetic is `_masked_step`'s, value for value.
            n = len(self.params)
            if self.kind == "sgd":
                torch._foreach_sub_(self.params, torch._foreach_mul(grads, [self.lr] * n))
                return
            self.t += 1
            bias1 = 1 - self.beta1**self.t
            bias2_sqrt = (1 - self.beta2**self.t).sqrt()
            step_size = self.lr / bias1
            torch._foreach_lerp_(self.m, grads, [1 - self.beta1] * n)  # m <- b1 m + (1 - b1) g
            torch._foreach_mul_(self.v, [self.beta2] * n)  # v <- b2 v + (1 - b2) g^2
            torch._foreach_add_(
                self.v, torch._foreach_mul(torch._foreach_mul(grads, [1 - self.beta2] * n), grads))
            denom = torch._foreach_sqrt(self.v)  # sqrt(v / bias2) + eps, as sqrt(v) / sqrt(bias2)
            torch._foreach_div_(denom, [bias2_sqrt] * n)
            torch._foreach_add_(denom, ADAM_EPS)
            torch._foreach_sub_(
                self.params, torch._foreach_div(torch._foreach_mul(self.m, [step_size] * n), denom))

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
