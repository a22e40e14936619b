"""The compute budget: what it counts, that every preset and the defaults fit with room to
spare, that the issue's hostile settings do not, and how much randomness a run draws ahead."""

import re

import pytest

from playground.budget import (
    BLOCK,
    MAX_BLOCK_FLOATS,
    MAX_STEP_COST,
    MAX_STEPS,
    block_length,
    check_budget,
    randomness_per_step,
    step_cost,
)
from playground.config import TrainConfig
from playground.presets import PRESETS

HOSTILE_SIDEBAR = TrainConfig(batch_size=2048, hidden=512, depth=8, d_steps=20, latent_dim=64,
                              r1_gamma=0.1)
HOSTILE_LINK = TrainConfig(batch_size=8192, hidden=1024, depth=8, d_steps=20)


def test_step_cost_counts_batch_width_squared_depth_and_every_player_step():
    assert step_cost(TrainConfig()) == 256 * 128**2 * 3 * 2
    assert step_cost(TrainConfig(d_steps=5)) == 3 * step_cost(TrainConfig())
    assert step_cost(TrainConfig(hidden=256)) == 4 * step_cost(TrainConfig())
    assert step_cost(TrainConfig(), runs=16) == 16 * step_cost(TrainConfig())


def test_defaults_and_every_preset_fit_ten_times_over():
    for cfg in [TrainConfig(), *(p.config for p in PRESETS.values())]:
        check_budget(cfg, steps=MAX_STEPS)
        assert 10 * step_cost(cfg) <= MAX_STEP_COST


@pytest.mark.parametrize("cfg", [HOSTILE_SIDEBAR, HOSTILE_LINK])
def test_hostile_settings_are_refused_with_the_limit_in_the_message(cfg):
    with pytest.raises(ValueError, match=re.escape(f"limit of {MAX_STEP_COST:.2e} per step")):
        check_budget(cfg)


def test_runs_trained_together_share_one_budget_and_the_message_says_how_many_fit():
    cfg = TrainConfig()
    fit = MAX_STEP_COST // step_cost(cfg)
    check_budget(cfg, runs=fit)
    with pytest.raises(ValueError, match=f"at most {fit} runs of these settings fit"):
        check_budget(cfg, runs=fit + 1)


def test_steps_over_the_limit_are_refused():
    check_budget(TrainConfig(), steps=MAX_STEPS)
    with pytest.raises(ValueError, match=f"limit of {MAX_STEPS:,}"):
        check_budget(TrainConfig(), steps=MAX_STEPS + 1)


def test_randomness_block_is_full_for_the_defaults_and_bounded_for_large_configs():
    for cfg in [TrainConfig(), *(p.config for p in PRESETS.values())]:
        assert block_length(cfg) == BLOCK  # their random streams are unchanged
    assert randomness_per_step(HOSTILE_SIDEBAR) * BLOCK > 20 * MAX_BLOCK_FLOATS
    for cfg in (HOSTILE_SIDEBAR, HOSTILE_LINK, TrainConfig(batch_size=2048, latent_dim=64)):
        n = block_length(cfg)
        assert 1 <= n < BLOCK
        assert n == 1 or n * randomness_per_step(cfg) <= MAX_BLOCK_FLOATS
