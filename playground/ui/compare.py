"""The Compare page body: several losses trained side by side on paired seeds, live.

Settings are sidebar widgets bound to the URL (keys `cmp_*`), so a copied link restores the
comparison's settings. Train builds one `sweeps.Sweep` (one batched population per structure)
and keeps it in `st.session_state` under `compare.*` keys; a `st.fragment(run_every=...)`
trains a time-bounded chunk per tick and redraws, and stops its timer with a full rerun when
the step budget is spent. In AppTest (no timers) each `.run()` is one tick.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from .. import catalog, results, sweeps
from ..budget import check_budget
from ..config import DATASETS, OPTIMIZERS, TrainConfig
from ..figures.compare import metric_curves, sample_grid
from . import custom_data, export
from .memory import return_freed_memory
from .plot import PNG_EXPORT
from .share import config_to_params
from .text import escape

SWEEP_KEY, RUNNING_KEY, SPEC_KEY, ERROR_KEY = (
    "compare.sweep", "compare.running", "compare.spec", "compare.error")
TICK_EVERY = 0.5  # seconds between redraws while training
TRAIN_SECONDS = 0.3  # training per tick; the rest of the tick draws
GRID_SEEDS = 8  # seeds drawn in the sample grid (the table uses all of them)
GRID_SAMPLES = 400  # generated points per panel of the grid
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
               **PNG_EXPORT}

COMPARE_DATASETS = DATASETS  # "custom": the points of custom_data.render_source
GAMMAS = (0.0, 0.01, 0.1, 1.0, 10.0)
STEP_BUDGETS = (100, 200, 500, 1000, 2000, 3000, 5000, 10000)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
BATCH_SIZES = (32, 64, 128, 256, 512)
HIDDEN_SIZES = (16, 32, 64, 128, 256)
_DEFAULT = TrainConfig()


def _variant_options() -> dict[str, dict]:
    """Every engine loss × penalty (none, R1 or R2 at each offered gamma), by display label."""
    options = {}
    for loss in catalog.NAMES:
        for penalty in ("r1_gamma", "r2_gamma"):
            for gamma in GAMMAS:
                changes = {"loss": loss, "r1_gamma": 0.0, "r2_gamma": 0.0, penalty: gamma}
                options[sweeps.variant_label(_DEFAULT.replace(**changes))] = changes
    return options


VARIANTS = _variant_options()


def card_labels(dataset: str) -> list[str]:
    """The design card's four variants on `dataset` (R1's gamma depends on the dataset)."""
    return [sweeps.variant_label(_DEFAULT.replace(**v)) for v in sweeps.card_variants(dataset)]


# -- controls -----------------------------------------------------------------------------------
def _dataset_changed() -> None:
    """Follow the dataset's default gamma, unless the user chose variants of their own."""
    ss = st.session_state
    previous = ss.get("compare.dataset_shown", _DEFAULT.dataset)
    if sorted(ss.get("cmp_variants", [])) == sorted(card_labels(previous)):
        ss["cmp_variants"] = card_labels(ss["cmp_dataset"])


