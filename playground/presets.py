"""Named settings that show one phenomenon each. Every preset declares the verdict it shows
(`expected`, a metrics.LABELS entry) and is re-measured over 8 seeds by
`python -m playground presets --check --seeds 8` (README, "Presets"). Each uses the cheapest
settings still showing its phenomenon, so it shows within seconds on a 2-core CPU. The
Playground applies one from `?preset=<name>` in its URL."""

from __future__ import annotations

from dataclasses import dataclass

from .config import TrainConfig


@dataclass(frozen=True)
class Preset:
    title: str
    summary: str  # what the user should see, in one sentence
    config: TrainConfig
    steps: int  # the most steps the phenomenon needs (the check trains at most this many)
    expected: str  # the verdict label the preset reaches for most seeds
    look_for: str  # 2-4 sentences a student reads while it plays
    eval_every: int = 100  # steps between metric evaluations (the verdict needs 3 in a row)


# The grid presets' networks and optimiser, measured over 8 paired seeds (one population,
# evaluations every 100 steps). Two hidden layers of 64 at lr 3e-3 with Adam's beta2 at 0.99
# (StyleGAN2's value; the second-moment average then forgets the early large gradients within
# about 100 steps) converged with R1 for 8 of 8 seeds, at a median 3600 steps (seventh 4700),
# at 1.75x the steps per second of two layers of 128. With beta2 0.999 the small network needed
# lr 4e-3 (7 of 8, seventh at 5900) or did not converge (lr 2e-3: 2 of 8; lr 3e-3: 6 of 8);
# width 96 at lr 3e-3 converged 8 of 8 (seventh at 4800) at only 1.3x. Lazy R1 every 4th step
# (StyleGAN2) trains 1.2x the steps per second of R1 in every step and needs about 10% more
# steps; every 8th step needed more again. Without R1 the same settings collapse (8 of 8 within
# 6000 steps one run at a time, median 3250). The preset without R1 has them too, so the two
# differ only in r1_gamma.
GRID_FAST = dict(depth=2, hidden=64, lr_g=3e-3, lr_d=3e-3, beta2=0.99, r1_every=4)

