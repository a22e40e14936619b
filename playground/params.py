"""Config fields as text and back: the one parser for every place settings arrive as text,
the command line's flags (`--lr-g 3e-4`, comma-separated lists for a sweep), the Playground's
links (URL query parameters) and the mid-run changes a link replays (changes.py).

A value that cannot be read gets the config's own message, which names the field and what it
accepts ("lr_g: expected a number in [1e-07, 10], got 'fast'"); a value that can be read is then
checked by `TrainConfig` itself, so the bounds live in config.py alone. Callers turn the field
name into their own words (the CLI into `--lr-g`). No torch here: `--help` and bad arguments
answer before torch loads.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping

from .budget import check_budget
from .config import TrainConfig
from .point_codec import decode_points, fits_in_link

DEFAULT = TrainConfig()
FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}
NOT_SHARED = ("custom_points", "device")  # points travel encoded; the device: the server
IGNORED_PARAMS = ("preset", "duel")  # a link's parameters the Playground page handles itself
RUN_PARAMS = ("changes", "step", "eval_every")  # the run beyond its config (changes.py)
COST_FIELDS = ("batch_size", "hidden", "depth", "d_steps")  # what budget.step_cost counts
MAX_NAME = 40  # characters of an unknown parameter's name quoted in a problem


def parse_value(name: str, text: str) -> object:
    """Field `name`'s value written as `text` (types from the field's default; mode_std also
    takes 'none'). Raises ValueError naming the field and what it accepts."""
    if name not in FIELDS or name == "custom_points":
        raise ValueError(f"unknown field {name!r:.{MAX_NAME}}")
    default = FIELDS[name].default
    if name == "mode_std" and text.strip().lower() == "none":
        return None
    kind = float if default is None else type(default)  # mode_std: float | None
    if kind not in (int, float):
        return text
    try:
        return kind(text)
    except ValueError:
        TrainConfig(**{name: text})  # the config's message: "name: expected ... in [lo, hi]"
        raise ValueError(f"{name}: {text!r:.60} is not a number") from None


def parse_values(name: str, text: str) -> list:
    """A comma-separated list of values of field `name` (a sweep's axis)."""
    values = [parse_value(name, v.strip()) for v in text.split(",") if v.strip()]
    if not values:
        raise ValueError(f"{name}: no value given")
    return values


def format_value(value: object) -> str:
    """The text `parse_value` reads back to `value` (floats as their shortest exact repr)."""
    return repr(value) if isinstance(value, float) else str(value)


# -- links ---------------------------------------------------------------------------------------
def config_to_params(cfg: TrainConfig) -> dict[str, str]:
    """The non-default fields of `cfg` as link parameters (the device left out; custom points
    as `point_codec` text when it fits in a link, see `points_in_link`)."""
    params = {
        name: format_value(getattr(cfg, name))
        for name in FIELDS
        if name not in NOT_SHARED and getattr(cfg, name) != getattr(DEFAULT, name)
    }
    if cfg.custom_points is not None:
        text = _link_text(cfg.custom_points)
        if text is not None:
            params["custom_points"] = text
    return params


@functools.lru_cache(maxsize=8)  # the pages call it on every rerun with the same points
def _link_text(points: tuple) -> str | None:
    return fits_in_link(points)


def points_in_link(cfg: TrainConfig) -> bool:
    """Whether a link to `cfg` carries its data (always true for built-in datasets)."""
    return cfg.custom_points is None or _link_text(cfg.custom_points) is not None


def _named(name: str, error: ValueError) -> str:
    """The message of `error` starting with the field's name (the config's messages do)."""
    message = str(error)
    return message if message.startswith(f"{name}:") else f"{name}: {message}"


def parse_params(params: Mapping[str, str | list[str]],
                 allowed: Callable[[str, object], None] | None = None,
                 ) -> tuple[TrainConfig, list[str]]:
    """(config, problems) from a link's parameters. Each unknown name or unreadable value, or
    value `allowed(name, value)` refuses with a ValueError, is skipped (its default kept) and
    described in `problems`; a combination over the server's compute budget keeps the default
    network, batch and D steps; any other combination the config rejects gives the defaults.
    Problems quote user text unescaped, each cut short (the config quotes at most 60
    characters of a value); the page escapes them for display."""
    problems: list[str] = []
    changes: dict[str, object] = {}
    for name, text in params.items():
        if name in IGNORED_PARAMS or name in RUN_PARAMS:
            continue
        if isinstance(text, list):  # repeated parameter: the last one wins, as in browsers
            text = text[-1]
        if name == "custom_points":
            try:
                points = decode_points(str(text))
                TrainConfig(dataset="custom", custom_points=points)  # count and range
                changes[name] = points
            except ValueError as e:
                problems.append(_named(name, e))
            continue
        if name not in FIELDS or name in NOT_SHARED:
            problems.append(f"unknown parameter {name:.{MAX_NAME}}")
            continue
        if name == "dataset" and text == "custom":  # checked with its points below
            changes[name] = text
            continue
        try:
            value = parse_value(name, str(text))
            TrainConfig(**{name: value})  # this one field against its bounds
            if allowed is not None:
                allowed(name, value)
        except ValueError as e:
            problems.append(_named(name, e))
            continue
        changes[name] = value
    if changes.get("dataset") == "custom" and "custom_points" not in changes:
        del changes["dataset"]
        if "custom_points" not in params:
            problems.append("this link's points were too many for a link: upload the points "
                            "file that came with it")
    elif "custom_points" in changes and changes.get("dataset") != "custom":
        del changes["custom_points"]
        problems.append("custom_points: only used with dataset=custom")
    try:
        cfg = TrainConfig(**changes)
    except ValueError as e:
        return TrainConfig(), [*problems, f"{e}; using the default configuration"]
    try:
        check_budget(cfg)
    except ValueError as e:
        defaults = {name: getattr(DEFAULT, name) for name in COST_FIELDS}
        problems.append(f"{e}; using the default batch size, width, depth and D steps")
        cfg = cfg.replace(**defaults)
    return cfg, problems


# -- files ---------------------------------------------------------------------------------------
def read_points_file(path: str) -> tuple[tuple[float, float], ...]:
    """custom_points from a CSV file of 'x,y' lines, read no further than the size limit (a
    device such as /dev/zero never ends). Errors start with 'custom_points:'."""
    from .data import MAX_POINTS_BYTES, read_points

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_POINTS_BYTES + 1)
    except OSError as e:
        raise ValueError(f"custom_points: cannot read {path}: {e.strerror}") from None
    if len(data) > MAX_POINTS_BYTES:
        raise ValueError(f"custom_points: {path} is larger than {MAX_POINTS_BYTES:,} bytes, "
                         "the limit")
    try:
        return read_points(data)
    except ValueError as e:
        raise ValueError(f"custom_points: {path}: {e}") from None
