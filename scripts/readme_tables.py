"""The README's measured tables, regenerated from the committed results in results/.

    python scripts/readme_tables.py                 # print every table from results/*.json
    python scripts/readme_tables.py --run presets   # re-measure (minutes of CPU), rewrite JSON
    python scripts/readme_tables.py --run ema
    python scripts/readme_tables.py --run compare   # the Compare page's default comparison
    python scripts/readme_tables.py --run zoo_ring8 --run zoo_grid25

`presets` is `python -m playground presets --check --seeds 8 --json`; `ema` trains the README's
headline setting (ring8, non-saturating + R1 gamma 0.1, 6000 steps) on 8 paired seeds with and
without an averaged generator and keeps every run's evaluation history, so the table can say how
often the convergence condition held, not only the last verdict. `zoo_ring8` / `zoo_grid25` train
the losses beyond the design card (LSGAN, hinge, WGAN-GP with its paper's settings, and R2 on
the non-saturating loss) beside the non-saturating reference, on 8 paired seeds. `compare`
trains the Compare page's default comparison (presets.COMPARISONS) headless, then presses Train
on the page itself in headless Chromium (run at the lowest CPU priority: a visitor's browser
does not share the server's cores) and times the click to "Done", with the machine's load
before and after. Seconds depend on the machine and its load; steps and labels reproduce bit
for bit on one machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import platform
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground import metrics  # noqa: E402
from playground.commands import presets as presets_command  # noqa: E402
from playground.config import TrainConfig  # noqa: E402
from playground.records import json_safe  # noqa: E402

RESULTS = ROOT / "results"
SEEDS = 8
EMA = {"dataset": "ring8", "loss": "nonsaturating", "r1_gamma": 0.1, "steps": 6000,
       "eval_every": 100, "g_ema": (0.0, 0.99), "late_from": 3000}


def _machine() -> dict:
    from playground.training import TRAIN_THREADS, device_label, resolve_device

    return {"device": device_label(resolve_device("auto")), "threads": TRAIN_THREADS,
            "cpu": platform.processor() or platform.machine()}


def _nan(obj: dict) -> dict:
    """JSON null (json_safe's NaN) back to NaN in the statistics' numeric fields."""
    return {k: math.nan if v is None and k.startswith(("ci_", "mean_diff")) else v
            for k, v in obj.items()}


def run_presets() -> dict:
    rows = presets_command.check(list(presets_command.PRESETS), SEEDS)
    return {"command": f"python -m playground presets --check --seeds {SEEDS} --json",
            **_machine(), "presets": rows}


def run_ema() -> dict:
    from playground import sweeps

    base = TrainConfig(dataset=EMA["dataset"], loss=EMA["loss"], r1_gamma=EMA["r1_gamma"])
    cells = sweeps.expand_grid(base, {"g_ema": list(EMA["g_ema"])}, list(range(SEEDS)))
    sweep = sweeps.Sweep(cells, EMA["steps"], eval_every=EMA["eval_every"])
    records = sweep.run()
    runs = []
    for i, record in enumerate(records):
        pop, k = sweep.member(i)
        h = pop.histories[k]
        raw = metrics.raw_labels(h.evals, h.mode_counts, pop.dataset.n_modes)
        runs.append({**record, "eval_step": h.evals["step"].tolist(),
                     "eval_high_quality": h.evals["high_quality"].tolist(),
                     "eval_raw_label": raw})
    return {"setting": EMA, **_machine(), "seconds": round(sweep.elapsed, 1), "runs": runs}


def ema_table(result: dict) -> str:
    late = result["setting"]["late_from"]
    lines = ["| generator evaluated | verdict at step 6000 | converged, without a break, from step "
             "(median) | "
             f"evaluations after step {late} meeting the converged rule | HQ after step {late}: "
             "mean, mean swing (std within a run) |", "|---|---|---|---|---|"]
    by_variant: dict[str, list[dict]] = {}
    for r in result["runs"]:
        by_variant.setdefault(r["variant"], []).append(r)
    for runs in by_variant.values():
        decay = runs[0]["config"]["g_ema"]
        name = f"averaged G (g_ema {decay:g})" if decay else "raw G"
        labels = [r["verdict"]["label"] for r in runs]
        counts = ", ".join(f"{lab.replace('_', ' ')} {labels.count(lab)}/{len(runs)}"
                           for lab in metrics.LABELS if labels.count(lab))
        since = [r["steps_to_convergence"] for r in runs if r["steps_to_convergence"] is not None]
        held, hq_mean, hq_sd = [], [], []
        for r in runs:
            late_i = [i for i, s in enumerate(r["eval_step"]) if s > late]
            held.append(np.mean([r["eval_raw_label"][i] == "converged" for i in late_i]))
            hq = np.array([r["eval_high_quality"][i] for i in late_i])
            hq_mean.append(hq.mean())
            hq_sd.append(hq.std())
        median = f"{np.median(since):.0f} ({len(since)} runs)" if since else "-"
        lines.append(f"| {name} | {counts} | {median} | {np.mean(held):.0%} (per seed "
                     f"{min(held):.0%}-{max(held):.0%}) | {np.mean(hq_mean):.0%}, "
                     f"± {np.mean(hq_sd):.0%} |")
    return "\n".join(lines)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def run_compare() -> dict:
    from playground import sweeps
    from playground.presets import COMPARISONS, DEFAULT_COMPARISON

    spec = COMPARISONS[DEFAULT_COMPARISON]
    load_before = _load()
    cells = sweeps.expand_variants(spec.base, list(spec.variants), list(range(spec.seeds)))
    sweep = sweeps.Sweep(cells, spec.steps, eval_every=spec.eval_every)
    start = time.perf_counter()
    records = sweep.run()
    headless = time.perf_counter() - start
    page = _page_seconds()
    return json_safe({"comparison": DEFAULT_COMPARISON, **_machine(), "seeds": spec.seeds,
            "steps": spec.steps, "headless_seconds": round(headless, 1),
            "load_before": load_before, "load_after": _load(), **page,
            "headline": sweeps.headline(records)[0],
            "summary": sweeps.summary(records),
            "differences": sweeps.paired_differences(records)})


def _page_seconds() -> dict:
    """Press Train on the Compare page (its defaults) and time the click to "Done"; also the
    page's headline, which must equal the headless one (the same populations, bit for bit)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import BROWSER_ARGS, chromium_path, niced_chromium, streamlit_server

    if not chromium_path():
        return {"page_seconds": None, "page_headline": None}
    with tempfile.TemporaryDirectory() as tmp, streamlit_server() as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=niced_chromium(pathlib.Path(tmp)),
                                    args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/compare")
        train = page.get_by_role("button", name="Train")
        train.wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        start = time.perf_counter()
        train.click()
        page.get_by_text("Done:").wait_for(timeout=900_000)
        seconds = time.perf_counter() - start
        headline = page.locator(  # the alert's text without its icon
            ":is([data-testid=stAlertContentSuccess], [data-testid=stAlertContentInfo]) "
            "[data-testid=stMarkdownContainer]").first.inner_text()
        browser.close()
    return {"page_seconds": round(seconds, 1), "page_headline": headline.strip()}


def compare_tables(result: dict) -> str:
    """The default comparison: time on the page and headless, then every paired difference."""
    from playground.report import METRIC_NAMES

    lines = ["| comparison | runs | steps per run | page: Train to done | headless | load "
             "(1 min, before / after) |", "|---|---|---|---|---|---|"]
    runs = sum(r["runs"] for r in result["summary"])
    page = "-" if result["page_seconds"] is None else f"{result['page_seconds']:.0f} s"
    lines.append(f"| `{result['comparison']}` | {runs} ({len(result['summary'])} variants × "
                 f"{result['seeds']} seeds) | {result['steps']:,} | {page} | "
                 f"{result['headless_seconds']:.0f} s | {result['load_before']:.1f} / "
                 f"{result['load_after']:.1f} |")
    lines += ["", "| b vs a | metric | b − a (mean) | 95% interval | seeds b higher / lower |",
              "|---|---|---|---|---|"]
    for d in result["differences"]:
        scale = 100 if d["metric"] == "high_quality" else 1
        interval = (f"{d['ci_low'] * scale:+.3g} to {d['ci_high'] * scale:+.3g}"
                    if math.isfinite(d["ci_low"]) else "-")
        lines.append(f"| {d['b']} vs {d['a']} | {METRIC_NAMES[d['metric']]} | "
                     f"{d['mean_diff'] * scale:+.3g} | {interval} | {d['higher']} / "
                     f"{d['lower']} |")
    return "\n".join(lines)


# the zoo: every loss beyond the card with its recommended settings, R2 at R1's gamma for the
# dataset, and the non-saturating loss as the reference row; 2000 steps keep WGAN-GP's 5 critic
# steps per G step affordable on 2 cores (about 7x the cost of a one-D-step run)
ZOO = {"steps": 2000, "eval_every": 100,
       "variants": ({"loss": "nonsaturating"}, {"loss": "lsgan"}, {"loss": "hinge"},
                    {"loss": "wgan_gp"}, {"loss": "nonsaturating", "r2_gamma": "r1"})}


def run_zoo(dataset: str) -> dict:
    from playground import sweeps

    base = TrainConfig(dataset=dataset)
    gamma = sweeps.default_r1_gamma(dataset)
    variants = [{k: gamma if v == "r1" else v for k, v in v.items()} for v in ZOO["variants"]]
    cells = sweeps.expand_variants(base, variants, list(range(SEEDS)),
                                   extra=sweeps.recommended_for(base))
    sweep = sweeps.Sweep(cells, ZOO["steps"], eval_every=ZOO["eval_every"])
    return {"setting": {**ZOO, "dataset": dataset}, **_machine(),
            "seconds": round(sweep.elapsed, 1), "runs": sweep.run()}


def zoo_table(results: list[dict]) -> str:
    from playground import sweeps

    lines = ["| data | loss | settings beyond the defaults | modes captured (mean ± sd) | "
             "high quality | verdicts at the last step | converged from step (median) |",
             "|---|---|---|---|---|---|---|"]
    defaults = TrainConfig().to_dict()
    for result in results:
        for row in sweeps.summary(result["runs"]):
            cfg = next(r["config"] for r in result["runs"] if r["variant"] == row["variant"])
            changed = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                                for k, v in cfg.items()
                                if k in ("d_steps", "beta1", "beta2", "lr_g", "lr_d")
                                and v != defaults[k]) or "-"
            conv = row["median_steps_to_convergence"]
            lines.append(
                f"| {result['setting']['dataset']} | {row['variant']} | {changed} | "
                f"{row['modes_captured_mean']:.1f} ± {row['modes_captured_sd']:.1f} "
                f"of {cfg['grid_side'] ** 2 if cfg['dataset'] == 'grid25' else cfg['ring_modes']}"
                f" | {row['high_quality_mean']:.0%} ± {row['high_quality_sd']:.0%} | "
                f"{row['verdicts']} | {'-' if conv != conv else f'{conv:.0f}'} |")
    return "\n".join(lines)


