"""`python -m playground sweep`: a grid of runs trained as batched populations on paired seeds;
a summary with paired differences, or one JSON record per (variant, seed) on stdout."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import sys
from collections.abc import Mapping, Sequence

from .. import catalog, config
from ..config import TrainConfig
from ..records import json_safe
from .common import (
    UsageError,
    add_command,
    add_config_arguments,
    add_recommended_argument,
    check_writable,
    config_values,
    flag,
    make_config,
    note_recommended,
    parse_count,
    progress_bar,
    recommended_changes,
    write_text,
)
from .presets import (
    EVAL_EVERY,
    chosen_preset,
    length_arguments,
    preset_argument,
    preset_fields,
    run_length,
)

MAX_SEEDS = 1024
DEFAULT_STEPS, DEFAULT_SEEDS = 2000, 4
PENALTIES = ("r1_gamma", "r2_gamma")


def register(subparsers) -> None:
    p = add_command(
        subparsers, "sweep", run,
        help="train a grid of configs on paired seeds and compare them",
        description="Train every combination of the comma-separated config values, each on "
        "seeds 0..N-1 (--seeds N) or the listed --seed values. Runs that share a seed start "
        "from the same weights and see the same data and noise. Example: --dataset ring8 "
        "--loss minimax,nonsaturating --r1-gamma 0,0.1 --seeds 4 --steps 2000",
        json="a JSON list, one record per (variant, seed),",
    )
    p.add_argument("--seeds", default=None, help="train seeds 0..N-1 (default 4)")
    length_arguments(p, DEFAULT_STEPS, "training steps per run")
    p.add_argument("--csv", metavar="PATH", help="write the same records as a CSV table")
    p.add_argument("--histories", metavar="PATH", help="write every run's per-step history (CSV)")
    p.add_argument("--out", metavar="RESULTS.jsonl",
                   help="append each run's record to this JSON-lines file as its population "
                   "finishes; rerunning the same command skips the runs already in it")
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="train each population as a task on a Ray cluster (a GPU per task "
                   "where it has GPUs): at ADDRESS, else at RAY_ADDRESS, else the cluster "
                   "`ray start` started on this machine, else a new Ray instance on this "
                   "machine's cores; needs requirements-ray.txt")
    p.add_argument("--max-runs", default=None, metavar="N",
                   help="with --out or --ray: at most N runs per population, split by seeds "
                   "(default 256 where runs train on GPUs, 32 on CPUs: "
                   "sweeps.RUNS_PER_GPU_POPULATION, RUNS_PER_CPU_POPULATION)")
    preset_argument(p)
    add_recommended_argument(p)
    add_config_arguments(p, multi=True)


def run(args) -> int:
    preset = chosen_preset(args)
    steps, eval_every = run_length(args, preset, DEFAULT_STEPS, 1)
    values = config_values(args)
    if args.seeds is not None and "seed" in values:
        raise UsageError("--seeds: give either --seeds N or --seed S[,S...], not both")
    if "seed" in values:
        seeds = values.pop("seed")
        if len(seeds) > MAX_SEEDS:
            raise UsageError(f"--seed: at most {MAX_SEEDS} seeds, got {len(seeds)}")
    else:
        n = parse_count("--seeds", str(DEFAULT_SEEDS) if args.seeds is None else args.seeds, 1)
        if n > MAX_SEEDS:
            raise UsageError(f"--seeds: at most {MAX_SEEDS}, got {n}")
        seeds = list(range(n))
    check_writable("--csv", args.csv)
    check_writable("--histories", args.histories)
    first = {**preset_fields(preset), **{k: v[0] for k, v in values.items()}}
    base = make_config(first)
    axes = {k: v for k, v in values.items() if len(v) > 1}
    for name, options in axes.items():  # every value on its own, so an error names its flag
        for value in options[1:]:
            make_config({**first, name: value})
    from .. import sweeps  # torch loads only once the arguments are good
    from ..report import report

    losses = values.get("loss", [base.loss])
    note_recommended(losses, args.recommended)
    extra = None
    if args.recommended:
        def extra(variant: dict) -> dict:
            return recommended_changes(variant.get("loss", base.loss), values)
    streamed = args.out is not None or args.ray is not None
    if args.max_runs is not None and not streamed:
        raise UsageError("--max-runs: only with --out or --ray")
    max_runs = None if args.max_runs is None else parse_count("--max-runs", args.max_runs, 1)
    if args.ray is not None and importlib.util.find_spec("ray") is None:
        raise UsageError("--ray: ray is not installed (pip install -r requirements-ray.txt)")
    if args.out is not None:
        check_writable("--out", args.out)
    try:
        cells = sweeps.expand_grid(base, axes, seeds, extra=extra)
        if streamed:
            return run_streamed(args, cells, steps, eval_every, max_runs)
        sweep = sweeps.Sweep(cells, steps, eval_every=eval_every)
    except ValueError as e:  # a cell's value out of range, or 'cuda' without CUDA
        raise UsageError(str(e)) from None
    records = sweep.run(progress=None if args.json else progress_bar)
    if args.csv:
        write_text(args.csv, sweeps.records_csv(records))
    if args.histories:
        write_text(args.histories, sweep.histories_csv())
    if args.json:
        print(json.dumps(json_safe(records), allow_nan=False))
    else:
        print(file=sys.stderr)
        print(report(records, sweep.elapsed, sweep.device))
    return 0


def run_streamed(args, cells, steps: int, eval_every: int, max_runs: int | None) -> int:
    """--out / --ray: populations trained to the end one by one here or as Ray tasks, every
    finished one appended to --out; failed populations reported with their runs (exit 1)."""
    from .. import sweeps
    from ..report import report
    from ..runner import run_sweep

    last = []

    def progress(p) -> None:
        last[:] = [p]
        if not args.json:
            print("\r" + progress_line(p), end="", file=sys.stderr)

    try:
        outcome = run_sweep(
            cells, steps, eval_every=eval_every, executor="local" if args.ray is None else "ray",
            address=args.ray or None, out=args.out, max_runs=max_runs,
            histories=args.histories is not None, progress=progress,
        )
    except KeyboardInterrupt:
        done = last[0].runs_done if last else 0
        where = f"; the {done} finished runs are in {args.out}: rerun the same command to " \
            "continue" if args.out else ""
        print(f"\ninterrupted{where}", file=sys.stderr)
        return 130
    if not args.json:
        print(file=sys.stderr)
    if outcome.resumed:
        print(f"{outcome.resumed} of {len(cells)} runs were already in {args.out}; "
              "they were not trained again", file=sys.stderr)
    records = outcome.records
    if args.csv:
        write_text(args.csv, sweeps.records_csv(records))
    if args.histories:
        trained = outcome.histories
        write_text(args.histories, sweeps.histories_csv([c for c, _ in trained],
                                                        [h for _, h in trained]))
        if outcome.resumed:
            print(f"--histories: the {len(trained)} runs trained now (histories of runs "
                  "already in --out are not kept)", file=sys.stderr)
    if args.json:
        print(json.dumps(json_safe(records), allow_nan=False))
    elif records:
        print(report(records, outcome.seconds, outcome.device))
    if outcome.failures:
        print(failure_report(outcome.failures, args.out), file=sys.stderr)
        return 1
    return 0


def progress_line(p) -> str:
    """'[####......] 12/48 runs, 3,456 model-steps/s, ETA 2m 05s' (runs found in --out count as
    done; the rate and ETA are this session's)."""
    width = 30
    filled = width * p.runs_done // max(p.runs_total, 1)
    eta = "-" if not math.isfinite(p.eta) else _duration(p.eta)
    return (f"[{'#' * filled}{'.' * (width - filled)}] {p.runs_done}/{p.runs_total} runs, "
            f"{p.rate:,.0f} model-steps/s, ETA {eta}   ")


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 60}m {s % 60:02d}s" if s >= 60 else f"{s}s"


