"""A sweep's results as the tables people read: the summary over seeds and the paired
differences, as rows of text cells. The Compare page shows these rows (with colours) and
`python -m playground sweep` prints them, so both say the same thing in the same words.
Plain dicts and strings: no pandas (the page makes its DataFrame from the rows)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import sweeps

METRIC_NAMES = {"modes_captured": "modes captured", "high_quality": "high quality (%)",
                "reverse_kl": "reverse KL", "js_grid": "grid JS", "sliced_w": "sliced W1"}
ARROWS = {1: "↑", -1: "↓"}
PAIR = "pair (b vs a)"  # the differences' first column
READINGS = {"unclear": "no clear difference", "too few seeds": "needs 2+ seeds"}
_UNMODED = ("js_grid", "sliced_w")  # the metrics of data without modes


def column(metric: str) -> str:
    """A metric's column title, with an arrow saying which direction is better."""
    return f"{METRIC_NAMES[metric]} {ARROWS[sweeps.BETTER[metric]]}"


def pm(mean: float, sd: float, fmt: str, scale: float = 1.0) -> str:
    """'mean ± sd' ('–' without a mean; the mean alone without an sd, as for one seed)."""
    if not math.isfinite(mean):
        return "–"
    text = f"{mean * scale:{fmt}}"
    return text + (f" ± {sd * scale:{fmt}}" if math.isfinite(sd) else "")


def signed(x: float) -> str:
    """3 significant digits with a sign, never cut or in exponent form; float round-off
    (|x| < 1e-9) shows as 0."""
    if abs(x) < 1e-9:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return f"{x:+.{digits}f}"


def _has_modes(records: Sequence[dict]) -> bool:
    return records[0]["metrics"]["n_modes"] is not None


def summary_rows(records: Sequence[dict]) -> list[dict[str, str | int]]:
    """One row per variant: mean ± std over seeds of the last evaluation, verdict counts and
    the median steps to convergence; data without modes has no mode columns."""
    modes = _has_modes(records)
    rows = []
    for r in sweeps.summary(records):
        row: dict[str, str | int] = {"variant": r["variant"], "runs": r["runs"]}
        if modes:
            row[column("modes_captured")] = pm(r["modes_captured_mean"],
                                               r["modes_captured_sd"], ".1f")
            row[column("high_quality")] = pm(r["high_quality_mean"], r["high_quality_sd"],
                                             ".1f", 100)
            row[column("reverse_kl")] = pm(r["reverse_kl_mean"], r["reverse_kl_sd"], ".2f")
        row[column("js_grid")] = pm(r["js_grid_mean"], r["js_grid_sd"], ".3f")
        row[column("sliced_w")] = pm(r["sliced_w_mean"], r["sliced_w_sd"], ".3f")
        row["verdicts"] = r["verdicts"]
        conv = r["median_steps_to_convergence"]
        row["steps to converge (median)"] = (
            f"{conv:,.0f} ({r['converged']} of {r['runs']} runs)" if math.isfinite(conv)
            else f"– (0 of {r['runs']} runs)")
        rows.append(row)
    return rows


def difference_rows(records: Sequence[dict]) -> list[dict[str, str]]:
    """Paired differences, one row per pair of variants and metric: the mean of b − a over
    seeds, its 95% interval, how many seeds agree, and what it says in words."""
    modes = _has_modes(records)
    metrics = [m for m in sweeps.COMPARED_METRICS if modes or m in _UNMODED]
    rows = []
    for d in sweeps.paired_differences(records, metrics):
        scale = 100 if d["metric"] == "high_quality" else 1  # percent, as in the summary
        mean, lo, hi = (d[k] * scale for k in ("mean_diff", "ci_low", "ci_high"))
        said = sweeps.reading(d)
        rows.append({
            PAIR: f"{d['b']} vs {d['a']}",
            "metric": column(d["metric"]),
            "b − a (mean)": signed(mean) if math.isfinite(mean) else "–",
            "95% interval": f"{signed(lo)} to {signed(hi)}" if math.isfinite(lo) else "–",
            "seeds": f"{d['higher']} higher, {d['lower']} lower" + (
                f", {d['n'] - d['higher'] - d['lower']} equal"
                if d["n"] > d["higher"] + d["lower"] else ""),
            "reading": READINGS.get(said) or f"{d[said]} better",
        })
    return rows


def text_table(rows: Sequence[dict]) -> str:
    """`rows` as aligned plain-text columns under their titles (numbers right-aligned)."""
    if not rows:
        return ""
    names = list(rows[0])
    cells = [[str(r[n]) for n in names] for r in rows]
    widths = [max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
    right = [isinstance(rows[0][n], (int, float)) for n in names]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right)).rstrip()

    return "\n".join([line(names), line(["-" * w for w in widths]), *map(line, cells)])


def report(records: Sequence[dict], seconds: float, device: str) -> str:
    """What `sweep` prints: a line on the runs, then the summary and the paired differences."""
    head = (f"{len(records)} runs, {records[0]['steps']} steps each, {seconds:.1f} s on "
            f"{device}")
    parts = [head, "", "Summary over seeds (mean ± sd of the last evaluation; ↑ higher is "
             "better, ↓ lower is better)", text_table(summary_rows(records))]
    diffs = difference_rows(records)
    if diffs:
        parts += ["", "Paired differences b − a over seeds (mean, 95% Student-t interval)",
                  text_table(diffs)]
    return "\n".join(parts)
