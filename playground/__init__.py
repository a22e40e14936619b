"""GAN loss playground: train small GANs on 2D data with the minimax or non-saturating loss,
with or without R1, and measure them. The engine is plain torch + numpy (no UI imports):

    from playground import TrainConfig, train
    result = train(TrainConfig(loss="minimax", r1_gamma=0.1), steps=3000)
    result.metrics, result.verdict
"""

from .config import TrainConfig
from .training import GANRun, Population, train

__all__ = ["TrainConfig", "GANRun", "Population", "train"]
