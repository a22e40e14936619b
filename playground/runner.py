"""A sweep run to the end, here or on a Ray cluster, its records streamed to a results file:
the engine behind `python -m playground sweep --out/--ray` and `run_sweep`.

The unit of work is one population of `sweeps.plan` (runs that share a structure, split by
seeds into at most `max_runs` runs), trained by `sweeps.train_cells`: one after another in this
process, or as Ray tasks (`playground.cluster`, the only module that imports ray, imported only
for executor="ray"). Both executors split a sweep the same way and train each population with
the same code on one torch thread, so they give bit-identical records and histories on the
same kind of hardware.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .records import History, json_safe
from .results import ResultsFile, config_key
from .sweeps import (
    RUNS_PER_CPU_POPULATION,
    RUNS_PER_GPU_POPULATION,
    Cell,
    plan,
    train_cells,
)
from .training import resolve_device

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Progress:
    """Where a sweep stands: runs finished (those found in the results file included) and the
    model-steps (steps x runs) trained in this session, with their rate."""

    runs_done: int
    runs_total: int
    model_steps: int
    model_steps_total: int
    seconds: float

    @property
    def rate(self) -> float:
        """Model-steps per second since the session started."""
        return self.model_steps / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta(self) -> float:
        """Seconds left at the rate so far (NaN before the first step)."""
        left = self.model_steps_total - self.model_steps
        return left / self.rate if self.rate > 0 else (0.0 if left == 0 else math.nan)


@dataclass(frozen=True)
class Failure:
    """A population that failed on every attempt: its runs and the last error."""

    cells: list[Cell]
    error: str


@dataclass
class SweepOutcome:
    """`records`: one per finished run, in the order of the cells (the results file's records
    included), NaN as None as in the file; `histories`: (cell, History) of the runs trained
    in this session, when asked for; `failures`: populations that failed; `resumed`: runs
    found in the results file; `populations`: those trained (or tried) in this session."""

    records: list[dict]
    histories: list[tuple[Cell, History]]
    failures: list[Failure]
    resumed: int
    seconds: float
    device: str
    populations: int


class LocalExecutor:
    """Trains the populations one after another in this process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def default_max_runs(self, cells: Sequence[Cell]) -> int:
        # 'cuda' where torch sees none is a ValueError here, before anything trains
        gpu = resolve_device(cells[0].config.device).type == "cuda"
        return RUNS_PER_GPU_POPULATION if gpu else RUNS_PER_CPU_POPULATION

    def execute(self, chunks: Sequence[Sequence[Cell]], steps: int, eval_every: int,
                histories: bool, ledger: Ledger) -> None:
        for j, cells in enumerate(chunks):
            result = train_cells(cells, steps, eval_every=eval_every, histories=histories,
                                 progress=lambda done, _total, j=j: ledger.progress(j, done))
            ledger.done(j, result)


class Ledger:
    """What the executors report to: steps trained per population, finished populations
    (their new records go to the results file at once) and failed ones."""

    def __init__(self, cells, chunks, found, steps, results, progress):
        self.cells, self.chunks, self.found, self.steps = cells, chunks, found, steps
        self.results, self.callback = results, progress
        self.resumed = len(found)
        self.histories: dict[int, History] = {}
        self.failures: list[Failure] = []
        self.devices: set[str] = set()
        self._steps = [0] * len(chunks)
        self._finished = [False] * len(chunks)
        self._start = time.perf_counter()

    def progress(self, j: int, steps_done: int) -> None:
        if not self._finished[j]:
            self._steps[j] = steps_done
            self.report()

    def done(self, j: int, result: dict) -> None:
        new = []
        for m, i in enumerate(self.chunks[j]):
            if i not in self.found:  # a population rerun for its missing runs keeps the others
                self.found[i] = json_safe(result["records"][m])  # as the file holds it
                new.append(self.found[i])
                if result["histories"] is not None:
                    self.histories[i] = result["histories"][m]
        if self.results is not None and new:
            self.results.append(new)
        self.devices.add(result["device"])
        self._finish(j)

    def failed(self, j: int, error: str) -> None:
        self.failures.append(Failure([self.cells[i] for i in self.chunks[j]], error))
        self._finish(j)

    def _finish(self, j: int) -> None:
        self._steps[j], self._finished[j] = self.steps, True
        self.report()

    def snapshot(self) -> Progress:
        return Progress(
            runs_done=len(self.found), runs_total=len(self.cells),
            model_steps=sum(s * len(c) for s, c in zip(self._steps, self.chunks)),
            model_steps_total=self.steps * sum(len(c) for c in self.chunks),
            seconds=time.perf_counter() - self._start,
        )

    def report(self) -> None:
        if self.callback:
            self.callback(self.snapshot())


