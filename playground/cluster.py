"""Sweeps on a Ray cluster: each population of `sweeps.plan` is one Ray task running
`sweeps.train_cells`, asking for a GPU where the cluster has GPUs and one CPU otherwise.
The only module that imports ray (requirements-ray.txt); `runner.run_sweep` imports it only
for executor="ray".

Workers get this package through the job's runtime environment (`py_modules`, see
`runtime_env`), so a cluster needs only the pinned requirements installed, not this
repository. A task that raises or whose worker dies is retried by Ray (RETRIES more attempts),
then reported as failed. Running tasks report their steps to a small actor, read about once a
second for the progress line.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Sequence

import ray

from .sweeps import RUNS_PER_CPU_POPULATION, RUNS_PER_GPU_POPULATION, Cell, train_cells

RETRIES = 2  # attempts after the first, for errors and for lost workers alike
POLL_SECONDS = 1.0
PACKAGE = pathlib.Path(__file__).resolve().parent


def runtime_env() -> dict:
    """Ships this package (not the rest of the repository) to every worker. Ray takes local
    folders only in `ray.init`: a program that connects itself passes this there."""
    return {"py_modules": [str(PACKAGE)], "excludes": ["__pycache__", "*.pyc"]}


@ray.remote(num_cpus=0)
class ProgressBoard:
    """Steps trained so far by each running task, as the tasks last reported them."""

    def __init__(self) -> None:
        self.steps: dict[int, int] = {}

    def report(self, task: int, steps: int) -> None:
        self.steps[task] = steps

    def read(self) -> dict[int, int]:
        return dict(self.steps)


def train_task(cells: Sequence[Cell], steps: int, eval_every: int, histories: bool,
               board, task: int) -> dict:
    """One population trained on a worker (the body of every Ray task)."""
    return train_cells(cells, steps, eval_every=eval_every, histories=histories,
                       progress=lambda done, _total: board.report.remote(task, done))


def describe_error(error: Exception) -> str:
    """One line: the task's own exception where Ray has it, else Ray's error."""
    cause = getattr(error, "cause", None)
    shown = cause if isinstance(cause, BaseException) else error
    lines = str(shown).strip().splitlines()
    return f"{type(shown).__name__}: {lines[0]}" if lines else type(shown).__name__


class RayExecutor:
    """Connects to a Ray cluster (or starts one on this machine) unless this process already
    has, and disconnects on exit only from what it connected to."""

    name = "ray"

    def __init__(self, address: str | None):
        self._connected_here = not ray.is_initialized()
        if self._connected_here:
            try:
                ray.init(address=address or None, runtime_env=runtime_env(),
                         logging_level=logging.WARNING)
            except ConnectionError as e:
                raise ValueError(f"ray: {e}") from None
        self.gpus = int(ray.cluster_resources().get("GPU", 0))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._connected_here:
            ray.shutdown()

    def default_max_runs(self, cells: Sequence[Cell]) -> int:
        gpu = "num_gpus" in self.resources(cells)
        return RUNS_PER_GPU_POPULATION if gpu else RUNS_PER_CPU_POPULATION

    def resources(self, cells: Sequence[Cell]) -> dict:
        """A GPU for a population that may use one (device 'auto' or 'cuda') where the cluster
        has GPUs; one CPU otherwise (Ray then hides the GPUs, so 'auto' trains on the CPU)."""
        device = cells[0].config.device
        if device == "cuda" and not self.gpus:
            raise ValueError("device: 'cuda' was asked for but the Ray cluster has no GPU")
        if device != "cpu" and self.gpus:
            return {"num_gpus": 1, "num_cpus": 1}
        return {"num_cpus": 1}

    def execute(self, chunks: Sequence[Sequence[Cell]], steps: int, eval_every: int,
                histories: bool, ledger) -> None:
        options = [self.resources(cells) for cells in chunks]  # a bad device before any task
        task = ray.remote(train_task)
        board = ProgressBoard.remote()
        pending = {}
        for j, (cells, opts) in enumerate(zip(chunks, options)):
            ref = task.options(max_retries=RETRIES, retry_exceptions=True, **opts).remote(
                list(cells), steps, eval_every, histories, board, j)
            pending[ref] = j
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=len(pending),
                                    timeout=POLL_SECONDS)
                for ref in ready:
                    j = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayError as e:
                        ledger.failed(j, describe_error(e))
                    else:
                        ledger.done(j, result)
                try:
                    steps_by_task = ray.get(board.read.remote(), timeout=POLL_SECONDS)
                except ray.exceptions.GetTimeoutError:
                    continue
                for j, done in steps_by_task.items():
                    ledger.progress(j, done)
        finally:  # Ctrl-C or an error here: nothing keeps training for no one
            for ref in pending:
                ray.cancel(ref, force=True)
            ray.kill(board)
