"""A training config as URL query parameters, so a pasted link reproduces the run: the link
side of `playground/params.py` (which reads and writes the parameters), limited to what the
sidebar offers and worded for the page.

Only fields that differ from the defaults travel (short links); the parameter names are the
config's field names, which are also the Playground's widget keys. Custom points travel as
compact text (`point_codec`) up to MAX_LINK_CHARS; more points than that leave them out of the
link (the page offers them as a file instead). The device is the server's choice: not shared.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import TrainConfig
from ..params import parse_params as parse_link
from .ranges import check_sidebar_range
from .text import escape, shorten

MAX_PROBLEMS = 5  # a link with thousands of bad parameters gets a short warning


def parse_params(params: Mapping[str, str]) -> tuple[TrainConfig, list[str]]:
    """(config, problems) of a link, where a value outside the sidebar's range is refused as
    well (see `params.parse_params`); each problem on one line, shortened but unescaped
    (`describe_problems` escapes them for display)."""
    cfg, problems = parse_link(params, allowed=check_sidebar_range)
    return cfg, [shorten(p) for p in problems]


def describe_problems(problems: list[str]) -> str:
    """One markdown message for `parse_params`'s problems: user text escaped, at most
    MAX_PROBLEMS of them."""
    shown = [escape(p, limit=len(p)) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"and {len(problems) - MAX_PROBLEMS} more")
    return "Some link parameters were ignored: " + "; ".join(shown) + "."
