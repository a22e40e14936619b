"""Grids of configs -> tidy records: the comparison engine behind `python -m playground sweep`
and the Compare page (no streamlit, no plotting).

A sweep is a list of cells (variant, seed). Cells that differ only in per-member fields
(training.MEMBER_FIELDS: loss, penalties, learning rates, betas, seed) train together in one
batched `Population`; a structural field (batch size, network size, dataset, ...) or a
different number of D steps splits the sweep into several populations, trained one after
another (a population could mix D steps, but every member would pay for the most). Cells with
the same seed start from the same weights; with the same D steps they also see the same data
and noise at every step (common random numbers), so a paired difference between two variants
is the variants' doing, not the luck of the draw.

Paired differences across seeds use a Student-t 95% interval on the per-seed differences:
with 4-16 seeds a bootstrap interval would be too narrow to be honest.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import catalog, metrics
from .config import TrainConfig, field_names
from .records import History
from .training import BLOCK, Population, device_label, structure_key

CARD_LOSSES = ("minimax", "nonsaturating")
# Measured in the project's 8-seed sweeps: on the ring, gamma = 0.1 keeps all 8 modes from step
# ~1250 with crisp samples (gamma = 1 also covers them, blurrier); on the grid, only gamma = 1
# covers 25/25 for every seed.
R1_GAMMA_BY_DATASET = {"ring8": 0.1, "grid25": 1.0}
METRIC_FIELDS = ("modes_captured", "n_modes", "high_quality", "reverse_kl", "js_grid", "sliced_w")
COMPARED_METRICS = ("modes_captured", "high_quality", "reverse_kl", "js_grid", "sliced_w")
# +1: higher is better (more modes, more samples near a mode); -1: lower is better (divergences
# and distances to the data)
BETTER = {"modes_captured": +1, "high_quality": +1, "reverse_kl": -1, "js_grid": -1,
          "sliced_w": -1}
VERDICT_LABELS = metrics.LABELS


def default_r1_gamma(dataset: str) -> float:
    """The R1 weight the comparison uses by default on a dataset (see R1_GAMMA_BY_DATASET)."""
    return R1_GAMMA_BY_DATASET.get(dataset, catalog.DEFAULT_GAMMA)


def recommended_for(base: TrainConfig) -> Callable[[Mapping], dict]:
    """`extra` for expand_variants: each variant's loss's recommended settings (catalog), e.g.
    WGAN-GP's 5 critic steps and Adam(0, 0.9), unless the variant sets them itself."""
    def extra(changes: Mapping) -> dict:
        return catalog.recommended(changes.get("loss", base.loss))

    return extra


def card_variants(dataset: str) -> list[dict]:
    """The design card's four variants: minimax and non-saturating, each without and with R1."""
    gamma = default_r1_gamma(dataset)
    return [{"loss": loss, "r1_gamma": g} for loss in CARD_LOSSES for g in (0.0, gamma)]


def variant_label(cfg: TrainConfig, swept: Iterable[str] = ()) -> str:
    """'NS + R1 γ=0.1', plus 'field=value' for every other swept field (seed excluded)."""
    label = catalog.variant_name(cfg.loss, cfg.r1_gamma, cfg.r2_gamma)
    for name in swept:
        if name not in ("loss", "r1_gamma", "r2_gamma", "seed"):
            value = getattr(cfg, name)
            label += f", {name}={value:g}" if isinstance(value, float) else f", {name}={value}"
    return label


@dataclass(frozen=True)
class Cell:
    """One run of a sweep: its variant's label and its validated config."""

    variant: str
    config: TrainConfig


def expand_variants(
    base: TrainConfig, variants: Sequence[Mapping], seeds: Sequence[int],
    *, extra: Callable[[Mapping], Mapping] | None = None,
) -> list[Cell]:
    """One cell per (variant, seed), variant-major. Each variant is a dict of config changes;
    every cell is made with `dataclasses.replace`, so every cell is validated (ValueError names
    the field). Labels show the fields that differ between variants. `extra(variant)` adds
    changes that stay out of the label (a loss's recommended settings, see `with_recommended`)."""
    if not variants:
        raise ValueError("variants: choose at least one")
    if not seeds:
        raise ValueError("seed: choose at least one")
    if len(set(seeds)) != len(seeds):
        raise ValueError("seed: each seed may appear only once")
    swept = [f for f in field_names() if len({repr(v.get(f)) for v in variants}) > 1]
    cells, labels = [], set()
    for changes in variants:
        label = variant_label(replace(base, **changes), swept)
        if label in labels:
            raise ValueError(f"variants: {label!r} is given twice")
        labels.add(label)
        full = {**(extra(changes) if extra else {}), **changes}
        cells += [Cell(label, replace(base, **full, seed=s)) for s in seeds]
    return cells


