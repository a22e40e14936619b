"""The Playground's scrubbable record of a run: a bounded list of snapshots spread over the
whole run, however long it gets (the "Replay" slider; the GIF and HTML exports draw from it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .records import Snapshot

REPLAY_MAX = 60  # snapshots kept (about 35 KB each)
REPLAY_FIRST_EVERY = 25  # steps between snapshots until the record first fills


class Snapshotting(Protocol):  # training.GANRun, without importing torch here
    step_count: int

    def snapshot(self) -> Snapshot: ...


@dataclass
class Replay:
    """A bounded record of snapshots over the whole run: when full, every other one is dropped
    and the spacing doubles, so memory stays bounded and the record still spans the run."""

    every: int = REPLAY_FIRST_EVERY
    frames: list[Snapshot] = field(default_factory=list)
    limit: int = REPLAY_MAX

    def offer(self, run: Snapshotting) -> None:
        """Keep `run`'s current snapshot if `every` steps passed since the last one kept."""
        last = self.frames[-1].step if self.frames else -1
        if last >= 0 and run.step_count - last < self.every:
            return
        self.frames.append(run.snapshot())
        if len(self.frames) > self.limit:
            self.frames = self.frames[::2]
            self.every *= 2

    def retake(self, run: Snapshotting) -> None:
        """After a live change (the loss's arrows, the averaged G's points): the frame of the
        current step shows the game as it now is."""
        if self.frames and self.frames[-1].step == run.step_count:
            self.frames[-1] = run.snapshot()
