"""What happened to a run after it started, so that a link can replay it step for step.

A run is its starting config plus an ordered list of changes, each taken after a given number
of steps: a live setting changed (loss, R1's or R2's gamma, a learning rate, the averaged G's
decay: config.LIVE_FIELDS), or a half step that updated only D or only G. Both change the
trajectory; a full step, Play, Pause, the speed and the replay slider do not, so they are not
recorded.
Replaying means: train to each change's step exactly, apply it, go on; a run built from the same
config and seed that does so has the same history, row for row (README, "What reproduces
where").

In a link the changes travel as one query parameter, `changes`, e.g.
`864:loss=nonsaturating~1200:D~1500:r1_gamma=0.1,lr_g=0.002`, and the step the run was shared
at as `step`. A link is bounded (MAX_CHARS for the changes): when the changes do not fit, the
link carries the ones that do and replays the run only up to the first one left out, and says
so. Numpy and the config only: no torch, no streamlit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .config import LIVE_FIELDS, TrainConfig
from .params import format_value, parse_value

HALF_STEPS = ("D", "G")  # a step that updated only this player
MAX_CHARS = 1500  # of the `changes` parameter: with the config, a link stays under ~2000
MAX_STEP = 10_000_000
EVENT_SEP, FIELD_SEP, STEP_SEP = "~", ",", ":"
CHANGES_PARAM, STEP_PARAM = "changes", "step"


@dataclass(frozen=True)
class Change:
    """After `step` steps: set `settings` (field, value) pairs, or take a half step (`half`
    'D' or 'G', so step `step + 1` updates only that player)."""

    step: int
    settings: tuple[tuple[str, object], ...] = ()
    half: str | None = None

    def encode(self) -> str:
        if self.half:
            body = self.half
        else:
            body = FIELD_SEP.join(f"{name}={format_value(value)}" for name, value in self.settings)
        return f"{self.step}{STEP_SEP}{body}"


def settings_change(step: int, before: TrainConfig, after: TrainConfig) -> Change | None:
    """The live fields that differ between two configs of one run, or None."""
    changed = tuple((name, getattr(after, name)) for name in LIVE_FIELDS
                    if getattr(after, name) != getattr(before, name))
    return Change(step, settings=changed) if changed else None


def apply(config: TrainConfig, change: Change) -> TrainConfig:
    """The config after a settings change (a half step leaves it as it is)."""
    return config.replace(**dict(change.settings)) if change.settings else config


@dataclass
class ChangeLog:
    """A run's starting config and its changes so far, in order."""

    start: TrainConfig
    changes: list[Change] = dataclasses.field(default_factory=list)

    def record(self, change: Change | None) -> None:
        if change is not None:
            self.changes.append(change)

    def encode(self, max_chars: int = MAX_CHARS) -> tuple[str, int | None]:
        """(the `changes` parameter, None) when every change fits in max_chars; else the
        changes that fit and the step of the first one left out: a link replays the run only
        up to that step."""
        parts, used = [], 0
        for change in self.changes:
            text = change.encode()
            if used + len(text) + (1 if parts else 0) > max_chars:
                return EVENT_SEP.join(parts), change.step
            parts.append(text)
            used += len(text) + (1 if len(parts) > 1 else 0)
        return EVENT_SEP.join(parts), None

    def config_at(self, step: int) -> TrainConfig:
        """The live settings in force for the step after `step` steps (all changes recorded at
        or before `step` applied)."""
        config = self.start
        for change in self.changes:
            if change.step > step:
                break
            config = apply(config, change)
        return config


def link_params(log: ChangeLog, step: int, max_chars: int = MAX_CHARS
                ) -> tuple[dict[str, str], str | None]:
    """The `changes` and `step` parameters of a link to a run shared after `step` steps (0: no
    step, the run plays on after its last change), and a sentence for the user when the
    changes had to be cut (None when everything fits). A cut link replays only up to the
    first change left out, and says so."""
    text, cut_at = log.encode(max_chars)
    params = {CHANGES_PARAM: text} if text else {}
    if cut_at is None:
        until = step
    else:
        until = min(step, cut_at) if step else cut_at
    if until:
        params[STEP_PARAM] = str(until)
    if cut_at is None or (step and cut_at >= step):
        return params, None
    left_out = sum(1 for c in log.changes if c.step >= cut_at)
    return params, (f"This link replays the run up to step {until:,} only: the {left_out} "
                    f"later change{'s' if left_out > 1 else ''} do not fit in a link "
                    f"(at most {max_chars:,} characters of changes).")