def expand_grid(
    base: TrainConfig, axes: Mapping[str, Sequence], seeds: Sequence[int],
    *, extra: Callable[[Mapping], Mapping] | None = None,
) -> list[Cell]:
    """The Cartesian product of `axes` ({field: values}, in the given order) times `seeds`."""
    for name, values in axes.items():
        if len(set(map(repr, values))) != len(values):
            raise ValueError(f"{name}: each value may appear only once")
    names = list(axes)
    variants = [dict(zip(names, combo)) for combo in itertools.product(*axes.values())]
    return expand_variants(base, variants, seeds, extra=extra)


def steps_to_convergence(
    evals: Mapping[str, np.ndarray], mode_counts: np.ndarray, n_modes: int,
    diverged_at: int | None,
) -> int | None:
    """The step from which the convergence condition held without a break long enough for the
    verdict (metrics.verdict) to say 'converged' to the end; None if it does not say so now."""
    v = metrics.verdict(evals, mode_counts, n_modes, diverged_at)
    return v.since if v.label == "converged" else None


# Populations of at most this many runs where a sweep is split into units of work (`--out`,
# `--ray`): on a GPU K = 256 still gains over K = 32 (README, "Engine speed"); on CPUs one
# thread trains each population, and small ones keep many cores busy.
RUNS_PER_GPU_POPULATION = 256
RUNS_PER_CPU_POPULATION = 32


def plan(cells: Sequence[Cell], max_runs: int | None = None) -> list[list[int]]:
    """The cells (indices, in order) each population trains: one population per structure
    (`training.structure_key`), in order of first appearance. With `max_runs`, a structure is
    split further by seeds into populations of at most `max_runs` runs: a seed's variants stay
    together (a seed with more variants than `max_runs` is one population of its own), and no
    population is left with one run where its structure has more, since a population of one
    multiplies with another kernel (README, "What reproduces where"). Populations of two or
    more give every run the same result, so a split sweep equals an unsplit one on the CPU."""
    if max_runs is not None and (isinstance(max_runs, bool) or not isinstance(max_runs, int)
                                 or max_runs < 1):
        raise ValueError(f"max_runs: expected a positive integer or None, got {max_runs!r}")
    groups: dict[tuple, list[int]] = {}
    for i, cell in enumerate(cells):
        # and by D steps: a member with fewer would pay for the others' extra D updates
        groups.setdefault((structure_key(cell.config), cell.config.d_steps), []).append(i)
    if max_runs is None:
        return list(groups.values())
    out = []
    for members in groups.values():
        by_seed: dict[int, list[int]] = {}
        for i in members:
            by_seed.setdefault(cells[i].config.seed, []).append(i)
        chunks: list[list[int]] = []
        for runs in by_seed.values():
            if chunks and len(chunks[-1]) + len(runs) <= max_runs:
                chunks[-1] += runs
            else:
                chunks.append(list(runs))
        merged: list[list[int]] = []
        for chunk in chunks:
            if merged and (len(chunk) == 1 or len(merged[-1]) == 1):
                merged[-1] += chunk
            else:
                merged.append(chunk)
        out += [sorted(chunk) for chunk in merged]
    return out


