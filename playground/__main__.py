"""python -m playground train|sweep|bench|dirac|presets|losses ... (see `--help` of each)."""

from __future__ import annotations

import importlib
import sys

from .commands.common import ArgumentParser, UsageError

COMMANDS = ("train", "sweep", "bench", "dirac", "presets", "losses")


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m playground", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"playground.commands.{name}").register(sub)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"{parser.prog} {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