PRESETS: dict[str, Preset] = {
    "ns_r1_converges": Preset(
        "NS + R1 converges",
        "The non-saturating loss with a small R1 penalty covers all 8 modes of the ring "
        "and stays there.",
        # lr 2e-3 and an averaged G (g_ema 0.99) converge in about half the steps of the
        # defaults; raw G's sharpness swings from evaluation to evaluation, the average's does not.
        # Hidden layers of 64 (one run at a time, 8 seeds): a median 950 steps, the slowest 2050,
        # against 800 and 1550 with 128, at 1.85x the steps per second
        TrainConfig(dataset="ring8", loss="nonsaturating", r1_gamma=0.1, lr_g=2e-3, lr_d=2e-3,
                    g_ema=0.99, hidden=64),
        3000,
        "converged",
        "The purple fakes first spread out, then split into eight clumps, one on each green mode. "
        "R1 keeps D's slope near the data small, so D cannot push the fakes past a mode and they "
        "settle. The metrics judge the averaged generator (g_ema), which jitters less than G "
        "itself; watch the modes counter reach 8/8 and stay there.",
        eval_every=50,
    ),
    "minimax_stalls": Preset(
        "Minimax stalls",
        "D wins early (SGD, 5 D steps per G step); the saturating loss gives G almost no gradient, "
        "so the fakes never leave the origin, while the non-saturating loss would move them.",
        TrainConfig(
            dataset="ring8", loss="minimax", optimizer="sgd", d_steps=5, lr_d=0.1, lr_g=0.01,
            hidden=64, batch_size=128,
        ),
        1000,
        "stalled",
        "D quickly learns that everything near the centre is fake, and the fakes stay there. The "
        "arrows (the gradient the minimax loss gives each fake) are almost invisible: where D is "
        "sure, log(1 - D) is flat. Switch the loss to non-saturating and the same D pushes them "
        "out towards the ring.",
        eval_every=50,
    ),
    "ns_collapses": Preset(
        "D wins early: non-saturating collapses",
        "The same early-winning D as in \"Minimax stalls\", with the non-saturating loss: the "
        "fakes do reach the ring, but all on one mode.",
        TrainConfig(
            dataset="ring8", loss="nonsaturating", optimizer="sgd", d_steps=5, lr_d=0.1,
            lr_g=0.01, hidden=64, batch_size=128,
        ),
        1000,
        "mode_collapse",
        "The non-saturating loss still pushes the fakes hard where D is sure they are fake, so "
        "they leave the centre and reach the ring. But they all land on the same mode, and D "
        "(trained 5 steps per G step) never lets them spread. The modes counter stays at 1/8 "
        "while almost every sample is high quality.",
        eval_every=50,
    ),
    "grid_collapse": Preset(
        "Unregularised collapses on the grid",
        "Without R1 the generator covers only part of the 5x5 grid; add R1 (gamma = 1) "
        "to cover all 25.",
        # judged on the averaged G like "R1 covers the grid", so the two differ only in R1;
        # GRID_FAST: two small hidden layers, a faster Adam (see GRID_FAST)
        TrainConfig(dataset="grid25", loss="nonsaturating", r1_gamma=0.0, g_ema=0.99,
                    **GRID_FAST),
        5000,
        "mode_collapse",
        "The fakes find some of the 25 modes and then stop spreading: a few modes stay empty, and "
        "the mode counter stops rising. Without a penalty, D's landscape gets steep around the "
        "modes G already covers, and G has no reason to leave them. Turn on R1 (gamma 1) to "
        "compare.",
        eval_every=100,
    ),
    "grid_r1": Preset(
        "R1 covers the grid",
        "The same grid run with R1 (gamma = 1) captures all 25 modes.",
        # judged on the averaged G: G itself often keeps one of the 25 modes below its share
        TrainConfig(dataset="grid25", loss="nonsaturating", r1_gamma=1.0, g_ema=0.99,
                    **GRID_FAST),
        6000,
        "converged",
        "With R1, D's landscape stays smooth near the real points, so the fakes are drawn towards "
        "every mode rather than piling onto a few. R1 is computed every 4th step at 4 times "
        "gamma (lazy R1, as in StyleGAN2): the same penalty on average, more steps per second. "
        "The metrics judge the averaged generator (g_ema); watch the modes counter climb to 25/25. "
        "On most seeds a mode or a few lag below their fair share for a while, and the verdict "
        "reads mode collapse until R1 has spread the fakes onto them too (seeds 0-7: for up to "
        "2,300 steps, all converged by step 5,800); without R1 they stay missing.",
        eval_every=100,
    ),
    # deterministic on the CPU: seeds 0-7 all overflow at step 3
    "diverges": Preset(
        "Too-large learning rate diverges",
        "Plain SGD with learning rate 10 and the saturating loss (unbounded below) overflows "
        "within a few steps: the losses become NaN and the run stops.",
        TrainConfig(dataset="ring8", loss="minimax", optimizer="sgd", lr_d=10.0, lr_g=10.0),
        100,
        "diverged",
        "With a learning rate of 10, every step overshoots: D's logits grow without bound, the "
        "saturating loss follows them to minus infinity, and within a few steps the numbers "
        "overflow. The run stops with the verdict diverged; lower the learning rates to recover.",
        eval_every=10,
    ),
}


@dataclass(frozen=True)
class Comparison:
    """A comparison on paired seeds that shows one difference: `variants` (config changes on
    top of `base`) trained on seeds 0..seeds-1 for `steps` steps. `expected` names the variant
    that the paired interval of `metric` must favour (the interval excludes 0), re-measured by
    `python scripts/readme_tables.py --run compare`."""

    title: str
    summary: str
    base: TrainConfig
    variants: tuple[dict, ...]
    seeds: int
    steps: int
    metric: str  # a sweeps.COMPARED_METRICS entry
    expected: int  # index into `variants` of the variant the interval favours
    eval_every: int = 100


DEFAULT_COMPARISON = "r1_grid"
COMPARISONS: dict[str, Comparison] = {
    "r1_grid": Comparison(
        "R1 against no R1 on the 25-Gaussian grid",
        "Without R1 the generator keeps fewer and fewer of the 25 modes; with R1 (gamma 1) it "
        "keeps most of them.",
        TrainConfig(dataset="grid25", loss="nonsaturating", hidden=32, batch_size=128,
                    lr_g=2e-3, lr_d=2e-3, g_ema=0.99),
        ({"r1_gamma": 0.0}, {"r1_gamma": 1.0}),
        seeds=8,
        steps=2000,
        metric="modes_captured",
        expected=1,
    ),
}
