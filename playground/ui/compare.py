"""The Compare page body: several losses trained side by side on paired seeds, live.

Settings are sidebar widgets bound to the URL (keys `cmp_*`), so a copied link restores the
comparison's settings; their defaults are the default comparison of `presets.COMPARISONS`,
cheap settings measured to give a clear answer within a minute. Train builds one
`sweeps.Sweep` (one batched population per structure) and keeps it in `st.session_state` under
`compare.*` keys. A `st.fragment(run_every=...)` first redraws the results, then trains a
time-bounded chunk: everything on the page is re-sent at the start of a tick, so nothing sits
stale (greyed out) while the chunk trains, and the figures update in place (plot.py). It stops
its timer with a full rerun when the step budget is spent. In AppTest (no timers) each `.run()`
is one tick.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from .. import catalog, report, results, sweeps
from ..budget import check_budget
from ..commands.sweep import command_line
from ..config import DATASETS, OPTIMIZERS, TrainConfig
from ..figures.compare import (
    CURVE_TITLES,
    metric_curve,
    panels_aspect,
    seed_panels,
    variant_color,
)
from ..params import config_to_params
from ..presets import COMPARISONS, DEFAULT_COMPARISON
from ..throughput import Throughput
from . import custom_data, export, session
from .memory import return_freed_memory
from .plot import live_plot, load_plotly
from .text import escape

SWEEP_KEY, RUNNING_KEY, SPEC_KEY, ERROR_KEY = (
    "compare.sweep", "compare.running", "compare.spec", "compare.error")
LOCK_KEY, TICKS_KEY = "compare.lock", "compare.ticks"
TICK_EVERY = 0.2  # a short interval: the next tick starts as soon as this one ends
TRAIN_SECONDS = 1.2  # training per tick (whole blocks of steps); drawing takes a fraction
GRID_SEEDS = 8  # seeds drawn in the sample panels (the tables use all of them)
GRID_SAMPLES = 300  # generated points per panel

COMPARE_DATASETS = DATASETS  # "custom": the points of custom_data.render_source
GAMMAS = (0.0, 0.01, 0.1, 1.0, 10.0)
STEP_BUDGETS = (100, 200, 500, 1000, 2000, 3000, 5000, 10000)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 1e-2, 3e-2, 0.1)
BATCH_SIZES = (32, 64, 128, 256, 512)
HIDDEN_SIZES = (16, 32, 64, 128, 256)
EMA_DECAYS = (0.0, 0.99, 0.999)
DEFAULT = COMPARISONS[DEFAULT_COMPARISON]
_BASE = DEFAULT.base
_ENGINE_DEFAULT = TrainConfig()
CURVE_METRICS = ("modes_captured", "high_quality", "js_grid", "sliced_w")


def _variant_options() -> dict[str, dict]:
    """Every engine loss × penalty (none, R1 or R2 at each offered gamma), by stable key
    (catalog.variant_key: what the URL holds), in the order the menu lists them."""
    options = {}
    for loss in catalog.NAMES:
        for penalty in ("r1_gamma", "r2_gamma"):
            for gamma in GAMMAS:
                changes = {"loss": loss, "r1_gamma": 0.0, "r2_gamma": 0.0, penalty: gamma}
                options[catalog.variant_key(**changes)] = changes
    return options


VARIANTS = _variant_options()
LABELS = {key: catalog.variant_name(**v) for key, v in VARIANTS.items()}  # what the page shows
_BY_LABEL = {label: key for key, label in LABELS.items()}  # links made before the keys
VARIANTS_PARAM = "cmp_variants"


def _key(cfg: TrainConfig) -> str:
    return catalog.variant_key(cfg.loss, cfg.r1_gamma, cfg.r2_gamma)


def card_keys(dataset: str) -> list[str]:
    """Minimax and NS, each without and with R1 at `dataset`'s gamma."""
    return [_key(_ENGINE_DEFAULT.replace(**v)) for v in sweeps.card_variants(dataset)]


def default_keys(dataset: str) -> list[str]:
    """The default comparison's variants on `dataset`: R1 at the dataset's gamma."""
    gamma = sweeps.default_r1_gamma(dataset)
    return [_key(_BASE.replace(**{**v, "r1_gamma": gamma if v["r1_gamma"] else 0}))
            for v in DEFAULT.variants]


