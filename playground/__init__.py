"""GAN loss playground: train small GANs on 2D data with the minimax or non-saturating loss,
with or without R1, and measure them. The engine is plain torch + numpy (no UI imports):

    from playground import TrainConfig, train
    result = train(TrainConfig(loss="minimax", r1_gamma=0.1), steps=3000)
    result.metrics, result.verdict

The training names are imported on first use, so `python -m playground --help` (and any
command's bad-argument error) answers without loading torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .config import TrainConfig

if TYPE_CHECKING:
    from .training import GANRun, Population, train

__all__ = ["TrainConfig", "GANRun", "Population", "train"]
_FROM_TRAINING = ("GANRun", "Population", "train")


def __getattr__(name: str):
    if name in _FROM_TRAINING:
        return getattr(importlib.import_module(".training", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