def failure_report(failures, out: str | None) -> str:
    """Which runs failed and why, one population per entry; how to retry them."""
    runs = sum(len(f.cells) for f in failures)
    lines = [f"error: {len(failures)} population(s) failed on every attempt; their {runs} runs "
             "have no record:"]
    for f in failures:
        seeds = sorted({c.config.seed for c in f.cells})
        variants = list(dict.fromkeys(c.variant for c in f.cells))
        cfg = f.cells[0].config
        lines.append(f"  {', '.join(variants)}; seeds {','.join(map(str, seeds))}; dataset "
                     f"{cfg.dataset}, batch {cfg.batch_size}, hidden {cfg.hidden}: {f.error}")
    lines.append("Rerun the same command to retry them: runs already in --out are skipped."
                 if out else "Add --out FILE to keep finished runs and retry only these.")
    return "\n".join(lines)


def command_line(base: TrainConfig, variants: Sequence[Mapping], seeds: int, steps: int, *,
                 eval_every: int = EVAL_EVERY, recommended: bool = False) -> str | None:
    """The `sweep` command that trains the same runs as `variants` (each a loss and its
    penalties) on `base` over seeds 0..seeds-1, or None when the command line cannot say it:
    the variants must form a grid (loss × R1 γ × R2 γ), and with `recommended` the base may not
    set what a loss's recommended settings set (flags given explicitly beat --recommended)."""
    losses = list(dict.fromkeys(v["loss"] for v in variants))
    gammas = {p: list(dict.fromkeys(float(v.get(p, 0.0)) for v in variants)) for p in PENALTIES}
    combos = {(v["loss"], *(float(v.get(p, 0.0)) for p in PENALTIES)) for v in variants}
    if combos != set(itertools.product(losses, *gammas.values())):
        return None
    flags = {"dataset": base.dataset, "loss": ",".join(losses),
             **{p: ",".join(f"{g:g}" for g in gs) for p, gs in gammas.items() if gs != [0.0]}}
    default = TrainConfig()
    for name in config.field_names():
        value = getattr(base, name)
        if name not in (*flags, *PENALTIES, "custom_points", "seed", "device") \
                and value != getattr(default, name):
            flags[name] = f"{value:g}" if isinstance(value, float) else str(value)
    if recommended and any(catalog.recommended(n) for n in losses):
        if any(k in flags for n in losses for k in catalog.recommended(n)):
            return None
    parts = ["python -m playground sweep"]
    for name, text in flags.items():
        parts.append(f"{flag(name)} {text}")
        if name == "dataset" and base.custom_points is not None:
            parts.append("--points points.csv")
    parts += [f"--seeds {seeds}", f"--steps {steps}"]
    if eval_every != EVAL_EVERY:
        parts.append(f"--eval-every {eval_every}")
    if recommended and any(catalog.recommended(n) for n in losses):
        parts.append("--recommended")
    return " ".join(parts)