def render_controls() -> None:
    """Sidebar settings (bound to the URL) and the Train / Stop buttons."""
    ss = st.session_state
    if "cmp_variants" not in ss and "cmp_variants" not in st.query_params:
        dataset = st.query_params.get("cmp_dataset", _DEFAULT.dataset)
        ss["cmp_variants"] = card_labels(dataset if dataset in COMPARE_DATASETS else "ring8")
    with st.sidebar:
        st.subheader("Comparison")
        st.selectbox("Dataset", COMPARE_DATASETS, key="cmp_dataset", bind="query-params",
                     on_change=_dataset_changed)
        if ss["cmp_dataset"] == "custom":
            custom_data.render_source(link=True)
        st.multiselect(
            "Variants", list(VARIANTS), key="cmp_variants", bind="query-params",
            help="Loss (`python -m playground losses` lists them), and the weight γ of the R1 "
                 "(on real points) or R2 (on fakes) penalty on D (off when absent). "
                 "By default the card's four: R1 γ = 0.1 on the ring, 1 on the grid "
                 "(the values where R1 covered every mode in the project's 8-seed sweeps).",
        )
        st.slider("Seeds", 1, 16, 4, key="cmp_seeds", bind="query-params",
                  help="Seeds 0..N-1. Every variant starts from the same weights and sees the "
                       "same data and noise for a given seed, so differences are paired.")
        st.select_slider("Steps per run", STEP_BUDGETS, 2000, key="cmp_steps",
                         bind="query-params")
        with st.expander("Shared training settings"):
            st.selectbox("Optimizer", OPTIMIZERS, key="cmp_optimizer", bind="query-params")
            st.select_slider("G learning rate", LEARNING_RATES, _DEFAULT.lr_g, key="cmp_lr_g",
                             bind="query-params")
            st.select_slider("D learning rate", LEARNING_RATES, _DEFAULT.lr_d, key="cmp_lr_d",
                             bind="query-params")
            st.slider("D steps per G step", 1, 10, _DEFAULT.d_steps, key="cmp_d_steps",
                      bind="query-params")
            st.toggle("Each loss with its paper's settings", True, key="cmp_recommended",
                      bind="query-params", help=_recommended_help())
            st.select_slider("Batch size", BATCH_SIZES, _DEFAULT.batch_size,
                             key="cmp_batch_size", bind="query-params")
            st.select_slider("Hidden units", HIDDEN_SIZES, _DEFAULT.hidden, key="cmp_hidden",
                             bind="query-params")
        running = ss.get(RUNNING_KEY, False)
        row = st.container(horizontal=True)
        row.button("Train", key="compare.train", type="primary", icon=":material/play_arrow:",
                   on_click=start, disabled=running, help="Train every variant on every seed.")
        row.button("Stop", key="compare.stop", icon=":material/stop:", on_click=stop,
                   disabled=not running)
    ss["compare.dataset_shown"] = ss["cmp_dataset"]


def spec_from_widgets() -> dict:
    """The comparison the widgets describe, as plain values."""
    ss = st.session_state
    custom = ss["cmp_dataset"] == "custom"
    return {
        "base": _DEFAULT.replace(
            dataset=ss["cmp_dataset"],
            custom_points=custom_data.points() if custom else None,
            optimizer=ss["cmp_optimizer"], lr_g=ss["cmp_lr_g"],
            lr_d=ss["cmp_lr_d"], d_steps=ss["cmp_d_steps"], batch_size=ss["cmp_batch_size"],
            hidden=ss["cmp_hidden"],
        ),
        "variants": list(ss["cmp_variants"]),
        "recommended": bool(ss["cmp_recommended"]),
        "seeds": list(range(ss["cmp_seeds"])),
        "steps": ss["cmp_steps"],
    }


def start() -> None:
    """Train button: a fresh sweep from the current settings."""
    ss = st.session_state
    if ss["cmp_dataset"] == "custom" and custom_data.points() is None:
        ss[ERROR_KEY] = ("No points to train on: draw them on the Playground (Draw points) "
                         "or upload a CSV in the sidebar.")
        return
    try:
        spec = spec_from_widgets()
        extra = sweeps.recommended_for(spec["base"]) if spec["recommended"] else None
        cells = sweeps.expand_variants(
            spec["base"], [VARIANTS[v] for v in spec["variants"]], spec["seeds"], extra=extra)
        # the runs of one population train as one batched step: the step costs them together
        for d_steps in {c.config.d_steps for c in cells}:
            runs = sum(c.config.d_steps == d_steps for c in cells)
            check_budget(spec["base"].replace(d_steps=d_steps), runs=runs, steps=spec["steps"])
        ss[SWEEP_KEY] = sweeps.Sweep(cells, spec["steps"])
    except ValueError as e:
        ss[ERROR_KEY] = str(e)
        return
    ss[SPEC_KEY], ss[RUNNING_KEY] = spec, True
    ss.pop(ERROR_KEY, None)


def stop() -> None:
    st.session_state[RUNNING_KEY] = False


