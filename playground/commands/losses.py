"""`python -m playground losses`: every loss the engine trains, with its paper, its D and G
losses, what D outputs, and the settings its paper trains it with (applied by --recommended)."""

from __future__ import annotations

import json

from ..catalog import LOSSES, PENALTIES
from .common import add_command


def register(subparsers) -> None:
    add_command(
        subparsers, "losses", run,
        help="list the losses (names for --loss) and their recommended settings",
        description="List every loss: the name --loss takes, its label, paper, D and G losses, "
        "what D outputs, and the settings its paper uses where they differ from the defaults "
        "(train and sweep apply them with --recommended). Penalties combine with any loss: "
        + ", ".join(f"--{k.replace('_', '-')} ({v})" for k, v in PENALTIES.items()) + ".",
        json="a JSON list",
    )


def listing() -> list[dict]:
    return [{"name": i.name, "label": i.label, "short": i.short, "paper": i.paper,
             "d_loss": i.d_loss, "g_loss": i.g_loss, "d_output": i.output.name,
             "d_output_is_probability": i.output.kind == "probability",
             "recommended": dict(i.recommended), "why": i.why} for i in LOSSES.values()]


def run(args) -> int:
    rows = listing()
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        print(f"{r['name']}: {r['label']} ({r['paper']})")
        print(f"  D minimises {r['d_loss']}")
        print(f"  G minimises {r['g_loss']}")
        if not r["d_output_is_probability"]:
            print(f"  D's output {r['d_output']} is not a probability")
        if r["recommended"]:
            info = LOSSES[r["name"]]
            print(f"  recommended: {info.recommended_text()} ({r['why']})")
    return 0
