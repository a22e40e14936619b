"""What every subcommand shares: argument parsing that fails with exit code 2 and one line
(no traceback), and the mapping from `--kebab-case` flags to `TrainConfig` fields."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from .. import catalog, config, params
from ..config import TrainConfig


class UsageError(Exception):
    """Bad input at the command line: printed as one line, exit code 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def add_command(subparsers, name: str, run, *, help: str, description: str,
                json: str) -> argparse.ArgumentParser:
    """A subcommand: its one-line help, its description, the function that runs it, and
    --json, which prints `json` (e.g. "one JSON object") on stdout instead of text."""
    p = subparsers.add_parser(name, help=help, description=description)
    p.add_argument("--json", action="store_true", help=f"print {json} on stdout")
    p.set_defaults(run=run)
    return p


# Config fields a command line may set; custom_points comes from --points FILE instead.
CONFIG_FLAGS = tuple(
    f for f in dataclasses.fields(TrainConfig) if f.name not in ("custom_points",)
)


# Fields with a fixed set of values: their flags list them.
CHOICES = {"dataset": config.DATASETS, "loss": config.G_LOSSES, "optimizer": config.OPTIMIZERS,
           "activation": config.ACTIVATIONS, "device": config.DEVICES}


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_config_arguments(parser: argparse.ArgumentParser, *, multi: bool = False) -> None:
    """One flag per config field; with multi=True each takes a comma-separated list (sweep axis)."""
    group = parser.add_argument_group("run configuration (TrainConfig fields)")
    for f in CONFIG_FLAGS:
        default = f.default
        text = "comma-separated values to sweep; " if multi else ""
        if f.name in CHOICES:
            text += f"one of {', '.join(CHOICES[f.name])}; "
        group.add_argument(
            flag(f.name), dest=f.name, default=None, metavar="V[,V...]" if multi else "V",
            help=f"{text}default {default!r}",
        )
    group.add_argument(
        "--points", metavar="CSV", default=None,
        help="file of 'x,y' lines for --dataset custom",
    )


def add_recommended_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recommended", action="store_true",
        help="train each loss with the settings its paper uses where they differ from the "
             "defaults (WGAN-GP: --d-steps 5 --beta1 0 --beta2 0.9; `losses` lists them); "
             "flags given explicitly still win",
    )


def recommended_changes(loss: str, explicit) -> dict:
    """Loss `loss`'s recommended settings, less the fields the user set explicitly."""
    return {k: v for k, v in catalog.recommended(loss).items() if k not in explicit}


def note_recommended(losses, applied: bool) -> None:
    """One stderr line per chosen loss whose paper trains it with other settings, unless
    --recommended applied them (stdout stays for the result)."""
    if applied:
        return
    for loss in dict.fromkeys(losses):
        info = catalog.LOSSES.get(loss)
        if info is not None and info.recommended:
            flags = " ".join(f"{flag(k)} {v:g}" if isinstance(v, float) else f"{flag(k)} {v}"
                             for k, v in info.recommended.items())
            print(f"note: {info.short} is trained in {info.paper} with {flags}; add "
                  "--recommended to use them", file=sys.stderr)


def config_values(args: argparse.Namespace) -> dict[str, list]:
    """{field: [values...]} for the flags the user gave (lists of one without multi)."""
    out = {}
    try:
        for f in CONFIG_FLAGS:
            raw = getattr(args, f.name)
            if raw is not None:
                out[f.name] = params.parse_values(f.name, str(raw))
        if args.points is not None:
            out["custom_points"] = [params.read_points_file(args.points)]
    except ValueError as e:
        raise usage_error(e) from None
    return out


def usage_error(e: ValueError) -> UsageError:
    """A ValueError from the engine as a command-line error naming the flag."""
    return UsageError(_flagify(str(e)))


def make_config(values: dict) -> TrainConfig:
    """A validated config; a bad value becomes a UsageError naming the flag."""
    try:
        return TrainConfig(**values)
    except ValueError as e:
        raise usage_error(e) from None


def _flagify(message: str) -> str:
    """'lr_g: ...' -> '--lr-g: ...' (custom_points is given as --points)."""
    name, sep, rest = message.partition(":")
    if not (sep and name.isidentifier()):
        return message
    return f"{'--points' if name == 'custom_points' else flag(name)}:{rest}"


def parse_count(flag: str, text: str, lo: int = 0) -> int:
    """An integer flag value >= lo, or a UsageError naming the flag."""
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not an integer") from None
    if value < lo:
        raise UsageError(f"{flag}: must be >= {lo}, got {value}")
    return value


def progress_bar(done: int, total: int) -> None:
    """A one-line progress bar on stderr (stdout stays for the result)."""
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    print(f"\r[{bar}] {done}/{total} steps", end="", file=sys.stderr)


def check_writable(flag: str, path: str | None) -> None:
    """Fail before training rather than after it: `path` (if given) must be a file that can be
    created or overwritten. Opened for appending and closed (removed again if it was new), which
    asks the file system itself rather than guessing from permission bits."""
    if path is None:
        return
    if os.path.isdir(path):
        raise UsageError(f"{flag}: {path} is a folder")
    existed = os.path.exists(path)
    try:
        with open(path, "a"):
            pass
    except OSError as e:
        raise UsageError(f"{flag}: cannot write {path}: {e.strerror}") from None
    if not existed:
        os.remove(path)


def write_text(path: str, text: str) -> None:
    try:
        with open(path, "w", newline="") as fh:
            fh.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None