# -- the live view ------------------------------------------------------------------------------
def render_results() -> None:
    ss = st.session_state
    if ERROR_KEY in ss:
        st.error(escape(ss[ERROR_KEY], limit=1000), icon=":material/error:")
    if ss.get(SWEEP_KEY) is None:
        st.info("Choose a dataset and variants in the sidebar, then press **Train**.",
                icon=":material/info:")
        return

    @st.fragment(run_every=TICK_EVERY if ss.get(RUNNING_KEY) else None)
    def live() -> None:
        sweep: sweeps.Sweep = ss[SWEEP_KEY]
        spec = ss[SPEC_KEY]
        # before training: the first tick records step 0, the rerun after the last the end
        export.record_compare_frame(sweep, spec["variants"], spec["seeds"][0], _panel_note)
        if ss.get(RUNNING_KEY) and not sweep.done:
            sweep.advance_for(TRAIN_SECONDS)
            if sweep.done:  # stop the timer: a full rerun redefines the fragment without it
                ss[RUNNING_KEY] = False
                st.rerun()
        records = sweep.records()
        _status(sweep)
        _samples(sweep, records)
        _curves(sweep)
        _tables(records)
        _open_run(sweep)
        _export(sweep, records)

    live()


def _status(sweep: sweeps.Sweep) -> None:
    spec = st.session_state[SPEC_KEY]
    done, total = sweep.steps_done, sweep.steps_total
    runs = len(sweep.cells)
    state = "done" if sweep.done else ("training" if st.session_state.get(RUNNING_KEY)
                                       else "stopped")
    st.progress(done / total, text=(
        f"{state}: {runs} runs ({len(spec['variants'])} variants × {len(spec['seeds'])} seeds) "
        f"in {len(sweep.populations)} batched population(s), step "
        f"{done // len(sweep.populations):,} of {spec['steps']:,}, "
        f"{sweep.elapsed:.1f} s on {sweep.device}"
    ))
    note = _recommended_note(spec)
    if note:
        st.caption(note)
    try:
        changed = spec_from_widgets() != spec
    except ValueError:  # e.g. "custom" chosen with no points yet
        changed = True
    if changed:
        st.caption("The settings in the sidebar changed since this comparison was trained: "
                   "press **Train** to compare them.")


def _recommended_help() -> str:
    lines = [f"{i.short}: {i.recommended_text()}" for i in catalog.LOSSES.values()
             if i.recommended]
    return ("On: a loss whose paper trains it with other settings gets them, whatever the "
            "shared settings say (" + "; ".join(lines) + "). Off: every variant uses the "
            "shared settings.")


def _recommended_note(spec: dict) -> str:
    """Which variants trained with their paper's settings rather than the shared ones."""
    chosen = {VARIANTS[v]["loss"] for v in spec["variants"]}
    infos = [catalog.LOSSES[n] for n in catalog.NAMES if n in chosen and catalog.recommended(n)]
    if not infos:
        return ""
    if not spec["recommended"]:
        return ("Every variant uses the shared settings; " + "; ".join(
            f"{i.short}'s paper uses {i.recommended_text()}" for i in infos) + " (switch on "
            "\"Each loss with its paper's settings\").")
    return "; ".join(f"{i.short} trained with its paper's settings: {i.recommended_text()} "
                     f"({i.paper})" for i in infos) + (
        ". Runs with other D steps train as their own population, on the same seeds (same "
        "initial weights) but not the same data stream.")


def _samples(sweep: sweeps.Sweep, records: list[dict]) -> None:
    spec = st.session_state[SPEC_KEY]
    variants, seeds = spec["variants"], spec["seeds"][:GRID_SEEDS]
    pop = sweep.populations[0]
    ds = pop.dataset
    samples = sweep.samples(GRID_SAMPLES)
    index = {(c.variant, c.config.seed): i for i, c in enumerate(sweep.cells)}
    grid, notes = [], []
    for v in variants:
        cells = [index[v, s] for s in seeds]
        grid.append([samples[i] for i in cells])
        notes.append([_panel_note(records[i]) for i in cells])
    reference = ds.centers if ds.centers is not None else pop.x_eval[0][:GRID_SAMPLES]
    fig = sample_grid(grid, variants, seeds, ds.bounds, reference, notes,
                      reference_is_modes=ds.centers is not None)
    st.plotly_chart(fig, key="compare.samples", config=PLOT_CONFIG)
    more = len(spec["seeds"]) - len(seeds)
    st.caption(
        f"{GRID_SAMPLES} generated points per run (the same latent points in every panel of a "
        "column); " + ("crosses: the mode centres; " if ds.centers is not None else
                       "grey: real samples; ")
        + ("corner: modes captured" if ds.centers is not None else
           "corner: grid JS divergence to the real data (no modes to count)")
        + ", ✓ when the verdict is converged."
        + (f" The first {len(seeds)} seeds are drawn; the tables use all {len(spec['seeds'])}."
           if more > 0 else "")
    )


