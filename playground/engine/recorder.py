"""Per-step statistics of a population: written on the device by the step (so a captured graph
records too), moved to the members' histories a block at a time, and checked for divergence."""

from __future__ import annotations

import numpy as np
import torch

from ..records import STEP_FIELDS, History

# columns of the statistics (STEP_FIELDS without the step) a player's update writes
_D_COLUMNS, _G_COLUMNS = [0, 4], [1, 5]  # d_loss, grad_norm_d / g_loss, grad_norm_g


class Recorder:
    """The statistics of the current block, (block, K, STEP_FIELDS[1:]), and each member's
    `History` and `diverged_at` (the first step whose losses or gradient norms of an updated
    player were not finite; None while all were)."""

    def __init__(self, members: int, block: int, device: torch.device):
        self.stats = torch.zeros(block, members, len(STEP_FIELDS) - 1, device=device)
        self.histories = [History() for _ in range(members)]
        self.diverged_at: list[int | None] = [None] * members
        self._flushed = 0  # rows of this block already in the histories
        self._block_start = 0  # steps before this block
        self._half_steps: dict[int, tuple[bool, bool]] = {}  # block row -> (d, g) updated
        self._checked = torch.tensor(_D_COLUMNS + _G_COLUMNS, device=device)

    def write(self, row: torch.Tensor, stats: torch.Tensor) -> None:
        """Store one step's (K, STEP_FIELDS[1:]) statistics at the device row `row`."""
        self.stats.index_copy_(0, row, stats.unsqueeze(0))

    def half_step(self, row: int, d: bool, g: bool) -> None:
        """Block row `row` updated only D or only G: the other player's NaNs are not divergence."""
        self._half_steps[row] = (d, g)

    def finite(self, row: int) -> bool:
        """Whether block row `row`, a step of both players, has finite losses and gradient
        norms for every member (what `flush` checks for divergence), read without a flush."""
        return bool(torch.isfinite(self.stats[row].index_select(1, self._checked)).all())

    def new_block(self, step_count: int) -> None:
        """The block was refilled after `step_count` steps (flush first)."""
        self._flushed, self._block_start = 0, step_count

    def flush(self, rows: int) -> None:
        """Move the block's first `rows` rows, those not moved yet, to the histories (one
        transfer) and note any divergence."""
        if self._flushed == rows:
            return
        values = self.stats[self._flushed:rows].cpu().numpy()  # (r, K, stats)
        steps = self._block_start + np.arange(self._flushed, rows) + 1
        updated = np.ones((len(values), 2), dtype=bool)
        for row, players in self._half_steps.items():
            if row >= self._flushed:
                updated[row - self._flushed] = players
        for k, hist in enumerate(self.histories):
            hist.append_steps(np.column_stack([steps, values[:, k]]))
            if self.diverged_at[k] is None:
                # losses and gradient norms of the players that were updated (a half step leaves
                # the other player's columns NaN on purpose)
                d_bad = ~np.isfinite(values[:, k, _D_COLUMNS]).all(1) & updated[:, 0]
                g_bad = ~np.isfinite(values[:, k, _G_COLUMNS]).all(1) & updated[:, 1]
                bad = np.nonzero(d_bad | g_bad)[0]
                if len(bad):
                    self.diverged_at[k] = int(steps[bad[0]])
        self._half_steps.clear()
        self._flushed = rows
