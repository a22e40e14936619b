"""The training step captured as a CUDA graph and replayed, or run eagerly where it cannot be
(on the CPU, or when an op refuses capture)."""

from __future__ import annotations

from collections.abc import Callable

import torch


class GraphedStep:
    """Calls `step` eagerly, or, when `wanted`, captures it once as a CUDA graph and replays
    it. `state()` lists every tensor the step changes: the capture's warm-up runs on a side
    stream (as torch requires) and is undone afterwards, so graphed and eager training give the
    same trajectory. `invalidate()` after the step's program changes: the next call captures
    again. If capture fails (e.g. an op that cannot be captured), `error` says why and the step
    runs eagerly from then on."""

    def __init__(self, step: Callable[[], None], state: Callable[[], list[torch.Tensor]],
                 device: torch.device, wanted: bool):
        self._step, self._state, self.device, self.wanted = step, state, device, wanted
        self._graph: torch.cuda.CUDAGraph | None = None
        self.error: str | None = None

    @property
    def captured(self) -> bool:
        return self._graph is not None

    def invalidate(self) -> None:
        self._graph = None

    def __call__(self) -> None:
        if self.wanted and self._graph is None and self.error is None:
            try:
                self._capture()
            except RuntimeError as e:
                self.error = str(e).splitlines()[0]
                self.wanted = False
        if self._graph is not None:
            self._graph.replay()
        else:
            self._step()

    def _capture(self) -> None:
        saved = [t.clone() for t in self._state()]
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(3):
                self._step()
        torch.cuda.current_stream(self.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._step()
        for t, s in zip(self._state(), saved):
            t.copy_(s)
        self._graph = graph