def _panel_note(record: dict) -> str:
    m, ok = record["metrics"], record["verdict"]["label"] == "converged"
    text = (f"{m['modes_captured']}/{m['n_modes']}" if m["modes_captured"] is not None
            else (f"JS {m['js_grid']:.2f}" if m["js_grid"] is not None else ""))
    return text + (" ✓" if ok else "")


def _curves(sweep: sweeps.Sweep) -> None:
    spec = st.session_state[SPEC_KEY]
    n_modes = sweep.populations[0].dataset.n_modes
    names = (["modes_captured", "high_quality"] if n_modes else []) + ["js_grid", "sliced_w"]
    curves: dict[str, dict] = {}
    for v in spec["variants"]:
        evals = [sweep.member(i)[0].histories[sweep.member(i)[1]].evals
                 for i, c in enumerate(sweep.cells) if c.variant == v]
        length = min(len(e["step"]) for e in evals)
        curves[v] = {m: (evals[0]["step"][:length],
                         np.stack([e[m][:length] for e in evals]))
                     for m in names}
    st.plotly_chart(metric_curves(curves, names, max_step=spec["steps"], n_modes=n_modes),
                    key="compare.curves", config=PLOT_CONFIG)
    st.caption("Lines: mean over seeds; bands: lowest to highest seed. Metrics of 2500 samples "
               "every 100 steps.")


def _pm(mean: float, sd: float, fmt: str, scale: float = 1.0) -> str:
    if not math.isfinite(mean):
        return "–"
    text = f"{mean * scale:{fmt}}"
    return text + (f" ± {sd * scale:{fmt}}" if math.isfinite(sd) else "")


def summary_frame(records: list[dict]) -> pd.DataFrame:
    """The summary as the page shows it: mean ± std over seeds, verdict counts."""
    mixture = records[0]["metrics"]["n_modes"] is not None
    rows = []
    for r in sweeps.summary(records):
        row = {"variant": r["variant"], "runs": r["runs"]}
        if mixture:
            row["modes captured"] = _pm(r["modes_captured_mean"], r["modes_captured_sd"], ".1f")
            row["high quality %"] = _pm(r["high_quality_mean"], r["high_quality_sd"], ".0f", 100)
            row["reverse KL"] = _pm(r["reverse_kl_mean"], r["reverse_kl_sd"], ".2f")
        row["grid JS"] = _pm(r["js_grid_mean"], r["js_grid_sd"], ".3f")
        row["sliced W1"] = _pm(r["sliced_w_mean"], r["sliced_w_sd"], ".3f")
        row["verdicts"] = r["verdicts"]
        conv = r["median_steps_to_convergence"]
        row["steps to converge (median)"] = (
            f"{conv:,.0f} ({r['converged']}/{r['runs']} runs)" if math.isfinite(conv) else "–")
        rows.append(row)
    return pd.DataFrame(rows)


def differences_frame(records: list[dict]) -> pd.DataFrame:
    """Paired differences, one row per pair of variants, 'mean [95% interval]' per metric."""
    mixture = records[0]["metrics"]["n_modes"] is not None
    names = {"modes_captured": "modes", "high_quality": "high quality (% points)",
             "reverse_kl": "reverse KL", "js_grid": "grid JS", "sliced_w": "sliced W1"}
    if not mixture:
        names = {k: v for k, v in names.items() if k in ("js_grid", "sliced_w")}
    rows: dict[str, dict] = {}
    for d in sweeps.paired_differences(records, list(names)):
        pair = f"{d['b']} − {d['a']}"
        row = rows.setdefault(pair, {"pair (b − a)": pair})
        scale = 100 if d["metric"] == "high_quality" else 1  # percent, as in the summary
        mean, lo, hi = (d[k] * scale for k in ("mean_diff", "ci_low", "ci_high"))
        if not math.isfinite(mean):
            text = "–"
        elif not math.isfinite(lo):
            text = _signed(mean)
        else:
            agree = "*" if lo > 0 or hi < 0 else ""
            text = f"{_signed(mean)} [{_signed(lo)}, {_signed(hi)}]{agree}"
        row[names[d["metric"]]] = text
    return pd.DataFrame(list(rows.values()))


