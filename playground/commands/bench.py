"""`python -m playground bench`: engine vs textbook loop, ratios measured side by side."""

from __future__ import annotations

import json
import sys

from .common import UsageError, add_command, parse_count, usage_error

MAX_POPULATION = 1024  # members of one benchmarked population (memory grows with K)


def register(subparsers) -> None:
    p = add_command(
        subparsers, "bench", run,
        help="measure the engine's speed against the textbook loop",
        description="Steps/s of the textbook PyTorch loop, the engine with one run, and the "
        "engine with K runs batched (CUDA-graphed on a GPU), with and without R1, as ratios "
        "to the textbook loop, all measured in this one process.",
        json="one JSON object",
    )
    p.add_argument("--device", default="auto", help="cpu, cuda or auto (default)")
    p.add_argument("--populations", default=None,
                   help="comma-separated K values (default 1,8,32,128 on cuda, 1,8,32 on cpu)")
    p.add_argument("--batch-size", default=None, help="default 512 (256 with --duel)")
    p.add_argument("--seconds", default="2", help="measuring time per row and round")
    p.add_argument("--rounds", default="3", help="rounds; each row keeps its best")
    p.add_argument("--duel", action="store_true",
                   help="measure instead what the Playground's duel costs: both sides as one "
                        "population of 2 against each side alone, at the Playground's "
                        "default network and batch (256) unless --batch-size is given")


def run(args) -> int:
    from ..config import TrainConfig

    if args.device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"--device: {args.device!r} is not one of cpu, cuda, auto")
    try:
        pops = None if args.populations is None else [int(v) for v in args.populations.split(",")]
        seconds = float(args.seconds)
    except ValueError:
        raise UsageError("--populations takes integers, --seconds a number") from None
    if pops is not None and (not pops or min(pops) < 1 or max(pops) > MAX_POPULATION) or \
            not 0 < seconds <= 60:
        raise UsageError(f"--populations must be in [1, {MAX_POPULATION}] and --seconds in (0, 60]")
    batch_size = parse_count("--batch-size", args.batch_size or ("256" if args.duel else "512"), 1)
    try:
        TrainConfig(batch_size=batch_size)  # the engine's bounds, named as the flag
    except ValueError as e:
        raise usage_error(e) from None
    rounds = parse_count("--rounds", args.rounds, 1)

    import torch  # only once the arguments are good

    from ..bench import (
        BenchSettings,
        format_duel_table,
        format_table,
        run_benchmark,
        run_duel_benchmark,
    )
    from ..training import resolve_device

    try:
        device = resolve_device(args.device)
    except ValueError as e:
        raise UsageError(f"--{e}") from None
    if pops is None:
        pops = [1, 8, 32, 128] if device.type == "cuda" else [1, 8, 32]
    settings = BenchSettings(batch_size=batch_size, seconds=seconds, rounds=rounds)
    log = None if args.json else (lambda line: print(line, file=sys.stderr))
    if args.duel:
        report = run_duel_benchmark(torch.device(device), settings, log)
        print(json.dumps(report) if args.json else format_duel_table(report))
        return 0
    report = run_benchmark(torch.device(device), pops, settings, log)
    print(json.dumps(report) if args.json else format_table(report))
    return 0