MEASUREMENTS = {"presets": (run_presets, "presets_check.json"),
                "ema": (run_ema, "ema_ring8.json"),
                "compare": (run_compare, "compare_default.json"),
                "zoo_ring8": (lambda: run_zoo("ring8"), "zoo_ring8.json"),
                "zoo_grid25": (lambda: run_zoo("grid25"), "zoo_grid25.json")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", choices=sorted(MEASUREMENTS), action="append", default=[],
                        help="re-measure and rewrite results/NAME.json first (repeatable)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for name in args.run:
        measure, file = MEASUREMENTS[name]
        (RESULTS / file).write_text(json.dumps(measure(), indent=1) + "\n")
    presets_file, ema_file = RESULTS / "presets_check.json", RESULTS / "ema_ring8.json"
    if presets_file.exists():
        result = json.loads(presets_file.read_text())
        print(f"Presets ({result['command']}; {result['device']}, {result['threads']} thread):\n")
        print(presets_command.table(result["presets"]) + "\n")
    if ema_file.exists():
        result = json.loads(ema_file.read_text())
        print(f"Averaged generator ({SEEDS} paired seeds, {result['device']}):\n")
        print(ema_table(result) + "\n")
    compare_file = RESULTS / "compare_default.json"
    if compare_file.exists():
        result = json.loads(compare_file.read_text(), object_hook=_nan)
        print(f"Default comparison ({result['device']}): {result['headline']}\n")
        print(compare_tables(result) + "\n")
    zoo = [json.loads((RESULTS / f).read_text()) for f in ("zoo_ring8.json", "zoo_grid25.json")
           if (RESULTS / f).exists()]
    if zoo:
        print(f"The loss zoo ({SEEDS} paired seeds, {zoo[0]['setting']['steps']} steps, "
              f"{zoo[0]['device']}):\n")
        print(zoo_table(zoo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