def _signed(x: float) -> str:
    """3 significant digits with a sign; float round-off (|x| < 1e-9) shows as 0."""
    return "0" if abs(x) < 1e-9 else f"{x:+.3g}"


def _tables(records: list[dict]) -> None:
    st.subheader("Summary over seeds")
    st.dataframe(summary_frame(records), hide_index=True)
    st.caption("Mean ± standard deviation over seeds of the last evaluation. Verdicts from each "
               "run's metric history (README, \"How the verdict is decided\"); steps to "
               "converge: the first evaluation from which the verdict stayed 'converged'.")
    diffs = differences_frame(records)
    if len(diffs):
        st.subheader("Paired differences")
        st.dataframe(diffs, hide_index=True)
        st.caption("b − a per seed (same initial weights, data and noise), then the mean over "
                   "seeds with a 95% Student-t interval; * marks an interval that excludes 0, "
                   "a difference the seeds agree on. Intervals need at least 2 seeds.")


def _open_run(sweep: sweeps.Sweep) -> None:
    labels = [f"{c.variant} · seed {c.config.seed}" for c in sweep.cells]
    row = st.container(horizontal=True, vertical_alignment="bottom")
    choice = row.selectbox("Open one run in the Playground", range(len(labels)),
                           format_func=labels.__getitem__, key="compare.open", width=320)
    cfg = sweep.cells[choice].config
    row.page_link("app.py", label=f"Open {labels[choice]} in the Playground",
                  icon=":material/open_in_new:", query_params=config_to_params(cfg))


def _export(sweep: sweeps.Sweep, records: list[dict]) -> None:
    row = st.container(horizontal=True)
    row.download_button(
        "Summary (CSV)", sweeps.table_csv(sweeps.summary(records)), "compare_summary.csv",
        "text/csv", key="compare.dl_summary", on_click="ignore", icon=":material/download:")
    row.download_button(
        "Runs (CSV)", sweeps.records_csv(records), "compare_runs.csv", "text/csv",
        key="compare.dl_runs", on_click="ignore", icon=":material/download:")
    row.download_button(  # a callable: the (large) histories are built only when clicked
        "Histories (CSV)", sweep.histories_csv, "compare_histories.csv", "text/csv",
        key="compare.dl_histories", on_click="ignore", icon=":material/download:")
    spec = st.session_state[SPEC_KEY]
    export.compare_downloads(sweep, spec["variants"], spec["seeds"][0], spec["base"])
    command = cli_command(spec)
    st.caption("Share this comparison: copy the page's URL (it holds the settings; the "
               "recipient presses Train)." + (" The same comparison headless:" if command else ""))
    if command:
        st.code(command, language="bash")


