"""The engine must run on a bare GPU machine with only torch and numpy."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

ENGINE = [
    "playground", "playground.config", "playground.data", "playground.models",
    "playground.losses", "playground.training", "playground.records", "playground.metrics",
    "playground.presets", "playground.bench", "playground.budget", "playground.__main__",
    "playground.animation", "playground.point_codec", "playground.replay",
    "playground.throughput", "playground.params", "playground.report",
]


def test_importing_the_engine_imports_neither_streamlit_nor_plotly():
    code = (
        "import importlib, sys\n"
        f"for m in {ENGINE!r}:\n"
        "    importlib.import_module(m)\n"
        "for m in ('playground.sweeps', 'playground.dirac', 'playground.theory'):\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except ModuleNotFoundError as e:\n"
        "        if e.name != m: raise\n"
        "ui = ('streamlit', 'plotly', 'pandas')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ui)\n"
        "assert not bad, bad\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_no_engine_module_mentions_streamlit_or_plotly_imports():
    for path in (ROOT / "playground").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("playground/ui/", "playground/figures/")):
            continue
        text = path.read_text()
        assert "import streamlit" not in text and "from streamlit" not in text, rel
        assert "import plotly" not in text and "from plotly" not in text, rel


def test_api_rejects_bad_step_counts_and_evaluation_intervals_with_value_errors():
    from playground import TrainConfig, train

    for steps in ("5", -1, 2.0, True):
        with pytest.raises(ValueError, match="^steps:"):
            train(TrainConfig(), steps)
    for every in ("a", -1, 1.5, None):
        with pytest.raises(ValueError, match="^eval_every:"):
            train(TrainConfig(), 1, eval_every=every)


def test_custom_points_given_as_lists_or_arrays_train_and_stay_hashable():
    import numpy as np

    from playground import TrainConfig, train

    for points in ([(0, 0), (1, 1)], [[0, 0], [1, 1]], np.array([[0, 0], [1, 1]], np.float32)):
        cfg = TrainConfig(dataset="custom", custom_points=points, batch_size=8, hidden=8)
        assert cfg.custom_points == ((0.0, 0.0), (1.0, 1.0))
        assert hash(cfg) == hash(cfg.replace())
        assert train(cfg, 2, eval_every=0).steps == 2


def test_a_config_with_a_large_block_of_randomness_draws_shorter_blocks():
    from playground.budget import BLOCK, MAX_BLOCK_FLOATS, block_length, randomness_per_step
    from playground.config import TrainConfig
    from playground.training import GANRun

    cfg = TrainConfig(batch_size=2048, d_steps=20, latent_dim=64, hidden=8, depth=1,
                      device="cpu")
    n = block_length(cfg)
    assert n < BLOCK
    run = GANRun(cfg, eval_every=0)
    assert run.population.streams.blocks.x_real.shape[0] == n
    assert run.population.streams.blocks.z_d.numel() <= MAX_BLOCK_FLOATS
    assert n * randomness_per_step(cfg) <= MAX_BLOCK_FLOATS
    run.advance(n + 2)  # crosses a refill
    assert run.step_count == n + 2 and len(run.history.steps["step"]) == n + 2