def _keys_from_url() -> list[str] | None:
    """The variants a link asks for (None: it names none); a link made when the URL held the
    labels ('NS + R1 γ=0.1') still works, and names the page does not know are dropped."""
    values = st.query_params.get_all(VARIANTS_PARAM)
    if not values:
        return None
    keys = [v if v in VARIANTS else _BY_LABEL.get(v) for v in values]
    return list(dict.fromkeys(k for k in keys if k is not None))


def _write_url(keys: list[str], dataset: str) -> None:
    """The chosen variants' keys in the URL, left out when they are the dataset's default
    (a link without them opens on the default, as the other settings do)."""
    wanted = [] if keys == default_keys(dataset) else keys
    if st.query_params.get_all(VARIANTS_PARAM) != wanted:
        if wanted:
            st.query_params[VARIANTS_PARAM] = wanted
        else:
            st.query_params.pop(VARIANTS_PARAM, None)


# -- controls -----------------------------------------------------------------------------------
WIDGET_DEFAULTS = {
    "cmp_dataset": _BASE.dataset, "cmp_seeds": DEFAULT.seeds, "cmp_steps": DEFAULT.steps,
    "cmp_optimizer": _BASE.optimizer, "cmp_lr_g": _BASE.lr_g, "cmp_lr_d": _BASE.lr_d,
    "cmp_d_steps": _BASE.d_steps, "cmp_batch_size": _BASE.batch_size,
    "cmp_hidden": _BASE.hidden, "cmp_g_ema": _BASE.g_ema, "cmp_recommended": True,
}


def _dataset_changed() -> None:
    """Follow the dataset's default gamma, unless the user chose variants of their own."""
    ss = st.session_state
    previous = ss.get("compare.dataset_shown", _BASE.dataset)
    chosen = sorted(ss.get("cmp_variants", []))
    for keys in (default_keys, card_keys):
        if chosen == sorted(keys(previous)):
            ss["cmp_variants"] = keys(ss["cmp_dataset"])


def restore_defaults() -> None:
    """Back to the default comparison's settings."""
    ss = st.session_state
    ss.update(WIDGET_DEFAULTS)
    ss["cmp_variants"] = default_keys(_BASE.dataset)


def use_card_variants() -> None:
    ss = st.session_state
    ss["cmp_variants"] = card_keys(ss["cmp_dataset"])


def render_controls() -> None:
    """Sidebar settings (bound to the URL) and the Train / Stop buttons."""
    ss = st.session_state
    for key, value in WIDGET_DEFAULTS.items():  # a widget's default, unless the URL sets it
        if key not in ss and key not in st.query_params:
            ss[key] = value
    if "cmp_variants" not in ss:
        dataset = st.query_params.get("cmp_dataset", _BASE.dataset)
        linked = _keys_from_url()
        ss["cmp_variants"] = linked if linked is not None else default_keys(
            dataset if dataset in COMPARE_DATASETS else _BASE.dataset)
    with st.sidebar:
        st.subheader("Comparison")
        running = ss.get(RUNNING_KEY, False)
        row = st.container(horizontal=True)
        row.button("Train", key="compare.train", type="primary", icon=":material/play_arrow:",
                   on_click=start, disabled=running, help="Train every variant on every seed.")
        row.button("Stop", key="compare.stop", icon=":material/stop:", on_click=stop,
                   disabled=not running)
        st.selectbox("Dataset", COMPARE_DATASETS, key="cmp_dataset", bind="query-params",
                     on_change=_dataset_changed)
        if ss["cmp_dataset"] == "custom":
            custom_data.render_source(link=True)
        st.multiselect(
            "Variants", list(VARIANTS), key="cmp_variants", format_func=LABELS.__getitem__,
            help="Loss (`python -m playground losses` lists them), and the weight γ of the R1 "
                 "(on real points) or R2 (on fakes) penalty on D (off when absent). "
                 "By default R1 against no R1: γ = 0.1 on the ring, 1 on the grid (the values "
                 "where R1 covered every mode in the project's 8-seed sweeps).",
        )
        st.slider("Seeds", 1, 16, key="cmp_seeds", bind="query-params",
                  help="Seeds 0..N-1. Every variant starts from the same weights and sees the "
                       "same data and noise for a given seed, so differences are paired.")
        # no format_func on a bound widget: the URL holds the formatted label ("10,000")
        st.select_slider("Steps per run", STEP_BUDGETS, key="cmp_steps", bind="query-params")
        with st.expander("Shared training settings"):
            st.selectbox("Optimizer", OPTIMIZERS, key="cmp_optimizer", bind="query-params")
            st.select_slider("G learning rate", LEARNING_RATES, key="cmp_lr_g",
                             bind="query-params", format_func=lambda v: f"{v:g}")
            st.select_slider("D learning rate", LEARNING_RATES, key="cmp_lr_d",
                             bind="query-params", format_func=lambda v: f"{v:g}")
            st.slider("D steps per G step", 1, 10, key="cmp_d_steps", bind="query-params")
            st.toggle("Each loss with its paper's settings", key="cmp_recommended",
                      bind="query-params", help=_recommended_help())
            st.select_slider("Batch size", BATCH_SIZES, key="cmp_batch_size",
                             bind="query-params")
            st.select_slider("Hidden units", HIDDEN_SIZES, key="cmp_hidden",
                             bind="query-params")
            st.select_slider(
                "Averaged G (g_ema)", EMA_DECAYS, key="cmp_g_ema", bind="query-params",
                format_func=lambda v: "off" if v == 0 else f"{v:g}",
                help="Metrics judge a moving average of G's weights (as the code of Mescheder "
                     "et al. 2018 and StyleGAN evaluate); training is unchanged.")
        row = st.container(horizontal=True)
        row.button("Default comparison", key="compare.defaults", type="tertiary",
                   icon=":material/restart_alt:", on_click=restore_defaults,
                   help=f"{DEFAULT.title}, with the cheap settings measured to answer within "
                        "a minute.")
        row.button("Minimax and NS, with and without R1", key="compare.card", type="tertiary",
                   icon=":material/grid_view:", on_click=use_card_variants,
                   help="Minimax and non-saturating, each without and with R1.")
    ss["compare.dataset_shown"] = ss["cmp_dataset"]
    _write_url(ss["cmp_variants"], ss["cmp_dataset"])


