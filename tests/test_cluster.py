"""Sweeps on Ray (`sweep --ray`, `run_sweep(executor="ray")`) against a Ray instance on this
machine with 2 CPUs, started once for the module and shut down after it: the same records and
histories as a local sweep, failed tasks retried then reported with their runs, and a rerun
that trains only what is missing. Skipped where ray is not installed (requirements-ray.txt)."""

import json
import logging
import sys

import numpy as np
import pytest

ray = pytest.importorskip("ray")

from playground import cluster  # noqa: E402
from playground.__main__ import main  # noqa: E402
from playground.runner import run_sweep  # noqa: E402
from playground.sweeps import expand_grid  # noqa: E402

from .test_runner import TINY_FLAGS, without_seconds  # noqa: E402

GRID_FLAGS = ["--loss", "minimax,nonsaturating", "--seeds", "3", "--max-runs", "2"]


@pytest.fixture(scope="module", autouse=True)
def ray_instance():
    ray.init(num_cpus=2, num_gpus=0, include_dashboard=False, logging_level=logging.ERROR,
             log_to_driver=False, runtime_env=cluster.runtime_env())
    # the test's own task wrappers travel by value: workers cannot import the tests package
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    ray.shutdown()


def steps_table(history):
    return np.column_stack(list(history.steps.values()))


def evals_table(history):
    return np.column_stack(list(history.evals.values()))


def test_ray_gives_the_records_and_histories_of_a_local_sweep(tiny):
    cells = expand_grid(tiny, {"batch_size": [16, 32], "loss": ["minimax", "nonsaturating"]},
                        [0, 1, 2])
    local = run_sweep(cells, 20, eval_every=10, max_runs=2, histories=True)
    remote = run_sweep(cells, 20, eval_every=10, max_runs=2, histories=True, executor="ray")
    assert remote.populations == 6 and not remote.failures
    assert remote.device.startswith("a Ray cluster")
    assert without_seconds(remote.records) == without_seconds(local.records)
    assert [c for c, _ in remote.histories] == cells
    for (_, a), (_, b) in zip(remote.histories, local.histories):
        np.testing.assert_array_equal(steps_table(a), steps_table(b))  # NaN equals NaN here
        np.testing.assert_array_equal(evals_table(a), evals_table(b))
        np.testing.assert_array_equal(a.mode_counts, b.mode_counts)


def test_ctrl_c_cancels_the_tasks_and_leaves_whole_records(tiny, tmp_path):
    out = tmp_path / "results.jsonl"
    cells = expand_grid(tiny, {"loss": ["minimax", "nonsaturating"]}, [0, 1, 2])

    def interrupt_after_first_population(p):
        if p.runs_done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2, executor="ray",
                  progress=interrupt_after_first_population)
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(kept) == 2  # the first population; the others were cancelled
    rest = run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2, executor="ray")
    assert rest.resumed == len(kept) and len(rest.records) == 6 and not rest.failures


def test_cuda_on_a_cluster_without_gpus_is_an_error_before_any_task(tiny):
    cells = expand_grid(tiny.replace(device="cuda"), {"loss": ["minimax"]}, [0, 1])
    with pytest.raises(ValueError, match="the Ray cluster has no GPU"):
        run_sweep(cells, 20, executor="ray")


def failing_task(attempts_dir, fail_seed, flaky_seed):
    """A train_task that always fails for the population of `fail_seed` and fails the first
    attempt of `flaky_seed`'s; every attempt leaves a line in attempts_dir/seed-N."""
    real = cluster.train_task

    def task(cells, *args):
        seed = cells[0].config.seed
        with open(attempts_dir / f"seed-{seed}", "a") as fh:
            fh.write("attempt\n")
        attempts = len((attempts_dir / f"seed-{seed}").read_text().splitlines())
        if seed == fail_seed or (seed == flaky_seed and attempts == 1):
            raise RuntimeError(f"injected failure for seed {seed}")
        return real(cells, *args)

    return task


def test_a_failed_task_is_retried_reported_and_trained_again_on_rerun(
    monkeypatch, tmp_path, capsys,
):
    out = tmp_path / "results.jsonl"
    argv = ["sweep", *GRID_FLAGS, *TINY_FLAGS, "--out", str(out), "--ray"]
    monkeypatch.setattr(cluster, "train_task", failing_task(tmp_path, 1, 2))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "1 population(s) failed on every attempt; their 2 runs have no record" in err
    assert "minimax, NS; seeds 1; dataset ring8" in err
    assert "RuntimeError: injected failure for seed 1" in err
    assert "Rerun the same command" in err
    attempts = {s: len((tmp_path / f"seed-{s}").read_text().splitlines()) for s in (0, 1, 2)}
    assert attempts == {0: 1, 1: 1 + cluster.RETRIES, 2: 2}
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["config"]["seed"] for r in kept) == [0, 0, 2, 2]

    monkeypatch.undo()
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    assert "4 of 6 runs were already in" in captured.err
    records = json.loads(captured.out)
    assert sorted(r["config"]["seed"] for r in records) == [0, 0, 1, 1, 2, 2]
    assert len(out.read_text().splitlines()) == 6
    assert main(["sweep", *GRID_FLAGS, *TINY_FLAGS, "--out", str(tmp_path / "local.jsonl"),
                 "--json"]) == 0
    assert without_seconds(records) == without_seconds(json.loads(capsys.readouterr().out))
