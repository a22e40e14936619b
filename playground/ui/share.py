"""A training config as URL query parameters, so a pasted link reproduces the run.

Only fields that differ from the defaults travel (short links); the parameter names are the
config's field names, which are also the Playground's widget keys. Custom points travel as
compact text (`point_codec`) up to MAX_LINK_CHARS; more points than that leave them out of the
link (the page offers them as a file instead). The device is the server's choice: not shared.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

from ..budget import check_budget
from ..config import TrainConfig
from ..point_codec import decode_points, fits_in_link
from .ranges import check_sidebar_range
from .text import escape, shorten

NOT_SHARED = ("custom_points", "device")
_DEFAULT = TrainConfig()
_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig) if f.name not in NOT_SHARED}
IGNORED_PARAMS = ("preset", "duel")  # handled by the Playground page itself
RUN_PARAMS = ("changes", "step", "eval_every")  # the run beyond its config (session, changes.py)
MAX_PROBLEMS = 5  # a link with thousands of bad parameters gets a short warning
COST_FIELDS = ("batch_size", "hidden", "depth", "d_steps")  # what budget.step_cost counts


def _format(value: object) -> str:
    if isinstance(value, float):
        return repr(value)  # shortest exact round trip: 0.001 -> "0.001"
    return str(value)


def config_to_params(cfg: TrainConfig) -> dict[str, str]:
    """The non-default fields of `cfg` as strings (the device left out; custom points as
    `point_codec` text when it fits in a link, see `points_in_link`)."""
    params = {
        name: _format(getattr(cfg, name))
        for name in _FIELDS
        if getattr(cfg, name) != getattr(_DEFAULT, name)
    }
    if cfg.custom_points is not None:
        text = _link_text(cfg.custom_points)
        if text is not None:
            params["custom_points"] = text
    return params


@functools.lru_cache(maxsize=8)  # called on every rerun with the same points
def _link_text(points: tuple) -> str | None:
    return fits_in_link(points)


def points_in_link(cfg: TrainConfig) -> bool:
    """Whether a link to `cfg` carries its data (always true for built-in datasets)."""
    return cfg.custom_points is None or _link_text(cfg.custom_points) is not None


def _parse(name: str, text: str) -> object:
    kind = type(getattr(_DEFAULT, name))
    if name == "mode_std":  # float | None
        return None if text.lower() == "none" else float(text)
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return text


def parse_params(params: Mapping[str, str]) -> tuple[TrainConfig, list[str]]:
    """(config, problems): each unknown name, invalid value or value outside the sidebar's
    range is skipped (its default kept) and described in `problems`; a combination over the
    server's compute budget keeps the default network, batch and D steps; any other
    combination the config rejects gives the defaults. Problems quote user text shortened but
    unescaped (`describe_problems` escapes them for display)."""
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
                message = shorten(e)
                problems.append(message if message.startswith(f"{name}:")
                                else f"{name}: {message}")
            continue
        if name not in _FIELDS:
            problems.append(f"unknown parameter {shorten(name, 40)}")
            continue
        if name == "dataset" and text == "custom":  # checked with its points below
            changes[name] = text
            continue
        try:
            value = _parse(name, str(text))
            TrainConfig(**{name: value})  # validates this one field against its bounds
            check_sidebar_range(name, value)
        except ValueError as e:
            message = shorten(e)  # the engine's messages start with the field's name
            problems.append(message if message.startswith(f"{name}:") else f"{name}: {message}")
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
        return TrainConfig(), [*problems, f"{shorten(e)}; using the default configuration"]
    try:
        check_budget(cfg)
    except ValueError as e:
        defaults = {name: getattr(_DEFAULT, name) for name in COST_FIELDS}
        problems.append(f"{e}; using the default batch size, width, depth and D steps")
        cfg = cfg.replace(**defaults)
    return cfg, problems


def describe_problems(problems: list[str]) -> str:
    """One markdown message for `parse_params`'s problems: user text escaped, at most
    MAX_PROBLEMS of them."""
    shown = [escape(p, limit=len(p)) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"and {len(problems) - MAX_PROBLEMS} more")
    return "Some link parameters were ignored: " + "; ".join(shown) + "."