def spec_from_widgets() -> dict:
    """The comparison the widgets describe, as plain values."""
    ss = st.session_state
    custom = ss["cmp_dataset"] == "custom"
    return {
        "base": _ENGINE_DEFAULT.replace(
            dataset=ss["cmp_dataset"],
            custom_points=custom_data.points() if custom else None,
            optimizer=ss["cmp_optimizer"], lr_g=ss["cmp_lr_g"],
            lr_d=ss["cmp_lr_d"], d_steps=ss["cmp_d_steps"], batch_size=ss["cmp_batch_size"],
            hidden=ss["cmp_hidden"], g_ema=ss["cmp_g_ema"],
        ),
        "variants": [LABELS[k] for k in ss["cmp_variants"]],
        "changes": [VARIANTS[k] for k in ss["cmp_variants"]],
        "recommended": bool(ss["cmp_recommended"]),
        "seeds": list(range(ss["cmp_seeds"])),
        "steps": ss["cmp_steps"],
        "eval_every": DEFAULT.eval_every,
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
            spec["base"], spec["changes"], spec["seeds"], extra=extra)
        # the runs of one population train as one batched step: the step costs them together
        for d_steps in {c.config.d_steps for c in cells}:
            runs = sum(c.config.d_steps == d_steps for c in cells)
            check_budget(spec["base"].replace(d_steps=d_steps), runs=runs, steps=spec["steps"])
        ss[SWEEP_KEY] = sweeps.Sweep(cells, spec["steps"], eval_every=spec["eval_every"])
    except ValueError as e:
        ss[ERROR_KEY] = str(e)
        return
    ss[SPEC_KEY], ss[RUNNING_KEY] = spec, True
    ss[TICKS_KEY] = Throughput()
    ss[TICKS_KEY].tick(time.perf_counter(), 0)
    ss["compare.started"] = time.perf_counter()
    ss.pop("compare.finished", None)
    ss.pop(ERROR_KEY, None)


def stop() -> None:
    st.session_state[RUNNING_KEY] = False


def _lock() -> threading.Lock:
    """The session's lock around its sweep: a new script run may start while the previous one
    is still inside a training chunk, and the engine is not thread-safe."""
    return st.session_state.setdefault(LOCK_KEY, threading.Lock())


