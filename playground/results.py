"""A sweep's results file: JSON lines, one record per run (the dicts `sweeps.Sweep.records`
gives, NaN written as null). Runs are appended as they finish, so an interrupted sweep keeps
every finished run; rerunning the sweep reads the file back and skips them; the Compare page
opens it. Plain json, no torch."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from .records import json_safe

RECORD_KEYS = ("variant", "config", "steps", "seconds", "device", "metrics", "verdict",
               "steps_to_convergence")


def config_key(config: dict) -> str:
    """A run's identity in a results file: its config (TrainConfig.to_dict) as canonical JSON."""
    return json.dumps(json_safe(config), sort_keys=True)


def _check(record, where: str) -> dict:
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected a sweep record (a JSON object)")
    missing = [k for k in RECORD_KEYS if k not in record]
    if missing:
        raise ValueError(f"{where}: not a sweep record (no {', '.join(missing)})")
    if not all(isinstance(record[k], dict) for k in ("config", "metrics", "verdict")):
        raise ValueError(f"{where}: not a sweep record (config, metrics, verdict must be objects)")
    return record


def parse_records(text: str) -> tuple[list[dict], bool]:
    """The records of a results file, and whether its last line was cut off and left out.

    Reads JSON lines (this module's files) or one JSON list (`sweep --json`). Only the last
    line may be incomplete, as a write interrupted by a crash leaves it; anything else that is
    not a record is a ValueError naming its line."""
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"not valid JSON ({e.msg}, line {e.lineno})") from None
        if not isinstance(records, list):
            raise ValueError("expected a JSON list of sweep records")
        return [_check(r, f"record {i + 1}") for i, r in enumerate(records)], False
    lines = text.split("\n")
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):  # no newline after it: a write that did not finish
                return records, True
            raise ValueError(f"line {number}: not valid JSON") from None
        records.append(_check(record, f"line {number}"))
    return records, False


class ResultsFile:
    """A results file opened to extend: `records` it held (an interrupted last line is cut
    off), `append` writes finished runs, each batch in one write, flushed to disk."""

    def __init__(self, path: str):
        self.path = path
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            data = b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not a results file (not UTF-8 text)") from None
        if text.lstrip().startswith("["):
            raise ValueError(f"{path} holds a JSON list (`sweep --json`); results stream to "
                             "JSON lines: choose another file")
        try:
            self.records, torn = parse_records(text)
        except ValueError as e:
            raise ValueError(f"{path}, {e}") from None
        self._fh = open(path, "ab")
        if torn:
            self._fh.truncate(data.rfind(b"\n") + 1)
        elif data and not data.endswith(b"\n"):
            self._fh.write(b"\n")

    def append(self, records: Sequence[dict]) -> None:
        text = "".join(json.dumps(json_safe(r), allow_nan=False) + "\n" for r in records)
        self._fh.write(text.encode())
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()