def cli_command(spec: dict) -> str | None:
    """The `sweep` command that trains the same cells, when the variants form a grid."""
    chosen = [VARIANTS[v] for v in spec["variants"]]
    losses = list(dict.fromkeys(v["loss"] for v in chosen))
    r1 = list(dict.fromkeys(v["r1_gamma"] for v in chosen))
    r2 = list(dict.fromkeys(v["r2_gamma"] for v in chosen))
    combos = {(v["loss"], v["r1_gamma"], v["r2_gamma"]) for v in chosen}
    if combos != {(a, b, c) for a in losses for b in r1 for c in r2}:
        return None
    base = spec["base"]
    parts = ["python -m playground sweep", f"--dataset {base.dataset}"
             + (" --points points.csv" if base.custom_points else ""),
             f"--loss {','.join(losses)}", f"--r1-gamma {','.join(f'{g:g}' for g in r1)}"]
    if r2 != [0.0]:
        parts.append(f"--r2-gamma {','.join(f'{g:g}' for g in r2)}")
    parts += [f"--seeds {len(spec['seeds'])}", f"--steps {spec['steps']}"]
    if spec["recommended"] and any(catalog.recommended(n) for n in losses):
        overridden = {k for n in losses for k in catalog.recommended(n)}
        if any(getattr(base, k) != getattr(_DEFAULT, k) for k in overridden):
            return None  # the CLI lets explicit flags beat --recommended; the page does not
        parts.append("--recommended")
    for name in ("optimizer", "lr_g", "lr_d", "d_steps", "batch_size", "hidden"):
        value = getattr(base, name)
        if value != getattr(_DEFAULT, name):
            parts.append(f"--{name.replace('_', '-')} {value:g}" if isinstance(value, float)
                         else f"--{name.replace('_', '-')} {value}")
    return " ".join(parts)


RESULTS_FILE_MB = 32  # the README's large sweep writes about 3 MB of records
RESULTS_VARIANTS_SHOWN = 4  # variants chosen when a file opens: pairs grow with their square


def render_results_file() -> None:
    """A sweep trained elsewhere (`sweep --out results.jsonl`, locally or on a Ray cluster, or
    `sweep --json`), opened from its file: the summary and paired differences of the chosen
    variants, in the same tables as a comparison trained here."""
    with st.expander("Open a sweep's results file", icon=":material/folder_open:"):
        upload = st.file_uploader(
            "Results of `python -m playground sweep --out results.jsonl` (or its `--json` "
            "output)", type=["jsonl", "json"], key="compare.results_file",
            max_upload_size=RESULTS_FILE_MB,
            help="One record per run: its config, final metrics and verdict. Histories and "
                 "samples are not in the file, so there is no sample grid or curve.",
        )
        if upload is None:
            return
        try:
            records, torn = results.parse_records(upload.getvalue().decode("utf-8"))
        except UnicodeDecodeError:
            st.error(f"{escape(upload.name)}: not a text file", icon=":material/error:")
            return
        except ValueError as e:
            st.error(f"{escape(upload.name)}: {escape(e)}", icon=":material/error:")
            return
        if not records:
            st.warning(f"{escape(upload.name)} holds no runs.", icon=":material/warning:")
            return
        variants = list(dict.fromkeys(r["variant"] for r in records))
        seeds = {r["config"].get("seed") for r in records}
        steps = sorted({r["steps"] for r in records})
        span = f"{steps[0]:,}" if len(steps) == 1 else f"{steps[0]:,} to {steps[-1]:,}"
        st.caption(
            f"{len(records):,} runs: {len(variants)} variants, {len(seeds)} seeds, {span} steps "
            "each." + (" The file's last line was cut off (an interrupted write) and is left "
                       "out." if torn else ""))
        chosen = st.multiselect(  # keyed per file: another file's variants are other options
            "Variants", variants, default=variants[:RESULTS_VARIANTS_SHOWN],
            key=f"compare.results_variants.{upload.file_id}")
        shown = [r for r in records if r["variant"] in chosen]
        if not shown:
            return
        st.dataframe(summary_frame(shown), hide_index=True)
        diffs = differences_frame(shown)
        if len(diffs):
            st.dataframe(diffs, hide_index=True)
        st.caption("As in a comparison trained here: mean ± standard deviation over seeds of "
                   "each run's last evaluation, then b − a paired by seed with a 95% Student-t "
                   "interval (* where it excludes 0).")


def render_page() -> None:
    return_freed_memory()
    render_controls()
    st.title("Compare losses on paired seeds")
    st.markdown(
        "Minimax, non-saturating, least squares, hinge or Wasserstein with gradient penalty, "
        "each with or without an R1 or R2 penalty on D: train them side by side, several "
        "seeds each, and see the difference with evidence rather than one lucky run. All runs "
        "with the same D steps train together as one batched population; for a given seed "
        "every variant starts from the same weights and, with the same D steps, sees the same "
        "data and noise."
    )
    render_results()