# -- the live view ------------------------------------------------------------------------------
@dataclass
class View:
    """What one redraw shows, read from the sweep in one go under the session's lock."""

    records: list[dict]
    samples: list[np.ndarray]
    curves: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]  # metric -> variant -> data
    steps: int  # steps per run trained so far (the slowest population)
    model_steps: int
    model_steps_total: int
    done: bool


def _read(sweep: sweeps.Sweep, spec: dict) -> View:
    n_modes = sweep.populations[0].dataset.n_modes
    names = [m for m in CURVE_METRICS if n_modes or m in ("js_grid", "sliced_w")]
    curves: dict[str, dict] = {m: {} for m in names}
    for v in spec["variants"]:
        evals = [sweep.member(i)[0].histories[sweep.member(i)[1]].evals
                 for i, c in enumerate(sweep.cells) if c.variant == v]
        length = min(len(e["step"]) for e in evals)
        for m in names:
            curves[m][v] = (evals[0]["step"][:length], np.stack([e[m][:length] for e in evals]))
    return View(
        records=sweep.records(), samples=sweep.samples(GRID_SAMPLES), curves=curves,
        steps=min(min(p.step_count, sweep.steps) for p in sweep.populations),
        model_steps=sweep.model_steps_done, model_steps_total=sweep.model_steps_total,
        done=sweep.done,
    )


def render_results() -> None:
    ss = st.session_state
    if ERROR_KEY in ss:
        st.error(escape(ss[ERROR_KEY], limit=1000), icon=":material/error:")
    if ss.get(SWEEP_KEY) is None:
        st.info(f"**{DEFAULT.title}** is set up in the sidebar: press **Train** (about a "
                "minute), or choose a dataset and variants of your own first.",
                icon=":material/info:")
        return

    @st.fragment(run_every=TICK_EVERY if ss.get(RUNNING_KEY) else None)
    def live() -> None:
        sweep: sweeps.Sweep = ss[SWEEP_KEY]
        spec = ss[SPEC_KEY]
        with _lock():
            view = _read(sweep, spec)
            # before training: the first tick records step 0, the rerun after the last the end
            export.record_compare_frame(sweep, spec["variants"], spec["seeds"][0], _panel_note)
        with st.container(key="compare-results"):
            # The parts whose number of elements changes (the headline and the paired
            # differences appear with the first evaluation, a caption when the sidebar changes)
            # each fill one container, so what follows keeps its place: a shifted element is a
            # new one to the browser, and a plot mounted anew blanks until it draws.
            with st.container(key="compare-status"):
                _status(sweep, spec, view)
            with st.container(key="compare-headline"):
                _headline(view)
            with st.container(key="compare-tables"):
                _tables(view, spec)
            _samples(sweep, spec, view)
            _curves(sweep, spec, view)
            if not ss.get(RUNNING_KEY):
                _open_run(sweep)
                _export(sweep, view.records)
        _train(sweep)

    st.html(_KEEP_READABLE)
    live()


# While a tick redraws, Streamlit fades what it has not re-sent yet ("stale"), after half a
# second; the tick redraws before it trains, so that is only the moment the redraw itself takes,
# which a busy server stretches past half a second. And the full run that starts training is
# cut short by the first tick, so what the page draws after the results (the results-file
# opener) stays stale, unchanged, until training ends. The page stays at full opacity: a stale
# result is replaced in place a moment later, anything else is as it was.
_KEEP_READABLE = ("<style>[data-testid='stMain'] [data-stale='true'] "
                  "{ opacity: 1 !important; transition: none !important; }</style>")


def _train(sweep: sweeps.Sweep) -> None:
    """One chunk after the redraw; the next tick shows it."""
    ss = st.session_state
    if not ss.get(RUNNING_KEY):
        return
    if not sweep.done:
        # in one of the server's training slots, shared with the Playground's visitors
        with session.training_slot(session.SLOT_WAIT, lambda: not ss.get(RUNNING_KEY)) as got:
            if got:
                with _lock():
                    sweep.advance_for(TRAIN_SECONDS)
        ss[TICKS_KEY].tick(time.perf_counter(), sweep.model_steps_done)
    if sweep.done:  # stop the timer: a full rerun redefines the fragment without it
        ss[RUNNING_KEY] = False
        ss["compare.finished"] = time.perf_counter()
        st.rerun()