class Sweep:
    """Cells grouped into populations by `plan` and trained for `steps` steps each; the
    populations run one after another. `advance_for` trains a time-bounded chunk (for a live
    page), `run` trains to the end (for the CLI)."""

    def __init__(
        self, cells: Sequence[Cell], steps: int, *, eval_every: int = 100,
        max_runs: int | None = None,
    ):
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps: expected a positive integer, got {steps!r}")
        if not cells:
            raise ValueError("a sweep needs at least one cell")
        self.cells, self.steps, self.eval_every = list(cells), steps, eval_every
        self.populations: list[Population] = []
        self._where: list[tuple[int, int]] = [(0, 0)] * len(self.cells)  # cell -> (pop, member)
        for p, members in enumerate(plan(self.cells, max_runs)):
            configs = [self.cells[i].config for i in members]
            self.populations.append(Population(configs, eval_every=eval_every))
            for k, i in enumerate(members):
                self._where[i] = (p, k)
        self.seconds = [0.0] * len(self.populations)  # training wall time of each population
        self._current = 0

    # -- progress -------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._current == len(self.populations)

    @property
    def steps_done(self) -> int:
        """Steps trained so far, summed over populations (for a progress bar)."""
        return sum(min(p.step_count, self.steps) for p in self.populations)

    @property
    def steps_total(self) -> int:
        return self.steps * len(self.populations)

    @property
    def model_steps_done(self) -> int:
        """Steps trained so far summed over runs: what a run-count-independent rate counts."""
        return sum(min(p.step_count, self.steps) * len(p.configs) for p in self.populations)

    @property
    def model_steps_total(self) -> int:
        return self.steps * len(self.cells)

    @property
    def elapsed(self) -> float:
        return sum(self.seconds)

    @property
    def device(self) -> str:
        return device_label(self.populations[0].device)

    def advance_for(self, seconds: float) -> int:
        """Train for about `seconds` (whole blocks of BLOCK steps); returns the steps taken."""
        start, taken = time.perf_counter(), 0
        while not self.done:
            p = self._current
            pop = self.populations[p]
            t = time.perf_counter()
            want = min(BLOCK, self.steps - pop.step_count)
            got = pop.advance(want)
            taken += got
            all_diverged = got < want or all(d is not None for d in pop.diverged_at)
            if pop.step_count >= self.steps or all_diverged:
                self._finish(pop)
                self._current += 1
            self.seconds[p] += time.perf_counter() - t
            if time.perf_counter() - start >= seconds:
                break
        return taken

    def _finish(self, pop: Population) -> None:
        """Measure the final state, unless the last evaluation already did."""
        evals = pop.histories[0].evals["step"]
        if not len(evals) or int(evals[-1]) != pop.step_count:
            pop.evaluate()

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[dict]:
        """Train every population to the end; `progress(done, total)` after every chunk."""
        while not self.done:
            self.advance_for(1.0)
            if progress:
                progress(self.steps_done, self.steps_total)
        return self.records()

    # -- looking at the cells -------------------------------------------------------------------
    def member(self, i: int) -> tuple[Population, int]:
        """The population that trains cell i, and the cell's index in it."""
        p, k = self._where[i]
        return self.populations[p], k

    def samples(self, n: int) -> list[np.ndarray]:
        """The first n of each cell's fixed evaluation samples, (n, 2) float32 per cell."""
        per_pop = [pop.eval_samples()[:, :n].astype(np.float32) for pop in self.populations]
        return [per_pop[p][k] for p, k in self._where]

    def records(self) -> list[dict]:
        """One plain dict per cell (JSON-ready apart from NaN, which `json_safe` turns to None).
        `seconds` is the training time of the cell's whole population, which all its members
        share; `steps_to_convergence` is defined by `steps_to_convergence` above."""
        out = []
        for i, cell in enumerate(self.cells):
            pop, k = self.member(i)
            h = pop.histories[k]
            verdict = pop.verdict(k)
            latest = pop.latest_metrics(k)
            out.append({
                "variant": cell.variant,
                "config": pop.configs[k].to_dict(),
                "steps": pop.step_count,
                "seconds": round(self.seconds[self._where[i][0]], 3),
                "device": device_label(pop.device),
                "metrics": {f: latest.get(f) for f in METRIC_FIELDS},
                "verdict": {"label": verdict.label, "reason": verdict.reason},
                "steps_to_convergence": steps_to_convergence(
                    h.evals, h.mode_counts, pop.dataset.n_modes, pop.diverged_at[k]
                ),
            })
        return out

    def history(self, i: int) -> History:
        pop, k = self.member(i)
        return pop.histories[k]

    def histories_csv(self) -> str:
        """Every cell's per-step history (History.to_csv) in one table, keyed by variant, seed."""
        return histories_csv(self.cells, [self.history(i) for i in range(len(self.cells))])


def histories_csv(cells: Sequence[Cell], histories: Sequence[History]) -> str:
    """The cells' per-step histories (History.to_csv) in one table, keyed by variant, seed."""
    out = io.StringIO()
    for i, (cell, history) in enumerate(zip(cells, histories)):
        header, *rows = history.to_csv().splitlines()
        if i == 0:
            out.write("variant,seed," + header + "\n")
        prefix = _csv_row([cell.variant, cell.config.seed])
        out.writelines(f"{prefix},{row}\n" for row in rows)
    return out.getvalue()


