"""What Ray costs against a local sweep on this machine, and how long the large sweep of the
README ("Sweeps on a Ray cluster") would take on N GPU nodes. A benchmark, not a test.

    python scripts/bench_ray.py                              # both parts, about 5 minutes
    python scripts/bench_ray.py --seeds 4 --steps 300 --rounds 2
    python scripts/bench_ray.py --skip-overhead --gpu-model-steps 40000
    OMP_NUM_THREADS=1 python scripts/bench_ray.py --skip-projection   # one BLAS thread, as Ray's

Overhead: the same sweep (ring8, minimax and non-saturating, each without and with R1 gamma
0.1, `--seeds` seeds, the default network, `--steps` steps, populations of 8 runs) trained in
turn here (`run_sweep`, executor "local"), as Ray tasks on a Ray instance with 1 CPU (the same
sequential work: what Ray itself costs) and with 2 CPUs (two tasks at once); `--rounds` times,
the fastest of each kept, and every way must give the same records. Starting the Ray instance
is timed apart (a cluster is started once for many sweeps); "outside training" is the sweep's
wall time minus the populations' own training and evaluation time (the records' `seconds`):
what scheduling, worker start-up and sending records back cost, less sensitive to other jobs
slowing the training itself.

Projection: measured here in CPU time, the training rate of one population shaped like the
large sweep's (36 runs of one seed, the default network, no evaluation) and the cost of one
evaluation per run on each of its datasets (metrics of 2500 samples: numpy on one CPU core,
on GPU nodes too). The GPU training rate is an assumption given by --gpu-model-steps, not a
measurement. The sweep is split as `--ray` splits it (`sweeps.plan`, RUNS_PER_GPU_POPULATION
runs per task), one task per GPU at a time, longest tasks first.
"""

from __future__ import annotations

import argparse
import heapq
import logging
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.config import TrainConfig  # noqa: E402
from playground.records import json_safe  # noqa: E402
from playground.runner import run_sweep  # noqa: E402
from playground.sweeps import RUNS_PER_GPU_POPULATION, expand_grid, plan  # noqa: E402
from playground.training import Population  # noqa: E402

# The large sweep: 6 losses x 6 gammas x 3 datasets x 32 seeds x 20,000 steps. The engine has
# two losses; three learning rates stand in for the six losses' count of variants per seed.
LARGE = {"datasets": ("ring8", "grid25", "spiral"), "variants_per_seed": 36, "seeds": 32,
         "steps": 20_000, "eval_every": 100}
GAMMAS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)
# An H100 figure for a bare batched step of this network (batch 512, 512 runs, CUDA graph),
# measured before this engine existed; `python -m playground bench --device cuda` replaces it.
ASSUMED_GPU_MODEL_STEPS = 40_000
RUNS_PER_TASK = 8


def sweep_once(executor: str, cells, steps: int) -> tuple[float, float, list]:
    """Wall seconds, seconds outside training (wall minus the populations' own training and
    evaluation time, which the records hold), and the records without their seconds."""
    start = time.perf_counter()
    outcome = run_sweep(cells, steps, eval_every=100, executor=executor, max_runs=RUNS_PER_TASK)
    wall = time.perf_counter() - start
    assert not outcome.failures, outcome.failures
    training = sum(outcome.records[chunk[0]]["seconds"] for chunk in plan(cells, RUNS_PER_TASK))
    records = json_safe([{k: v for k, v in r.items() if k != "seconds"}
                         for r in outcome.records])
    return wall, wall - training, records


def overhead(seeds: int, steps: int, rounds: int) -> None:
    import ray

    from playground import cluster

    base = TrainConfig(dataset="ring8", device="cpu")
    cells = expand_grid(base, {"loss": ["minimax", "nonsaturating"], "r1_gamma": [0.0, 0.1]},
                        list(range(seeds)))
    ways = {"local": None, "ray, 1 CPU": 1, "ray, 2 CPUs": 2}
    best = {way: (float("inf"), float("inf")) for way in ways}
    starts = {w: float("inf") for w in ways if ways[w]}
    reference = None
    for r in range(rounds):
        for way, cpus in ways.items():
            if cpus:
                t = time.perf_counter()
                ray.init(num_cpus=cpus, num_gpus=0, logging_level=logging.ERROR,
                         log_to_driver=False, runtime_env=cluster.runtime_env())
                starts[way] = min(starts[way], time.perf_counter() - t)
            try:
                wall, outside, records = sweep_once("ray" if cpus else "local", cells, steps)
            finally:
                if cpus:
                    ray.shutdown()
            reference = reference or records
            if records != reference:
                raise SystemExit(f"{way}: records differ from the local sweep's")
            best[way] = min(best[way], (wall, outside))
            print(f"round {r + 1}: {way:12s} {wall:6.1f} s, {outside:5.1f} s outside training",
                  file=sys.stderr)
    runs = len(cells)
    tasks = len(plan(cells, RUNS_PER_TASK))
    print(f"\n{runs} runs x {steps} steps (ring8, default network, populations of "
          f"{RUNS_PER_TASK} runs: {tasks} tasks), fastest of {rounds} rounds; the records of "
          "every way are equal\n")
    print("| way | Ray start (s) | sweep (s) | outside training (s) | model-steps/s "
          "| sweep time / local |")
    print("|---|---|---|---|---|---|")
    local = best["local"][0]
    for way, (wall, outside) in best.items():
        start = f"{starts[way]:.1f}" if way in starts else "-"
        # with two tasks at once, wall time minus their summed training time means nothing
        apart = f"{outside:.1f}" if ways[way] in (None, 1) else "-"
        print(f"| {way} | {start} | {wall:.1f} | {apart} | {runs * steps / wall:,.0f} | "
              f"{wall / local:.2f}x |")