def _status(sweep: sweeps.Sweep, spec: dict, view: View) -> None:
    ss = st.session_state
    runs = len(sweep.cells)
    shape = f"{runs} runs ({len(spec['variants'])} variants × {len(spec['seeds'])} seeds)"
    started = ss.get("compare.started", time.perf_counter())
    wall = ss.get("compare.finished", time.perf_counter()) - started
    done_text = f"step {view.steps:,} of {spec['steps']:,} per run"
    if view.done:
        text = f"Done: {shape}, {done_text}, in {wall:.0f} s on {sweep.device}"
    elif ss.get(RUNNING_KEY):
        meter = ss.get(TICKS_KEY) or Throughput()
        left = meter.eta(view.model_steps_total - view.model_steps)
        pace = ("estimating the time left" if left is None else
                f"{meter.rate():,.0f} model-steps/s, about {_duration(left)} left")
        text = f"Training {shape}: {done_text} · {pace} ({wall:.0f} s so far)"
    else:
        text = f"Stopped: {shape}, {done_text}, after {wall:.0f} s"
    st.progress(view.model_steps / view.model_steps_total, text=text)
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
    chosen = {v["loss"] for v in spec["changes"]}
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


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{seconds / 60:.0f} min"


def _headline(view: View) -> None:
    line = sweeps.headline(view.records)
    if line is None:
        return
    text, decided = line
    prefix = "" if view.done else f"So far (step {view.steps:,}): "
    if decided:
        st.success(prefix + text, icon=":material/insights:")
    else:
        st.info(prefix + text, icon=":material/insights:")


# -- tables -------------------------------------------------------------------------------------
def summary_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(report.summary_rows(records))


def differences_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(report.difference_rows(records))


def _colors(variants: list[str]) -> dict[str, str]:
    return {v: variant_color(i) for i, v in enumerate(variants)}


def _swatch(color: str | None) -> str:
    """A cell's style: bold text with a bar of the variant's colour (several Okabe-Ito colours
    are too light for text on white; the bar carries the colour, the words the meaning)."""
    if color is None:
        return ""
    return f"font-weight: 600; border-left: 6px solid {color}"


def _tables(view: View, spec: dict) -> None:
    colors = _colors(spec["variants"])
    summary = summary_frame(view.records)
    st.subheader("Summary over seeds")
    numbers = [c for c in summary.columns if c[-1] in report.ARROWS.values()]
    st.table(summary.style.hide(axis="index")
             .map(lambda v: _swatch(colors.get(v)), subset=["variant"])
             .set_properties(subset=numbers, **{"white-space": "nowrap"}))
    st.caption("Mean ± standard deviation over seeds of the last evaluation; ↑ higher is "
               "better, ↓ lower is better. Verdicts from each run's metric history (README, "
               "\"How the verdict is decided\"); steps to converge: the first evaluation from "
               "which the verdict stayed 'converged'.")
    diffs = differences_frame(view.records)
    if not len(diffs):
        return
    pairs = diffs[report.PAIR].unique()
    if len(pairs) == 1:  # one pair: named in the heading, a column less on a phone
        st.subheader(f"Paired differences: {pairs[0]}")
        diffs = diffs.drop(columns=report.PAIR)
    else:
        st.subheader("Paired differences")
    winners = {f"{v} better": colors[v] for v in spec["variants"]}
    st.table(diffs.style.hide(axis="index")
             .map(lambda v: _swatch(winners[v]) if v in winners else "color: #666",
                  subset=["reading"])
             .set_properties(subset=["b − a (mean)", "95% interval"],
                             **{"white-space": "nowrap"}))
    st.caption("b − a per seed (same initial weights, data and noise), then the mean over "
               "seeds with a 95% Student-t interval. When the interval excludes 0 the seeds "
               "agree on a difference and the reading names the better variant (by the "
               "metric's arrow); otherwise it says no clear difference. Intervals need at "
               "least 2 seeds.")


