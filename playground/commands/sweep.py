"""`python -m playground sweep`: a grid of runs trained as batched populations on paired seeds;
a summary with paired differences, or one JSON record per (variant, seed) on stdout."""

from __future__ import annotations

import json
import math
import sys

from ..records import json_safe
from .common import (
    UsageError,
    add_config_arguments,
    add_recommended_argument,
    check_writable,
    config_values,
    make_config,
    note_recommended,
    parse_count,
    progress_bar,
    recommended_changes,
    write_text,
)
from .presets import chosen_preset, preset_argument, preset_fields

MAX_SEEDS = 1024


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sweep", help="train a grid of configs on paired seeds and compare them",
        description="Train every combination of the comma-separated config values, each on "
        "seeds 0..N-1 (--seeds N) or the listed --seed values. Runs that share a seed start "
        "from the same weights and see the same data and noise. Example: --dataset ring8 "
        "--loss minimax,nonsaturating --r1-gamma 0,0.1 --seeds 4 --steps 2000",
    )
    p.add_argument("--seeds", default=None, help="train seeds 0..N-1 (default 4)")
    p.add_argument("--steps", default=None,
                   help="training steps per run (default 2000, or the preset's)")
    p.add_argument("--eval-every", default=None,
                   help="steps between metric evaluations (default 100, or the preset's)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list, one record per (variant, seed)")
    p.add_argument("--csv", metavar="PATH", help="write the same records as a CSV table")
    p.add_argument("--histories", metavar="PATH", help="write every run's per-step history (CSV)")
    preset_argument(p)
    add_recommended_argument(p)
    add_config_arguments(p, multi=True)
    p.set_defaults(run=run)


def run(args) -> int:
    preset = chosen_preset(args)
    steps = parse_count("--steps", args.steps or str(preset.steps if preset else 2000), 1)
    eval_every = parse_count(
        "--eval-every", args.eval_every or str(preset.eval_every if preset else 100), 1
    )
    values = config_values(args)
    if args.seeds is not None and "seed" in values:
        raise UsageError("--seeds: give either --seeds N or --seed S[,S...], not both")
    if "seed" in values:
        seeds = values.pop("seed")
        if len(seeds) > MAX_SEEDS:
            raise UsageError(f"--seed: at most {MAX_SEEDS} seeds, got {len(seeds)}")
    else:
        n = parse_count("--seeds", "4" if args.seeds is None else args.seeds, 1)
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

    losses = values.get("loss", [base.loss])
    note_recommended(losses, args.recommended)
    extra = None
    if args.recommended:
        def extra(variant: dict) -> dict:
            return recommended_changes(variant.get("loss", base.loss), values)
    try:
        cells = sweeps.expand_grid(base, axes, seeds, extra=extra)
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
        print(readable(records, sweep.elapsed, sweep.device))
    return 0


def _pm(mean: float, sd: float, fmt: str) -> str:
    if not math.isfinite(mean):
        return "-"
    return f"{mean:{fmt}}" + (f" ± {sd:{fmt}}" if math.isfinite(sd) else "")


def _signed(x: float) -> str:
    return "0" if abs(x) < 1e-9 else f"{x:+.3g}"  # float round-off shows as 0


def readable(records: list[dict], seconds: float, device: str) -> str:
    """The summary table (mean ± std over seeds) and the paired differences, as plain text."""
    from .. import sweeps

    rows = sweeps.summary(records)
    n_runs = len(records)
    lines = [f"{n_runs} runs, {records[0]['steps']} steps each, {seconds:.1f} s on {device}", ""]
    width = max(len(r["variant"]) for r in rows)
    lines.append(f"{'variant':{width}}  {'modes':>11}  {'HQ':>11}  {'rev. KL':>11}  "
                 f"{'JS':>11}  {'sliced W1':>11}  {'steps to conv.':>14}  verdicts")
    for r in rows:
        conv = r["median_steps_to_convergence"]
        cols = [_pm(r[f"{m}_mean"], r[f"{m}_sd"], fmt) for m, fmt in (
            ("modes_captured", ".1f"), ("high_quality", ".2f"), ("reverse_kl", ".2f"),
            ("js_grid", ".2f"), ("sliced_w", ".2f"))]
        conv_text = "-" if not math.isfinite(conv) else f"{conv:.0f}"
        lines.append(f"{r['variant']:{width}}  " + "  ".join(f"{c:>11}" for c in cols)
                     + f"  {conv_text:>14}  {r['verdicts']}")
    by_pair: dict[str, list[str]] = {}
    for d in sweeps.paired_differences(records):
        text = "-" if not math.isfinite(d["mean_diff"]) else _signed(d["mean_diff"])
        if math.isfinite(d["ci_low"]):
            text += f" [{_signed(d['ci_low'])}, {_signed(d['ci_high'])}]"
        by_pair.setdefault(f"{d['b']} - {d['a']}", []).append(f"{d['metric']} {text}")
    if by_pair:
        lines += ["", "paired differences b - a over seeds: mean [95% t-interval]"]
        lines += [f"  {pair}: " + "; ".join(parts) for pair, parts in by_pair.items()]
    return "\n".join(lines)
