"""How fast a page trains, measured over its last few ticks: steps per wall second (paused
time excluded by clearing), the share of that time spent training, and the time left."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

TICK_WINDOW = 8  # ticks a rate is averaged over


@dataclass(frozen=True)
class Tick:
    end: float  # perf_counter at the end of the tick
    count: int  # steps (or model-steps) done in all by then
    busy: float = 0.0  # seconds of the tick spent training


class Throughput:
    """A window of the last `window` ticks. Both rates are over whole ticks: the wall time
    from the first tick's end to the last's, so drawing and waiting count against them."""

    def __init__(self, window: int = TICK_WINDOW) -> None:
        self._ticks: deque[Tick] = deque(maxlen=window)

    def tick(self, end: float, count: int, busy: float = 0.0) -> None:
        self._ticks.append(Tick(end, count, busy))

    def clear(self) -> None:
        """Forget the window (after a pause: the paused time is not throughput)."""
        self._ticks.clear()

    def _span(self) -> tuple[float, int] | None:
        if len(self._ticks) < 2:
            return None
        wall = self._ticks[-1].end - self._ticks[0].end
        return (wall, self._ticks[-1].count - self._ticks[0].count) if wall > 0 else None

    def rate(self) -> float | None:
        """Steps per wall second over the window; None before two ticks."""
        span = self._span()
        return None if span is None else span[1] / span[0]

    def busy_fraction(self) -> float | None:
        """The share of the window's wall time spent training (the first tick's own time is
        before the window); None before two ticks."""
        span = self._span()
        if span is None:
            return None
        return min(1.0, sum(t.busy for t in list(self._ticks)[1:]) / span[0])

    def eta(self, remaining: int) -> float | None:
        """Seconds for `remaining` more steps at the window's rate; None before a rate, or
        while nothing moves."""
        rate = self.rate()
        return None if not rate or rate <= 0 else remaining / rate