# -- figures ------------------------------------------------------------------------------------
def _samples(sweep: sweeps.Sweep, spec: dict, view: View) -> None:
    variants, seeds = spec["variants"], spec["seeds"][:GRID_SEEDS]
    pop = sweep.populations[0]
    ds = pop.dataset
    index = {(c.variant, c.config.seed): i for i, c in enumerate(sweep.cells)}
    reference = ds.centers if ds.centers is not None else pop.observer.x_eval[0][:GRID_SAMPLES]
    st.subheader("Samples")
    columns = st.columns(min(2, len(variants)))
    for i, v in enumerate(variants):
        cells = [index[v, s] for s in seeds]
        with columns[i % len(columns)]:
            st.html(_legend([v], [variant_color(i)], bold=True))
            fig = seed_panels([view.samples[c] for c in cells], seeds, ds.bounds, reference,
                              [_panel_note(view.records[c]) for c in cells],
                              color=variant_color(i), reference_is_modes=ds.centers is not None)
            live_plot(fig, f"compare.samples.{i}", step=view.steps,
                      aspect=panels_aspect(len(seeds)))
    more = len(spec["seeds"]) - len(seeds)
    st.caption(
        f"{GRID_SAMPLES} generated points per run (the same latent points for a seed in every "
        "variant); " + ("crosses: the mode centres; " if ds.centers is not None else
                        "grey: real samples; ")
        + ("top right: modes captured" if ds.centers is not None else
           "top right: grid JS divergence to the real data (no modes to count)")
        + ", ✓ when the verdict is converged."
        + (f" The first {len(seeds)} seeds are drawn; the tables use all {len(spec['seeds'])}."
           if more > 0 else "")
    )


def _panel_note(record: dict) -> str:
    m, ok = record["metrics"], record["verdict"]["label"] == "converged"
    text = (f"{m['modes_captured']}/{m['n_modes']}" if m["modes_captured"] is not None
            else (f"JS {m['js_grid']:.2f}" if m["js_grid"] is not None else ""))
    return text + (" ✓" if ok else "")


def _legend(labels: list[str], colors: list[str], *, bold: bool = False) -> str:
    """A line of coloured swatches and labels (labels are escaped)."""
    weight = "600" if bold else "400"
    items = "".join(
        f'<span style="white-space:nowrap;font-weight:{weight}">'
        f'<span style="display:inline-block;width:14px;height:14px;border-radius:3px;'
        f'background:{c};vertical-align:-2px;margin-right:6px"></span>{html.escape(v)}</span>'
        for v, c in zip(labels, colors))
    return f'<div style="display:flex;flex-wrap:wrap;gap:4px 18px">{items}</div>'


def _curves(sweep: sweeps.Sweep, spec: dict, view: View) -> None:
    n_modes = sweep.populations[0].dataset.n_modes
    st.subheader("Metrics over training")
    st.html(_legend(spec["variants"], [variant_color(i) for i in range(len(spec["variants"]))]))
    names = list(view.curves)
    columns = st.columns(2)
    for j, m in enumerate(names):
        with columns[j % 2]:
            live_plot(metric_curve(view.curves[m], m, max_step=spec["steps"], n_modes=n_modes,
                                   better=sweeps.BETTER[m]),
                      f"compare.curve.{m}", step=view.steps)
    st.caption("Lines: mean over seeds; bands: lowest to highest seed. Metrics of 2500 "
               f"samples every {spec['eval_every']} steps ("
               + ", ".join(CURVE_TITLES[m] for m in names) + ").")


# -- links and downloads ------------------------------------------------------------------------
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
    command = command_line(spec["base"], spec["changes"], len(spec["seeds"]), spec["steps"],
                           eval_every=spec["eval_every"], recommended=spec["recommended"])
    st.caption("Share this comparison: copy the page's URL (it holds the settings; the "
               "recipient presses Train)." + (" The same comparison headless:" if command else ""))
    if command:
        st.code(command, language="bash")


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
        st.table(summary_frame(shown).style.hide(axis="index"))
        diffs = differences_frame(shown)
        if len(diffs):
            st.table(diffs.style.hide(axis="index"))
        st.caption("As in a comparison trained here: mean ± standard deviation over seeds of "
                   "each run's last evaluation (↑ higher is better, ↓ lower), then b − a paired "
                   "by seed with a 95% Student-t interval; where it excludes 0 the reading names "
                   "the better variant.")


def render_page() -> None:
    return_freed_memory()
    render_controls()
    st.title("Compare losses on paired seeds")
    load_plotly()
    st.markdown(
        "Minimax, non-saturating, least squares, hinge or Wasserstein with gradient penalty, "
        "each with or without an R1 or R2 penalty on D: train them side by side, several "
        "seeds each, and see the difference with evidence rather than one lucky run. All runs "
        "with the same D steps train together as one batched population; for a given seed "
        "every variant starts from the same weights and, with the same D steps, sees the same "
        "data and noise."
    )
    render_results()
