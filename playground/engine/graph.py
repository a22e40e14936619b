"""The training step captured as a CUDA graph and replayed, or run eagerly where it cannot be
(on the CPU, or when an op refuses capture)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import torch


class GraphedStep:
    """Calls `step(*args)` eagerly, or, when `wanted`, captures it once per distinct `args` as
    a CUDA graph and replays it (a step whose program depends on a host-side flag, such as
    whether lazy R1 is due, gets one graph per value). `state()` lists every tensor the step
    changes: the capture's warm-up runs on a side stream (as torch requires) and is undone
    afterwards, so graphed and eager training give the same trajectory. `invalidate()` after
    the step's program changes: the next calls capture again. If capture fails (e.g. an op
    that cannot be captured), `error` says why and the step runs eagerly from then on."""

    def __init__(self, step: Callable[..., None], state: Callable[[], list[torch.Tensor]],
                 device: torch.device, wanted: bool):
        self._step, self._state, self.device, self.wanted = step, state, device, wanted
        self._graphs: dict[tuple[Hashable, ...], torch.cuda.CUDAGraph] = {}
        self.error: str | None = None

    @property
    def captured(self) -> bool:
        return bool(self._graphs)

    def invalidate(self) -> None:
        self._graphs.clear()

    def __call__(self, *args: Hashable) -> None:
        if self.wanted and args not in self._graphs and self.error is None:
            try:
                self._capture(args)
            except RuntimeError as e:
                self.error = str(e).splitlines()[0]
                self.wanted = False
                self._graphs.clear()
        graph = self._graphs.get(args)
        if graph is not None:
            graph.replay()
        else:
            self._step(*args)

    def _capture(self, args: tuple[Hashable, ...]) -> None:
        saved = [t.clone() for t in self._state()]
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(3):
                self._step(*args)
        torch.cuda.current_stream(self.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._step(*args)
        for t, s in zip(self._state(), saved):
            t.copy_(s)
        self._graphs[args] = graph
