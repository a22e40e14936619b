"""`python -m playground train`: one run, headless; a summary or one JSON object on stdout."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path

from ..catalog import variant_name
from ..records import RunResult, json_safe
from .common import (
    UsageError,
    add_command,
    add_config_arguments,
    add_recommended_argument,
    check_writable,
    config_values,
    make_config,
    note_recommended,
    progress_bar,
    recommended_changes,
    usage_error,
    write_text,
)
from .presets import (
    chosen_preset,
    length_arguments,
    preset_argument,
    preset_fields,
    run_length,
)

DEFAULT_STEPS = 6000


def register(subparsers) -> None:
    p = add_command(
        subparsers, "train", run,
        help="train one GAN and report its metrics and verdict",
        description="Train one GAN on 2D data and report its mode metrics and verdict.",
        json="one JSON object",
    )
    length_arguments(p, DEFAULT_STEPS)
    p.add_argument("--samples", metavar="CSV", help="write 2500 generated points (x,y)")
    p.add_argument("--history", metavar="CSV", help="write the per-step history")
    p.add_argument("--animation", metavar="FILE",
                   help="write the replay, 60 frames spread over the run: FILE.gif (an "
                        "animated GIF, under 3 MB) or FILE.html (interactive, opens offline); "
                        "needs Pillow or plotly (pip install '.[app]')")
    preset_argument(p)
    add_recommended_argument(p)
    add_config_arguments(p)


def run(args) -> int:
    preset = chosen_preset(args)
    steps, eval_every = run_length(args, preset, DEFAULT_STEPS, 0)
    values = {k: v[0] for k, v in config_values(args).items()}
    fields = {**preset_fields(preset), **values}
    if args.recommended:
        fields.update(recommended_changes(fields.get("loss", "nonsaturating"), values))
    config = make_config(fields)
    note_recommended([config.loss], args.recommended)
    check_writable("--samples", args.samples)
    check_writable("--history", args.history)
    if args.animation:
        _check_animation(args.animation)
    from ..animation import MAX_FRAMES
    from ..training import train  # torch loads only once the arguments are good

    try:
        progress = None if args.json else progress_bar
        result = train(config, steps, eval_every=eval_every, progress=progress,
                       frames=MAX_FRAMES if args.animation else 0)
    except ValueError as e:  # e.g. device 'cuda' without CUDA
        raise usage_error(e) from None
    if not args.json:
        print(file=sys.stderr)
    if args.samples:
        _write_samples(args.samples, result)
    if args.history:
        write_text(args.history, result.history.to_csv())
    if args.animation:
        _write_animation(args.animation, result)
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


def _check_animation(path: str) -> None:
    """The file's kind from its extension, and the package that writes it, before training."""
    kind = Path(path).suffix.lower()
    if kind not in (".gif", ".html"):
        raise UsageError(f"--animation: {path} must end in .gif or .html")
    module = "PIL" if kind == ".gif" else "plotly"
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"--animation {path}: needs {'Pillow' if module == 'PIL' else module} "
                         "(pip install '.[app]')")
    check_writable("--animation", path)


def _write_animation(path: str, result: RunResult) -> None:
    from ..animation import frame_text
    from ..data import make_dataset

    dataset = make_dataset(result.config)
    diverged = result.verdict.since if result.verdict.label == "diverged" else None
    frames = [(snap, frame_text(result.history, dataset.n_modes, snap.step, diverged))
              for snap in result.frames]
    c = result.config
    title = (f"{c.loss}{f' + R1 (gamma {c.r1_gamma:g})' if c.r1_gamma else ''} on {c.dataset}, "
             f"seed {c.seed}")
    if path.lower().endswith(".gif"):
        from ..animation import replay_gif

        with open(path, "wb") as f:
            f.write(replay_gif(frames, dataset.bounds, title))
    else:
        from ..figures.animation import replay_figure, to_html

        write_text(path, to_html(replay_figure(frames, dataset.bounds, title)))


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