def train_cells(
    cells: Sequence[Cell], steps: int, *, eval_every: int = 100, histories: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Train cells to the end as one sweep: the unit of work a sweep executor schedules (one
    population of `plan`). Returns their records, their histories when asked for (else None),
    the device and the training seconds; plain data, so a Ray task can send it back."""
    sweep = Sweep(cells, steps, eval_every=eval_every)
    records = sweep.run(progress)
    return {
        "records": records,
        "histories": [sweep.history(i) for i in range(len(cells))] if histories else None,
        "device": sweep.device,
        "seconds": sweep.elapsed,
    }


# -- statistics over seeds ----------------------------------------------------------------------
# Two-sided 95% Student-t quantiles t_{0.975, df} for df = 1..30 (any statistics table).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def t_quantile_975(df: int) -> float:
    """t_{0.975, df}: tabulated up to 30 degrees of freedom, beyond that the Cornish-Fisher
    expansion around the normal quantile (Abramowitz & Stegun 26.7.5), exact to 1e-3."""
    if df < 1:
        raise ValueError(f"df: expected >= 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval of finite values (NaN interval below two values)."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if not len(x):
        return math.nan, math.nan, math.nan
    if len(x) < 2:
        return float(x.mean()), math.nan, math.nan
    half = t_quantile_975(len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def _by_variant(records: Sequence[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r["variant"], []).append(r)
    return groups


def _value(record: dict, metric: str) -> float:
    v = record["metrics"].get(metric)
    return math.nan if v is None else float(v)


def summary(records: Sequence[dict]) -> list[dict]:
    """One row per variant: metrics as mean and sample std across seeds, verdict counts, and
    the median steps to convergence of the runs that converged."""
    rows = []
    for variant, runs in _by_variant(records).items():
        row: dict = {"variant": variant, "runs": len(runs)}
        for m in COMPARED_METRICS:
            x = np.array([_value(r, m) for r in runs])
            x = x[np.isfinite(x)]
            row[f"{m}_mean"] = float(x.mean()) if len(x) else math.nan
            row[f"{m}_sd"] = float(x.std(ddof=1)) if len(x) > 1 else math.nan
        labels = [r["verdict"]["label"] for r in runs]
        for v in VERDICT_LABELS:
            row[v] = labels.count(v)
        row["verdicts"] = ", ".join(
            f"{v.replace('_', ' ')} {labels.count(v)}/{len(runs)}"
            for v in VERDICT_LABELS if labels.count(v)
        )
        conv = [r["steps_to_convergence"] for r in runs if r["steps_to_convergence"] is not None]
        row["median_steps_to_convergence"] = float(np.median(conv)) if conv else math.nan
        rows.append(row)
    return rows


def paired_differences(
    records: Sequence[dict], metric_names: Sequence[str] = COMPARED_METRICS
) -> list[dict]:
    """For every pair of variants (a listed before b) and metric: the mean over seeds of
    metric(b) - metric(a), paired by seed, with a 95% t-interval. Seeds where either value is
    missing (e.g. reverse KL with no high-quality sample) are left out; `n` says how many
    pairs remain, `higher` / `lower` on how many seeds b was above / below a. An interval that
    excludes 0 is a difference the seeds agree on."""
    groups = _by_variant(records)
    by_seed = {v: {r["config"]["seed"]: r for r in runs} for v, runs in groups.items()}
    rows = []
    for a, b in itertools.combinations(groups, 2):
        seeds = sorted(set(by_seed[a]) & set(by_seed[b]))
        for m in metric_names:
            diffs = [_value(by_seed[b][s], m) - _value(by_seed[a][s], m) for s in seeds]
            diffs = [d for d in diffs if math.isfinite(d)]
            mean, lo, hi = mean_interval(diffs)
            rows.append({"a": a, "b": b, "metric": m, "n": len(diffs),
                         "higher": sum(d > 0 for d in diffs), "lower": sum(d < 0 for d in diffs),
                         "mean_diff": mean, "ci_low": lo, "ci_high": hi})
    return rows


def reading(d: Mapping) -> str:
    """What a paired difference says: 'b' or 'a' (that variant is better, the interval excludes
    0), 'unclear' (it includes 0) or 'too few seeds' (no interval below two seeds)."""
    if not math.isfinite(d["ci_low"]):
        return "too few seeds"
    if d["ci_low"] > 0 or d["ci_high"] < 0:
        return "b" if (d["mean_diff"] > 0) == (BETTER[d["metric"]] > 0) else "a"
    return "unclear"


_HEADLINE_METRIC = {True: "modes_captured", False: "sliced_w"}  # by "the data has modes"
_PHRASES = {  # metric -> (unit after the number, word when b is higher, when lower, noun)
    "modes_captured": ("modes", "more", "fewer", "number of modes captured"),
    "high_quality": ("percentage points of high-quality samples", "more", "fewer",
                     "share of high-quality samples"),
    "reverse_kl": ("reverse KL", "higher", "lower", "reverse KL"),
    "js_grid": ("grid JS", "higher", "lower", "grid JS"),
    "sliced_w": ("sliced W1", "higher", "lower", "sliced W1"),
}


def headline(records: Sequence[dict], metric: str | None = None) -> tuple[str, bool] | None:
    """One sentence a student reads first: the most decided paired difference on the headline
    metric (modes captured on mixtures, sliced W1 otherwise; or `metric`), with its interval and
    how many seeds agree; and whether that interval excludes 0. None with fewer than two
    variants."""
    if metric is None:
        metric = _HEADLINE_METRIC[records[0]["metrics"].get("n_modes") is not None]
    rows = [d for d in paired_differences(records, [metric]) if math.isfinite(d["mean_diff"])]
    if not rows:
        return None

    def decided(d: Mapping) -> float:  # |mean| in half-widths of its interval
        half = (d["ci_high"] - d["ci_low"]) / 2
        if not math.isfinite(half):
            return 0.0
        return abs(d["mean_diff"]) / half if half > 0 else math.inf

    d = max(rows, key=decided)
    a, b = d["a"], d["b"]
    unit, more, fewer, noun = _PHRASES[metric]
    scale = 100 if metric == "high_quality" else 1
    mean = d["mean_diff"] * scale
    word, size = (more if mean > 0 else fewer), _num(abs(mean))
    if abs(mean) < 1e-9:
        return (f"{b} and {a} end with the same {noun} on average ({d['higher']} seeds higher "
                f"for {b}, {d['lower']} lower, {d['n'] - d['higher'] - d['lower']} equal)."), False
    if metric in ("modes_captured", "high_quality"):
        text = f"{b} ends with {size} {word} {unit} than {a}"
    else:
        text = f"{b} ends with a {word} {unit} than {a}, by {size}"
    verdict = reading(d)
    if verdict == "too few seeds":
        return text + " (one seed: train 2 or more for an interval).", False
    lo, hi = d["ci_low"] * scale, d["ci_high"] * scale
    agree = d["higher"] if mean > 0 else d["lower"]
    seeds = f"all {d['n']} seeds agree" if agree == d["n"] else f"{agree} of {d['n']} seeds agree"
    text += f" (95% interval {_num(lo)} to {_num(hi)}); {seeds}"
    if verdict == "unclear":
        text += ", but the interval includes 0: no clear difference yet"
    return text + ".", verdict != "unclear"


def _num(x: float) -> str:
    """3 significant digits, never in exponent form for the sizes metrics take."""
    if abs(x) < 1e-9:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return f"{x:.{digits}f}"


# -- export -------------------------------------------------------------------------------------
def _csv_row(values: Sequence) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return json.dumps(v)
    return str(v)


def records_csv(records: Sequence[dict]) -> str:
    """The records as one flat table: variant, every config field, steps, seconds, the device
    it ran on (`ran_on`: config.device may say 'auto'), metrics, verdict, reason, steps to
    convergence. Columns are the same for every sweep."""
    header = (["variant", *field_names(), "steps", "seconds", "ran_on", *METRIC_FIELDS,
               "verdict", "verdict_reason", "steps_to_convergence"])
    lines = [_csv_row(header)]
    for r in records:
        row = [r["variant"], *(r["config"][f] for f in field_names()), r["steps"], r["seconds"],
               r["device"], *(r["metrics"][m] for m in METRIC_FIELDS), r["verdict"]["label"],
               r["verdict"]["reason"], r["steps_to_convergence"]]
        lines.append(_csv_row([_cell(v) for v in row]))
    return "\n".join(lines) + "\n"


def table_csv(rows: Sequence[dict]) -> str:
    """Any list of flat dicts with the same keys (summary, paired differences) as CSV."""
    if not rows:
        return ""
    lines = [_csv_row(list(rows[0]))]
    lines += [_csv_row([_cell(v) for v in row.values()]) for row in rows]
    return "\n".join(lines) + "\n"
