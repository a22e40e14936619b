"""`python -m playground presets`: list the presets, or (--check) train every preset headless on
several seeds and say how many reached the verdict the preset declares, and how fast."""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import time

from ..presets import PRESETS, Preset
from .common import UsageError, add_command, parse_count

MAX_SEEDS = 64


def register(subparsers) -> None:
    p = add_command(
        subparsers, "presets", run,
        help="list the presets, or check that each reaches its verdict",
        description="List the presets (name, title, expected verdict, steps). With --check, "
        "train every preset headless on seeds 0..N-1, one run at a time as the Playground does, "
        "and report per preset how many seeds reached the expected verdict and the median steps "
        "and seconds to reach it. A benchmark: the seconds depend on the machine and its load.",
        json="one JSON object",
    )
    p.add_argument("--check", action="store_true", help="train each preset and measure it")
    p.add_argument("--seeds", default="8", help="seeds per preset for --check (default 8)")
    p.add_argument("--only", metavar="NAME[,NAME...]", help="check only these presets")


def preset_argument(parser) -> None:
    """--preset NAME for train and sweep: the preset's config, steps and cadence are defaults
    that the other flags override."""
    parser.add_argument("--preset", metavar="NAME", default=None,
                        help=f"start from a preset ({', '.join(PRESETS)}); other flags override")


EVAL_EVERY = 100  # the commands' evaluation cadence without a preset


def length_arguments(parser, steps: int, unit: str = "training steps") -> None:
    """--steps and --eval-every for train and sweep: the flag, else the preset's, else the
    command's default (`steps`; evaluations every EVAL_EVERY steps)."""
    parser.add_argument("--steps", default=None,
                        help=f"{unit} (default {steps}, or the preset's)")
    parser.add_argument("--eval-every", default=None,
                        help=f"steps between metric evaluations (default {EVAL_EVERY}, or the "
                             "preset's)")


def run_length(args, preset: Preset | None, steps: int, min_steps: int) -> tuple[int, int]:
    """(steps, eval_every) from `length_arguments`' flags, a UsageError naming a bad one."""
    n = parse_count("--steps", args.steps or str(preset.steps if preset else steps), min_steps)
    every = parse_count(
        "--eval-every", args.eval_every or str(preset.eval_every if preset else EVAL_EVERY), 1)
    return n, every


def chosen_preset(args) -> Preset | None:
    if args.preset is None:
        return None
    if args.preset not in PRESETS:
        raise UsageError(f"--preset: {args.preset!r} is not one of {', '.join(PRESETS)}")
    return PRESETS[args.preset]


def preset_fields(preset: Preset | None) -> dict:
    """The preset's config as field values (empty without a preset)."""
    if preset is None:
        return {}
    return {f.name: getattr(preset.config, f.name) for f in dataclasses.fields(preset.config)}


def listing() -> list[dict]:
    return [{"name": name, "title": p.title, "expected": p.expected, "steps": p.steps,
             "eval_every": p.eval_every, "summary": p.summary, "look_for": p.look_for,
             "config": p.config.to_dict()} for name, p in PRESETS.items()]


def reach(preset: Preset, seed: int) -> dict:
    """Train `preset` on `seed` alone (K = 1, like the Playground) until its verdict is the
    expected label or `preset.steps` are done; the seconds include evaluations and verdicts."""
    from ..training import GANRun

    run = GANRun(preset.config.replace(seed=seed), eval_every=preset.eval_every)
    start = time.perf_counter()
    verdict = run.verdict()
    while run.step_count < preset.steps and not run.diverged:
        to_next = preset.eval_every - run.step_count % preset.eval_every
        run.advance(min(to_next, preset.steps - run.step_count))
        verdict = run.verdict()
        if verdict.label == preset.expected:
            step = verdict.since if verdict.label == "diverged" else run.step_count
            return {"seed": seed, "reached": True, "step": step,
                    "seconds": round(time.perf_counter() - start, 2), "label": verdict.label}
    return {"seed": seed, "reached": False, "step": None, "seconds": None,
            "label": verdict.label}


def check(names: list[str], seeds: int, progress=None) -> list[dict]:
    out = []
    for name in names:
        preset = PRESETS[name]
        runs = []
        for s in range(seeds):
            runs.append(reach(preset, s))
            if progress:
                progress(name, s + 1, seeds)
        hit = [r for r in runs if r["reached"]]
        out.append({
            "name": name, "title": preset.title, "expected": preset.expected,
            "steps": preset.steps, "eval_every": preset.eval_every, "seeds": seeds,
            "reached": len(hit),
            "median_steps": statistics.median(r["step"] for r in hit) if hit else None,
            "median_seconds": round(statistics.median(r["seconds"] for r in hit), 2) if hit
            else None,
            "max_seconds": max(r["seconds"] for r in hit) if hit else None,
            "runs": runs,
        })
    return out


def _progress(name: str, done: int, total: int) -> None:
    print(f"\r{name}: seed {done}/{total}", end="", file=sys.stderr)


def run(args) -> int:
    if not args.check:
        if args.json:
            print(json.dumps(listing()))
        else:
            for p in listing():
                print(f"{p['name']:16}  {p['expected']:13}  {p['steps']:>5} steps  {p['title']}")
        return 0
    seeds = parse_count("--seeds", args.seeds, 1)
    if seeds > MAX_SEEDS:
        raise UsageError(f"--seeds: at most {MAX_SEEDS}, got {seeds}")
    names = list(PRESETS)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in PRESETS]
        if unknown or not names:
            raise UsageError(f"--only: {', '.join(unknown) or 'no name'} is not one of "
                             f"{', '.join(PRESETS)}")
    from ..training import TRAIN_THREADS, device_label, resolve_device

    device = device_label(resolve_device("auto"))
    rows = check(names, seeds, None if args.json else _progress)
    if args.json:
        print(json.dumps({"device": device, "threads": TRAIN_THREADS, "presets": rows}))
        return 0
    print(file=sys.stderr)
    print(table(rows))
    return 0


def table(rows: list[dict]) -> str:
    """The check as a Markdown table (the README's, regenerated by scripts/readme_tables.py)."""
    lines = ["| preset | expected verdict | seeds reaching it | median steps | median s | "
             "slowest s |", "|---|---|---|---|---|---|"]
    for r in rows:
        def num(v, fmt):
            return "-" if v is None else format(v, fmt)

        lines.append(f"| {r['title']} (`{r['name']}`) | {r['expected'].replace('_', ' ')} | "
                     f"{r['reached']}/{r['seeds']} | {num(r['median_steps'], '.0f')} | "
                     f"{num(r['median_seconds'], '.1f')} | {num(r['max_seconds'], '.1f')} |")
    return "\n".join(lines)