def decode(text: str, start: TrainConfig) -> tuple[list[Change], list[str]]:
    """The changes a `changes` parameter describes, each validated against the config it
    applies to; parsing stops at the first bad change (the ones after it could not replay the
    same run), which `problems` names."""
    changes: list[Change] = []
    if not text:
        return changes, []
    config, last = start, 0
    for part in text.split(EVENT_SEP):
        try:
            change = _parse(part, last)
            config = apply(config, change)  # validates every value against its bounds
        except ValueError as e:
            kept = f"; replaying the first {len(changes)}" if changes else ""
            return changes, [f"change {len(changes) + 1} ({_short(part)}): {e}{kept}"]
        changes.append(change)
        last = change.step
    return changes, []


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _parse(part: str, last: int) -> Change:
    step_text, sep, body = part.partition(STEP_SEP)
    if not sep or not body:
        raise ValueError(f"expected STEP{STEP_SEP}CHANGE")
    try:
        step = int(step_text)
    except ValueError:
        raise ValueError(f"step {step_text!r} is not an integer") from None
    if not last <= step <= MAX_STEP:
        raise ValueError(f"steps must not decrease and stay within {MAX_STEP:,}")
    if body in HALF_STEPS:
        return Change(step, half=body)
    settings = []
    for item in body.split(FIELD_SEP):
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"expected FIELD=VALUE, got {item!r}")
        if name not in LIVE_FIELDS:
            raise ValueError(f"{name!r} cannot change mid-run (one of {', '.join(LIVE_FIELDS)})")
        settings.append((name, parse_value(name, value)))
    return Change(step, settings=tuple(settings))


@dataclass
class Plan:
    """What a run opened from a link still has to replay: its changes in order, and the step
    it was shared at (it pauses there)."""

    changes: list[Change]
    stop: int | None = None

    def bound(self, step: int) -> int | None:
        """Steps a run at `step` may take before its next change or its stop (None: free)."""
        bounds = [c.step - step for c in self.changes[:1]]
        if self.stop is not None:
            bounds.append(self.stop - step)
        return max(0, min(bounds)) if bounds else None

    def apply_due(self, run, log: ChangeLog) -> list[Change]:
        """Apply (and record in `log`) every change due at the run's step; a half step moves
        the run on by one, so changes due after it are applied too. `run` has `step_count`,
        `step(d, g)`, `update(**settings)` (training.GANRun)."""
        done = []
        while self.changes and self.changes[0].step == run.step_count:
            change = self.changes.pop(0)
            if change.half:
                run.step(d=change.half == "D", g=change.half == "G")
            else:
                run.update(**dict(change.settings))
            log.record(change)
            done.append(change)
        return done

    @property
    def finished(self) -> bool:
        return not self.changes


def replay(run, changes: Iterable[Change], steps: int, log: ChangeLog | None = None) -> None:
    """Train `run` (fresh, from the log's starting config) to `steps` steps, applying every
    change at its step: the headless twin of opening a link and playing to that step."""
    plan = Plan(list(changes), stop=steps)
    log = log if log is not None else ChangeLog(run.config)
    while True:
        plan.apply_due(run, log)
        if run.step_count >= steps or run.diverged:
            return
        bound = plan.bound(run.step_count)
        run.advance(bound if bound is not None else steps - run.step_count)


def run_params(params: Mapping[str, str]) -> tuple[str, int | None, list[str]]:
    """The `changes` text and the `step` a link asks to replay to, with problems."""
    text = params.get(CHANGES_PARAM, "")
    step, problems = None, []
    if STEP_PARAM in params:
        try:
            step = int(params[STEP_PARAM])
            if not 0 < step <= MAX_STEP:
                raise ValueError
        except ValueError:
            problems.append(f"step: expected a step between 1 and {MAX_STEP:,}")
            step = None
    if len(text) > MAX_CHARS:
        problems.append(f"changes: longer than {MAX_CHARS:,} characters; ignored")
        text = ""
    return text, step, problems