def measured_rates(seconds: float) -> tuple[float, dict[str, float]]:
    """Model-steps/s of a 36-run population (no evaluation), and seconds per run-evaluation
    on each dataset, in this process's CPU time (one thread): what a core of its own would
    take, less inflated by other jobs on the machine than wall time."""
    base = TrainConfig(device="cpu")
    variants = expand_grid(base, {"loss": ["minimax", "nonsaturating"], "r1_gamma": list(GAMMAS),
                                  "lr_g": [3e-4, 1e-3, 3e-3]}, [0])
    pop = Population([c.config for c in variants], eval_every=0)
    pop.advance(5)
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        n += pop.advance(5)
    rate = n * len(variants) / (time.process_time() - start)
    evaluation = {}
    for dataset in LARGE["datasets"]:  # per run: four runs measured twice are enough
        pop = Population([c.config.replace(dataset=dataset) for c in variants[:4]],
                         eval_every=0)
        pop.advance(50)
        start = time.process_time()
        for _ in range(2):
            pop.evaluate()
        evaluation[dataset] = (time.process_time() - start) / (2 * 4)
    return rate, evaluation


def makespan(task_seconds: list[float], nodes: int) -> float:
    """Longest tasks first, each to the node that frees first."""
    free = [0.0] * nodes
    for t in sorted(task_seconds, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


def projection(gpu_rate: float, seconds: float) -> None:
    cpu_rate, evaluation = measured_rates(seconds)
    steps, evals = LARGE["steps"], LARGE["steps"] // LARGE["eval_every"]
    base = TrainConfig(device="cuda")
    cells = expand_grid(base, {"dataset": list(LARGE["datasets"]),
                               "loss": ["minimax", "nonsaturating"], "r1_gamma": list(GAMMAS),
                               "lr_g": [3e-4, 1e-3, 3e-3]}, list(range(LARGE["seeds"])))
    tasks = plan(cells, RUNS_PER_GPU_POPULATION)
    runs = len(cells)
    print(f"\nmeasured here (CPU time): {cpu_rate:,.0f} model-steps/s for a 36-run population "
          "on one thread (default network, no evaluation); one evaluation of one run: "
          + ", ".join(f"{d} {s * 1e3:.1f} ms" for d, s in evaluation.items()))
    eval_core_s = sum(evaluation[c.config.dataset] for c in cells) * evals
    cpu_core_s = runs * steps / cpu_rate + eval_core_s
    print(f"the large sweep: {runs:,} runs x {steps:,} steps, {evals} evaluations per run, "
          f"{len(tasks)} tasks of at most {RUNS_PER_GPU_POPULATION} runs")
    print(f"on CPUs (this machine's speed per core): {cpu_core_s / 3600:,.0f} core-hours "
          f"({cpu_core_s / 86400:.1f} days on one core, "
          f"{cpu_core_s / 86400 / 2:.1f} on this 2-core machine)")

    def task_seconds(task: list[int], every: int) -> float:
        train = len(task) * steps / gpu_rate
        return train + sum(evaluation[cells[i].config.dataset] for i in task) * steps // every

    train_total = runs * steps / gpu_rate
    eval_total = sum(evaluation[c.config.dataset] for c in cells) * evals
    print(f"\nPROJECTION, not a measurement: GPU training at an assumed {gpu_rate:,.0f} "
          "model-steps/s per GPU; evaluations at this machine's measured speed, on one CPU "
          f"core per task; training {train_total / 3600:.1f} GPU-hours, evaluation "
          f"{eval_total / 3600:.1f} core-hours with an evaluation every {LARGE['eval_every']} "
          "steps\n")
    intervals = (LARGE["eval_every"], 1000)
    print("| GPU nodes (one task at a time each) | "
          + " | ".join(f"projected wall time, --eval-every {e}" for e in intervals) + " |")
    print("|---|" + "---|" * len(intervals))
    for nodes in (1, 2, 4, 8, 16):
        walls = [makespan([task_seconds(t, e) for t in tasks], nodes) for e in intervals]
        print(f"| {nodes} | " + " | ".join(f"{w / 3600:.1f} h" for w in walls) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4, help="overhead sweep: seeds (x 4 variants)")
    parser.add_argument("--steps", type=int, default=300, help="overhead sweep: steps per run")
    parser.add_argument("--rounds", type=int, default=2, help="overhead sweep: rounds, best kept")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="projection: seconds of training measured")
    parser.add_argument("--gpu-model-steps", type=float, default=ASSUMED_GPU_MODEL_STEPS,
                        help="projection: assumed GPU training rate (model-steps/s per GPU)")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-projection", action="store_true")
    args = parser.parse_args()
    if not args.skip_overhead:
        overhead(args.seeds, args.steps, args.rounds)
    if not args.skip_projection:
        projection(args.gpu_model_steps, args.seconds)


if __name__ == "__main__":
    main()
