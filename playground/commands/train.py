"""`python -m playground train`: one run, headless; a summary or one JSON object on stdout."""

from __future__ import annotations

import csv
import io
import json
import sys

from ..catalog import variant_name
from ..records import RunResult, json_safe
from .common import (
    add_config_arguments,
    add_recommended_argument,
    check_writable,
    config_values,
    make_config,
    note_recommended,
    parse_count,
    progress_bar,
    recommended_changes,
    usage_error,
    write_text,
)
from .presets import chosen_preset, preset_argument, preset_fields


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train", help="train one GAN and report its metrics and verdict",
        description="Train one GAN on 2D data and report its mode metrics and verdict.",
    )
    p.add_argument("--steps", default=None,
                   help="training steps (default 6000, or the preset's)")
    p.add_argument("--eval-every", default=None,
                   help="steps between metric evaluations (default 100, or the preset's)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--samples", metavar="CSV", help="write 2500 generated points (x,y)")
    p.add_argument("--history", metavar="CSV", help="write the per-step history")
    preset_argument(p)
    add_recommended_argument(p)
    add_config_arguments(p)
    p.set_defaults(run=run)


def run(args) -> int:
    preset = chosen_preset(args)
    steps = parse_count("--steps", args.steps or str(preset.steps if preset else 6000))
    eval_every = parse_count(
        "--eval-every", args.eval_every or str(preset.eval_every if preset else 100), 1
    )
    values = {k: v[0] for k, v in config_values(args).items()}
    fields = {**preset_fields(preset), **values}
    if args.recommended:
        fields.update(recommended_changes(fields.get("loss", "nonsaturating"), values))
    config = make_config(fields)
    note_recommended([config.loss], args.recommended)
    check_writable("--samples", args.samples)
    check_writable("--history", args.history)
    from ..training import train  # torch loads only once the arguments are good

    try:
        progress = None if args.json else progress_bar
        result = train(config, steps, eval_every=eval_every, progress=progress)
    except ValueError as e:  # e.g. device 'cuda' without CUDA
        raise usage_error(e) from None
    if not args.json:
        print(file=sys.stderr)
    if args.samples:
        _write_samples(args.samples, result)
    if args.history:
        write_text(args.history, result.history.to_csv())
    if args.json:
        print(json.dumps(summary(result), allow_nan=False))
    else:
        print(_readable(result))
    return 0


def summary(result: RunResult) -> dict:
    """The JSON object of `train --json` (NaN becomes null: JSON has no NaN)."""
    return {
        "config": result.config.to_dict(),
        "steps": result.steps,
        "seconds": round(result.seconds, 3),
        "device": result.device,
        "threads": result.threads,
        "metrics": json_safe(result.metrics),
        "verdict": {"label": result.verdict.label, "reason": result.verdict.reason,
                    "since": result.verdict.since},
    }


def _write_samples(path: str, result: RunResult) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["x", "y"])
    for x, y in result.samples:
        w.writerow([f"{x:.6g}", f"{y:.6g}"])
    write_text(path, out.getvalue())


def _readable(result: RunResult) -> str:
    c, m, v = result.config, result.metrics, result.verdict
    lines = [
        f"{variant_name(c.loss, c.r1_gamma, c.r2_gamma)} on {c.dataset}, seed {c.seed}: "
        f"{result.steps} steps in "
        f"{result.seconds:.1f} s on {result.device} "
        f"({result.steps / max(result.seconds, 1e-9):.0f} steps/s)",
    ]
    if "modes_captured" in m:
        lines.append(
            f"modes captured {m['modes_captured']}/{m['n_modes']}, high quality "
            f"{m['high_quality']:.1%}, reverse KL {m['reverse_kl']:.3f}"
        )
    if "js_grid" in m:
        lines.append(f"grid JS {m['js_grid']:.3f}, sliced W1 {m['sliced_w']:.3f}")
    lines.append(f"verdict: {v.label} ({v.reason})")
    return "\n".join(lines)