def _previous_records(results: ResultsFile, cells: Sequence[Cell], steps: int) -> dict[int, dict]:
    """The cells' records already in the results file; anything else there is an error (a
    results file holds one sweep)."""
    index = {config_key(c.config.to_dict()): i for i, c in enumerate(cells)}
    found = {}
    for r in results.records:
        i = index.get(config_key(r["config"]))
        if i is None:
            raise ValueError(
                f"{results.path} holds runs that are not part of this sweep (e.g. "
                f"{r['variant']}, seed {r['config'].get('seed')}): choose another file")
        if r["steps"] != steps and r["verdict"]["label"] != "diverged":
            raise ValueError(f"{results.path} holds runs of {r['steps']} steps; this sweep "
                             f"trains {steps}: choose another file")
        found[i] = r
    return found


def run_sweep(
    cells: Sequence[Cell],
    steps: int,
    *,
    eval_every: int = 100,
    executor: str = "local",
    address: str | None = None,
    out: str | None = None,
    max_runs: int | None = None,
    histories: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> SweepOutcome:
    """Train every cell to the end and return their records.

    executor "local" trains the populations one after another here; "ray" runs each as a Ray
    task (a GPU each where the cluster has GPUs, one CPU otherwise) on the cluster at
    `address` (None: RAY_ADDRESS, else the cluster `ray start` started on this machine, else
    a new Ray instance here), or on the one this process already connected to with
    `ray.init` (pass it `runtime_env=cluster.runtime_env()`).

    `out`: a JSON-lines results file (`playground.results`) that every finished population
    is appended to at once; runs already in it are not trained again. `max_runs`: at most
    that many runs per population (`sweeps.plan`); by default 256 where they train on GPUs
    and 32 on CPUs for both executors, so both train the same populations (training itself is
    the same in any population of two or more, but the per-step gradient norms in the
    histories are summed with a rounding that depends on the population's size). A population
    that fails on every attempt is reported in `failures`, its runs left out of `records`.
    `progress(Progress)` is called as populations advance.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor: expected one of {', '.join(EXECUTORS)}, got {executor!r}")
    if address is not None and executor != "ray":
        raise ValueError("address: only with executor='ray'")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: expected a positive integer, got {steps!r}")
    if not cells:
        raise ValueError("a sweep needs at least one cell")
    cells = list(cells)
    plan(cells, max_runs)  # a bad max_runs fails before Ray starts
    results = ResultsFile(out) if out else None
    start = time.perf_counter()
    try:
        found = _previous_records(results, cells, steps) if results else {}
        if executor == "ray":
            from .cluster import RayExecutor

            engine = RayExecutor(address)
        else:
            engine = LocalExecutor()
        with engine:
            chunks = plan(cells, max_runs if max_runs is not None
                          else engine.default_max_runs(cells))
            todo = [c for c in chunks if any(i not in found for i in c)]
            ledger = Ledger(cells, todo, found, steps, results, progress)
            ledger.report()
            if todo:
                engine.execute([[cells[i] for i in c] for c in todo], steps, eval_every,
                               histories, ledger)
    finally:
        if results is not None:
            results.close()
    devices = ", ".join(sorted(ledger.devices or {r["device"] for r in found.values()}))
    return SweepOutcome(
        records=[found[i] for i in range(len(cells)) if i in found],
        histories=[(cells[i], ledger.histories[i]) for i in sorted(ledger.histories)],
        failures=ledger.failures,
        resumed=ledger.resumed,
        seconds=time.perf_counter() - start,
        device=devices if executor == "local" else f"a Ray cluster ({devices})",
        populations=len(todo),
    )
