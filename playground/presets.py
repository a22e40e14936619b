"""Named settings that show one phenomenon each, for most seeds (DESIGN.md §5b has the
measurements they rest on). The Playground applies one from `?preset=<name>` in its URL."""

from __future__ import annotations

from dataclasses import dataclass

from .config import TrainConfig


@dataclass(frozen=True)
class Preset:
    title: str
    summary: str  # what the user should see, in one sentence
    config: TrainConfig
    steps: int  # how long to train to see it


PRESETS: dict[str, Preset] = {
    "ns_r1_converges": Preset(
        "NS + R1 converges",
        "The non-saturating loss with a small R1 penalty covers all 8 modes of the ring "
        "and stays there.",
        TrainConfig(dataset="ring8", loss="nonsaturating", r1_gamma=0.1),
        6000,
    ),
    "minimax_stalls": Preset(
        "Minimax stalls",
        "D wins early (SGD, 5 D steps per G step); the saturating loss gives G almost no gradient, "
        "so the fakes never leave the origin, while the non-saturating loss would move them.",
        TrainConfig(
            dataset="ring8", loss="minimax", optimizer="sgd", d_steps=5, lr_d=0.1, lr_g=0.01
        ),
        1500,
    ),
    "grid_collapse": Preset(
        "Unregularised collapses on the grid",
        "Without R1 the generator covers only part of the 5x5 grid; add R1 (gamma = 1) "
        "to cover all 25.",
        TrainConfig(dataset="grid25", loss="nonsaturating", r1_gamma=0.0),
        5000,
    ),
    "grid_r1": Preset(
        "R1 covers the grid",
        "The same grid run with R1 (gamma = 1) captures all 25 modes.",
        TrainConfig(dataset="grid25", loss="nonsaturating", r1_gamma=1.0),
        5000,
    ),
    # seed 0 is deterministic on CPU and overflows at step 3 (seeds 1, 3 and 4 do too)
    "diverges": Preset(
        "Too-large learning rate diverges",
        "Plain SGD with learning rate 10 and the saturating loss (unbounded below) overflows "
        "within a few steps: the losses become NaN and the run stops.",
        TrainConfig(dataset="ring8", loss="minimax", optimizer="sgd", lr_d=10.0, lr_g=10.0),
        100,
    ),
}
