"""What one request may ask of a shared server: the cost of a training step, the steps of one
comparison, and how much randomness a run draws ahead of time.

The pages check these before building anything, whether a value came from a widget or a link,
so one visitor cannot make every step of the server take minutes or hold gigabytes. Pure Python:
the UI checks a config before torch builds anything.
"""

from __future__ import annotations

from .config import TrainConfig

# One step of the defaults (batch 256, width 128, depth 3, one D step) costs 2.5e7 and takes about
# 7 ms on one CPU thread (14 ms with R1). The cap is 85 times that: at most about 0.4 s per step on
# one thread, R1 included (measured 0.29-0.39 s at the cap), so a live page still moves every
# tick, and the Compare page's card (4 variants) fits with 16 seeds at the defaults. The issue's
# settings (batch 2048, width 512, depth 8, 20 D steps) cost 9.0e10: 121 s per step.
MAX_STEP_COST = 2**31
MAX_STEPS = 10_000  # steps one comparison may train per run (the Compare page's largest choice)

# Randomness is drawn BLOCK steps at a time (training.py); a config whose block would exceed
# MAX_BLOCK_FLOATS per seed (16 MiB) draws shorter blocks instead. Every preset and the defaults
# stay far below it, so their random streams (which depend on the block length) do not change.
BLOCK = 32
MAX_BLOCK_FLOATS = 2**22


def step_cost(cfg: TrainConfig, runs: int = 1) -> int:
    """Multiply-adds of the hidden layers, up to a constant: batch × width² × depth for every
    D step and the G step, times the runs trained together."""
    return runs * cfg.batch_size * cfg.hidden**2 * cfg.depth * (cfg.d_steps + 1)


def check_budget(cfg: TrainConfig, runs: int = 1, steps: int | None = None) -> None:
    """Raise ValueError, naming the limit, when `runs` runs of `cfg` (trained together) cost more
    per step than MAX_STEP_COST, or when `steps` exceeds MAX_STEPS."""
    if steps is not None and steps > MAX_STEPS:
        raise ValueError(f"steps: {steps:,} is over this server's limit of {MAX_STEPS:,} per run")
    cost = step_cost(cfg, runs)
    if cost <= MAX_STEP_COST:
        return
    what = f"{runs} runs × " if runs > 1 else ""
    fit = MAX_STEP_COST // step_cost(cfg)
    advice = (f"at most {fit} runs of these settings fit" if runs > 1 and fit >= 1 else
              "lower the batch size, width, depth or D steps")
    raise ValueError(
        f"one step costs {what}batch × width² × depth × (D steps + 1) = {what}{cfg.batch_size} × "
        f"{cfg.hidden}² × {cfg.depth} × {cfg.d_steps + 1} = {cost:.2e}, over this server's limit "
        f"of {MAX_STEP_COST:.2e} per step (the defaults cost {step_cost(TrainConfig()):.2e}): "
        f"{advice}"
    )


def randomness_per_step(cfg: TrainConfig) -> int:
    """Floats of data and noise one step draws per seed: d_steps batches of real points (2) and
    latent points, and one batch of latent points for the G step."""
    return cfg.batch_size * (cfg.d_steps * (2 + cfg.latent_dim) + cfg.latent_dim)


def block_length(cfg: TrainConfig) -> int:
    """Steps of randomness drawn at once: BLOCK, or fewer when BLOCK steps would exceed
    MAX_BLOCK_FLOATS (never fewer than one step)."""
    return max(1, min(BLOCK, MAX_BLOCK_FLOATS // randomness_per_step(cfg)))
