"""A training config as URL query parameters, so a pasted link reproduces the run.

Only fields that differ from the defaults travel (short links); the parameter names are the
config's field names, which are also the Playground's widget keys. Custom points are too long
for a URL and the device is the server's choice, so neither travels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import streamlit as st

from ..config import TrainConfig

NOT_SHARED = ("custom_points", "device")
_DEFAULT = TrainConfig()
_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig) if f.name not in NOT_SHARED}
IGNORED_PARAMS = ("preset",)  # handled by the Playground page itself


def _format(value: object) -> str:
    if isinstance(value, float):
        return repr(value)  # shortest exact round trip: 0.001 -> "0.001"
    return str(value)


def config_to_params(cfg: TrainConfig) -> dict[str, str]:
    """The non-default fields of `cfg` as strings (custom points and device left out)."""
    return {
        name: _format(getattr(cfg, name))
        for name in _FIELDS
        if getattr(cfg, name) != getattr(_DEFAULT, name)
    }


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
    """(config, problems): each unknown name or invalid value is skipped (its default kept)
    and described in `problems`; a combination the config rejects gives the defaults."""
    problems: list[str] = []
    changes: dict[str, object] = {}
    for name, text in params.items():
        if name in IGNORED_PARAMS:
            continue
        if isinstance(text, list):  # repeated parameter: the last one wins, as in browsers
            text = text[-1]
        if name not in _FIELDS:
            problems.append(f"unknown parameter `{name}`")
            continue
        if name == "dataset" and text == "custom":
            problems.append("custom points cannot travel in a link: upload the CSV again")
            continue
        try:
            value = _parse(name, str(text))
            TrainConfig(**{name: value})  # validates this one field against its bounds
        except ValueError as e:
            problems.append(f"`{name}={text}`: {e}")
            continue
        changes[name] = value
    try:
        return TrainConfig(**changes), problems
    except ValueError as e:
        return TrainConfig(), [*problems, f"{e}; using the default configuration"]


def params_to_config(params: Mapping[str, str]) -> TrainConfig:
    """The config a URL describes; what cannot be read is reported with st.warning and
    replaced by its default, never raised."""
    cfg, problems = parse_params(params)
    if problems:
        st.warning("Some link parameters were ignored: " + "; ".join(problems) + ".",
                   icon=":material/link_off:")
    return cfg
