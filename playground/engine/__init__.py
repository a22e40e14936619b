"""The parts of `training.Population`, one job each: `streams` (seeded randomness drawn a block
ahead), `members` (each member's settings as coefficient tensors), `optimizer` (per-member Adam
or SGD), `graph` (the step captured as a CUDA graph), `recorder` (per-step statistics and
divergence) and `observer` (probes, evaluation, snapshots). The step itself, Algorithm 1 of
Goodfellow et al. 2014, stays in `training.py`. Plain torch and numpy: no UI imports."""
