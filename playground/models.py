"""Populations of small MLPs: K independent networks whose weights are stacked as (K, fan_in,
fan_out) and evaluated with one batched matmul per layer (`torch.baddbmm`). A single run is
K = 1. G maps latent z to points; D maps points to one logit (never a probability)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "tanh": torch.tanh,
    "elu": F.elu,
}


def init_layers(sizes: Sequence[int], seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Weights of one MLP, drawn like `nn.Linear`'s default init (U(-1/sqrt(fan_in), +...) for
    weight and bias), on the CPU from `seed` alone so every device starts from the same net."""
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(fan_in)
        w = (torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * bound
        b = (torch.rand(1, fan_out, generator=gen) * 2 - 1) * bound
        layers.append((w, b))
    return layers


class PopulationMLP:
    """K MLPs with `depth` hidden layers of width `hidden`; input (K, n, in) -> (K, n, out)."""

    def __init__(self, sizes: Sequence[int], seeds: Sequence[int], activation: str, device):
        per_member = {s: init_layers(sizes, s) for s in set(seeds)}  # paired members share weights
        self.weights, self.biases = [], []
        for j in range(len(sizes) - 1):
            w = torch.stack([per_member[s][j][0] for s in seeds])  # (K, fan_in, fan_out)
            b = torch.stack([per_member[s][j][1] for s in seeds])  # (K, 1, fan_out)
            self.weights.append(w.to(device).requires_grad_(True))
            self.biases.append(b.to(device).requires_grad_(True))
        self.act = ACTIVATIONS[activation]
        self.sizes = tuple(sizes)

    @property
    def params(self) -> list[torch.Tensor]:
        return [p for wb in zip(self.weights, self.biases) for p in wb]

    def __call__(self, x: torch.Tensor, member: int | None = None) -> torch.Tensor:
        """All K nets on x of shape (K, n, in), or only net `member` on x of shape (1, n, in)."""
        last = len(self.weights) - 1
        for j, (w, b) in enumerate(zip(self.weights, self.biases)):
            if member is not None:
                w, b = w[member : member + 1], b[member : member + 1]
            x = torch.baddbmm(b, x, w)
            if j < last:
                x = self.act(x)
        return x

    def averaged_copy(self) -> PopulationMLP:
        """The same nets with weights outside autograd: the store of a moving average."""
        avg = object.__new__(PopulationMLP)
        avg.weights = [w.detach().clone() for w in self.weights]
        avg.biases = [b.detach().clone() for b in self.biases]
        avg.act, avg.sizes = self.act, self.sizes
        return avg

    def __repr__(self) -> str:
        k = self.weights[0].shape[0]
        return f"PopulationMLP(K={k}, sizes={self.sizes})"


def mlp_sizes(inputs: int, hidden: int, depth: int, outputs: int) -> list[int]:
    return [inputs] + [hidden] * depth + [outputs]
