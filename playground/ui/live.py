"""The Playground page body: a preset's panel, transport buttons, the live view (a ticking
fragment), replay, sharing and export.

While playing, a `st.fragment(run_every=...)` trains one chunk per tick, bounded in time, and
then draws the status line and both figures from one reading of the run, so they always show
the same step. Buttons live outside the fragment with on_click callbacks; a callback interrupts
a chunk in flight after its current step (session.Guard), so Pause is answered at once. Step
drives the same code path as a tick. Figures update in place (plot.py).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass

# plotly imports pandas lazily while it validates a figure, and two sessions making that first
# import at the same moment got a partially initialised module ("module 'pandas' has no
# attribute 'Series'", seen with 5 sessions in tests/e2e/load.py): import it with the page
import pandas  # noqa: F401
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..catalog import LOSSES
from ..figures.live import (
    DEFAULT_LAYERS,
    LAYERS,
    charts_figure,
    landscape_caption,
    landscape_figure,
)
from ..params import config_to_params
from ..presets import PRESETS
from ..records import Snapshot, Verdict
from ..replay import REPLAY_MAX
from ..training import device_label
from . import duel, idle, session
from .controls import render_controls
from .export import PNG_HELP, points_notice, replay_downloads
from .memory import return_freed_memory
from .plot import figure_spec, live_plot, load_plotly

# While playing, the browser asks for a tick every TICK_EVERY s; requests that arrive during a
# tick are queued (one at most), so an interval shorter than the tick means "next tick as soon as
# this one ends", and the redraw rate is set by the tick's own length: a tick draws, then trains
# for the rest of TICK_SECONDS (at least MIN_TRAIN_SECONDS), about 3 redraws a second. Each
# request costs the server's event loop its handling (widget states merged into the queued
# rerun), and it holds Python's GIL meanwhile: at 0.1 s, 20 playing visitors sent 200 a second
# and the event loop held the GIL about 40% of the time (py-spy --gil, tests/e2e/load.py).
TICK_EVERY = 0.2
TICK_SECONDS = 0.3
MIN_TRAIN_SECONDS = 0.1
# While playing, the charts are rebuilt at most this often (they change little between two
# redraws, and their redraw costs the browser nearly as much as the landscape's); when paused,
# always.
CHARTS_EVERY = 1.0
SPEEDS = (1, 5, 20, 100, 500, "max")  # steps per redraw; "max": as many as fit in the tick
MAX_STEPS = 1_000_000

# (preset, whether its panel says the expected verdict is reached) as last drawn: the panel is
# outside the ticking fragment, so a tick that changes the answer asks for a full rerun
PANEL_SHOWS_KEY = "playground.preset_panel_shows"

VERDICT_COLORS = {"converged": "green", "mode_collapse": "orange", "oscillating": "violet",
                  "stalled": "gray", "diverged": "red", "training": "blue"}

INTRO = (
    "A generator G turns random noise into 2D points and a discriminator D learns to tell them "
    "from real data; each update of one player changes the other's landscape. Press **Play** "
    "and watch D's verdict (the background), the real (green) and generated (purple) points, "
    "and the push each generated point receives from the chosen loss (pink arrows). Pick a "
    "**preset** in the sidebar to see one phenomenon at a time."
)


def render_page() -> None:
    return_freed_memory()
    session.ensure_state()
    idle.watch(session.guard(), get_script_run_ctx().session_state)
    render_controls()
    st.title("GAN loss playground")
    load_plotly()
    _link_problems()
    _notice()
    if not _preset_panel():  # an open preset says what to watch; otherwise the general intro
        st.markdown(INTRO)
    if duel.render_switch():
        duel.render_duel()
    else:
        _transport()
        _live_view()
        _share_and_export()
    session.sync_url()
    duel.sync_url()


def _notice() -> None:
    kind, text = st.session_state.pop(session.NOTICE_KEY, (None, None))
    if kind == "error":
        st.error(text, icon=":material/error:")
    elif kind == "info":
        st.toast(text, icon=":material/info:")
    elif kind == "warning":  # stays on the page until the next click, unlike a toast
        st.warning(text, icon=":material/schedule:")


def _link_problems() -> None:
    text = st.session_state.get(session.LINK_KEY)
    if not text:
        return
    row = st.container(horizontal=True, vertical_alignment="center")
    row.warning(text, icon=":material/link_off:")
    row.button("Dismiss", key="playground.link_dismiss", type="tertiary",
               on_click=session.dismiss_link_problems)


def _preset_panel() -> bool:
    """The open preset's "what to look for", until closed or replaced by another preset;
    False when none is open."""
    name = st.session_state.get(session.PRESET_KEY)
    if name not in PRESETS:
        return False
    preset = PRESETS[name]
    with st.container(border=True, key="playground-preset"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.markdown(f"**Preset: {preset.title}**")
        head.button("Close", key="playground.preset_close", icon=":material/close:",
                    on_click=session.close_preset_panel, type="tertiary")
        st.markdown(preset.look_for)
        verdict = session.run().verdict()
        expected = preset.expected.replace("_", " ")
        st.session_state[PANEL_SHOWS_KEY] = (name, verdict.label == preset.expected)
        if verdict.label == preset.expected:
            st.success(f"The verdict reads **{expected}**, as this preset shows.",
                       icon=":material/check_circle:")
        else:
            st.caption(f"Expected verdict: **{expected}**, typically within "
                       f"{preset.steps:,} steps.")
    return True


def _transport() -> None:
    playing = session.playing()
    diverged = session.run().diverged
    row = st.container(horizontal=True, vertical_alignment="bottom", key="playground-transport")
    row.button(
        "Pause" if playing else "Play", key="playground.play", type="primary",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=session.set_playing, args=(not playing,), disabled=diverged,
        help="Train continuously, redrawing a few times per second.",
    )
    stepping = playing or diverged  # manual steps only while paused, and never after NaN
    row.button("Step", key="playground.step", icon=":material/skip_next:", disabled=stepping,
               on_click=session.step, help="One training step: k D updates, then one G update.")
    row.button("Step D", key="playground.step_d", disabled=stepping, on_click=session.step,
               kwargs={"g": False}, help="One step of the discriminator only (G frozen).")
    row.button("Step G", key="playground.step_g", disabled=stepping, on_click=session.step,
               kwargs={"d": False}, help="One step of the generator only (D frozen): watch the "
                                         "fakes move along the arrows.")
    row.button("Reset", key="playground.reset", icon=":material/replay:", on_click=session.reset,
               help="Back to step 0 with the same initial weights (same seed, same config).")
    row.select_slider(
        "Steps per redraw", SPEEDS, value="max", key="playground.speed", on_change="ignore",
        width=260, help="Slow the game down to watch single steps; 'max' trains as many steps "
                        f"as fit between redraws (about {1 / TICK_SECONDS:.0f} a second).",
    )
    st.pills(
        "Layers", LAYERS, selection_mode="multi", default=list(DEFAULT_LAYERS),
        key="playground.layers", help="Show or hide the layers of the landscape.",
    )


@dataclass(frozen=True)
class View:
    """Everything one redraw shows, read from the run in one go under the session's lock."""

    step: int  # the run's latest step
    shown: Snapshot  # the frame drawn: the latest, or the replayed one
    replaying: bool
    verdict: Verdict
    steps: dict
    evals: dict
    n_modes: int
    bounds: tuple
    device: str
    diverged: bool


@dataclass
class Drawn:
    """What the last redraw sent, so that a tick that changed nothing (it waited for a training
    slot) re-sends it without rebuilding, and the charts refresh at most every CHARTS_EVERY s
    while playing. Each spec is kept with the object it was built from (compared by identity)."""

    snapshot: Snapshot | None = None
    snapshot_of: tuple | None = None  # (run, step, config) the snapshot shows
    landscape: str = ""
    landscape_of: tuple | None = None  # (snapshot, layers)
    charts: str = ""
    charts_of: tuple | None = None  # (run, step, cursor)
    charts_at: float = -math.inf


def _drawn() -> Drawn:
    return st.session_state.setdefault(session.DRAWN_KEY, Drawn())


def _latest_snapshot(drawn: Drawn) -> Snapshot:
    r = session.run()
    of = (r, r.step_count, r.config)
    if drawn.snapshot_of is None or any(a is not b and a != b
                                        for a, b in zip(of, drawn.snapshot_of)):
        frames = st.session_state[session.REPLAY_KEY].frames
        # the replay often recorded the latest step already: its frame is the live one
        drawn.snapshot = (frames[-1] if frames and frames[-1].step == r.step_count
                          else r.snapshot())
        drawn.snapshot_of = of
    return drawn.snapshot


def _read_view(drawn: Drawn) -> View:
    r = session.run()
    frame = _replay_frame(r.step_count)
    latest = None if frame else _latest_snapshot(drawn)
    return View(
        step=r.step_count, shown=frame or latest, replaying=frame is not None,
        verdict=r.verdict(), steps=r.history.steps, evals=r.history.evals,
        n_modes=r.population.dataset.n_modes, bounds=r.population.dataset.bounds,
        device=device_label(r.device), diverged=r.diverged,
    )


def _live_view() -> None:
    # One fragment for the status line and both figures, so they always show the same step.
    # Drawing comes before training: the figures are on their way to the browser while the
    # chunk trains, and a full rerun re-emits the fragment's elements at once (when a full run
    # trained first, the browser dropped the fragment's old elements for the whole chunk and
    # the figures blanked at every Play).
    @st.fragment(run_every=_every(TICK_EVERY))
    def live() -> None:
        start = time.perf_counter()
        drawn = _drawn()
        with session.lock():
            view = _read_view(drawn)
        if _panel_outdated(view.verdict):
            st.rerun()  # the whole page, with the panel saying what the badge says
        # Both figures are built before anything is sent, so their updates reach the browser
        # together instead of one figure-building time apart.
        layers = tuple(st.session_state.get("playground.layers") or ())
        cursor = view.shown.step if view.replaying else None
        landscape = _landscape_spec(drawn, view, layers)
        charts, charts_step = _charts_spec(drawn, view, cursor)
        _status(view)
        left, right = st.columns([1, 1])
        with left:
            live_plot(landscape, "playground.landscape", step=view.shown.step)
            st.caption(landscape_caption(view.shown, view.bounds, layers))
            with st.container(key="playground-replay"):  # emitted even when empty
                _replay_slider(view)
        with right:
            live_plot(charts, "playground.charts", step=charts_step)
            st.caption(_charts_caption(view.n_modes, cursor is not None))
        if session.playing():
            _tick(max(MIN_TRAIN_SECONDS, TICK_SECONDS - (time.perf_counter() - start)))

    live()


def _panel_outdated(verdict: Verdict) -> bool:
    """True when the open preset's panel, as last drawn, disagrees with `verdict` on whether the
    preset's expected verdict is reached."""
    name = st.session_state.get(session.PRESET_KEY)
    shows = st.session_state.get(PANEL_SHOWS_KEY)
    return (name in PRESETS and shows is not None and shows[0] == name
            and shows[1] != (verdict.label == PRESETS[name].expected))


def _landscape_spec(drawn: Drawn, view: View, layers: tuple[str, ...]) -> str:
    of = (view.shown, layers)
    if drawn.landscape_of is None or drawn.landscape_of[0] is not view.shown or \
            drawn.landscape_of[1] != layers:
        drawn.landscape = figure_spec(landscape_figure(view.shown, view.bounds, layers))
        drawn.landscape_of = of
    return drawn.landscape


def _charts_spec(drawn: Drawn, view: View, cursor: int | None) -> tuple[str, int]:
    """The charts' spec and the step they show: rebuilt when the run moved on, but while
    playing at most every CHARTS_EVERY seconds."""
    r = session.run()
    old = drawn.charts_of
    now = time.perf_counter()
    fresh = old is not None and old[0] is r and old[1:] == (view.step, cursor)
    recent = (old is not None and old[0] is r and old[2] == cursor and session.playing()
              and now - drawn.charts_at < CHARTS_EVERY)
    if not (fresh or recent):
        output = LOSSES[r.config.loss].output  # says whether D's means are probabilities
        drawn.charts = figure_spec(charts_figure(view.steps, view.evals, view.n_modes,
                                                 cursor=cursor, output=output))
        drawn.charts_of = (r, view.step, cursor)
        drawn.charts_at = now
    return drawn.charts, drawn.charts_of[1]


def _every(seconds: float) -> float | None:
    return seconds if session.playing() else None


def _tick(seconds: float) -> None:
    """Train one chunk; the next redraw shows it."""
    speed = st.session_state.get("playground.speed", "max")
    session.train_tick(seconds, MAX_STEPS if speed == "max" else int(speed))
    if session.run().diverged:
        st.session_state[session.PLAYING_KEY] = False
    if not session.playing():  # stop the timer: only a full rerun redefines the fragment
        st.rerun()


def _status(view: View) -> None:
    row = st.container(horizontal=True, vertical_alignment="center", key="playground-status")
    if view.replaying:
        row.markdown(f"**Replaying step {view.shown.step:,} of {view.step:,}**")
    else:
        moved = session.moved()
        note = {"D": " (D only: G frozen)", "G": " (G only: D frozen)"}.get(moved, "")
        row.markdown(f"**Step {view.step:,}**{note}")
    rate = session.throughput()
    waiting = session.waiting_for()
    # always the same elements, so a tick and a full rerun never disagree on the layout
    if session.playing() and waiting:
        row.markdown(f":orange[{waiting} other run{'s' if waiting > 1 else ''} training on "
                     "this server; yours resumes in a moment]")
    elif session.playing() and rate is not None:
        row.markdown(f"{rate[0]:,.0f} steps/s ({rate[1]:.0%} of the time training)")
    else:
        row.markdown("")
    row.markdown(f"device: `{view.device}`")
    label = view.verdict.label
    row.badge(label.replace("_", " "), color=VERDICT_COLORS.get(label, "gray"))
    row.caption(view.verdict.reason + (f" (at step {view.step:,})" if view.replaying else ""))
    if view.diverged:
        st.error(
            "Training diverged: the losses became NaN or infinite, so the run stopped. Lower the "
            "learning rates (or switch to Adam), then press Reset.", icon=":material/error:",
        )


def _charts_caption(n_modes: int, marked: bool) -> str:
    every = session.run().population.eval_every
    if n_modes:
        measured = (f"Modes and % high quality (within 3 std of a mode) are measured on 2500 "
                    f"samples every {every} steps.")
    else:
        measured = (f"This data has no modes to count: grid JS divergence and sliced "
                    f"Wasserstein distance to real data are measured every {every} steps.")
    return (measured + " Long runs are drawn with at most 500 points per line."
            + (" The dashed line marks the replayed step." if marked else ""))


def _replay_frame(now: int) -> Snapshot | None:
    """The recorded frame being replayed, or None when the view follows the run."""
    at = session.replaying()
    if at is None or at >= now:
        return None
    frames = st.session_state[session.REPLAY_KEY].frames
    return next((f for f in frames if f.step == at), None)


def _replay_slider(view: View) -> None:
    """When paused: a slider over the recorded frames; it sits at the latest step unless the
    user scrubs back, and Play or Step bring it back to live."""
    if session.playing():
        return
    frames = st.session_state[session.REPLAY_KEY].frames
    steps = [f.step for f in frames if f.step < view.step] + [view.step]
    if len(steps) < 2:
        return
    key = "playground.replay_step"
    st.session_state[key] = view.shown.step if view.replaying else view.step
    st.select_slider(
        "Replay: scrub back through the run", steps, key=key,
        format_func=lambda s: f"step {s:,}", on_change=_scrubbed, args=(key, view.step),
        help=f"Up to {REPLAY_MAX} frames spread over the whole run (memory stays "
             "bounded). Play or Step return to the latest step.",
    )


def _scrubbed(key: str, now: int) -> None:
    chosen = st.session_state[key]
    session.replay_at(None if chosen >= now else chosen)


def _share_and_export() -> None:
    r = session.run()
    with st.expander("Share and export", icon=":material/ios_share:"):
        link, note = session.share_link()
        st.markdown(
            "This link holds the run's configuration, seed included, and every change made "
            "while it ran (settings, Step D, Step G): open it, press **Play**, and the same run "
            f"replays step for step and pauses at step {r.step_count:,}."
        )
        points_notice(r.config, "playground.points_csv")
        st.code(link, language=None, wrap_lines=True)  # the copy button is at its corner
        if note:
            st.warning(note, icon=":material/link_off:")
        if session.playing():
            st.caption("Pause to download the run's history; the link above is for the step "
                       "shown when the panel was drawn.")
            return
        c1, c2 = st.columns(2)
        c1.download_button(
            "History (CSV)", data=lambda: r.history.to_csv(), file_name="gan_history.csv",
            mime="text/csv", on_click="ignore", icon=":material/download:",
            key="playground.csv", help="One row per step: losses, D means, gradient norms, R1, "
                                      "and the metrics on the steps where they were measured.",
        )
        c2.download_button(
            "Config and metrics (JSON)", data=lambda: _run_json(r), file_name="gan_run.json",
            mime="application/json", on_click="ignore", icon=":material/download:",
            key="playground.json", help="The full config (reloadable), the latest metrics and "
                                       "the verdict.",
        )
        replay_downloads(r, st.session_state[session.REPLAY_KEY].frames, "playground.replay")
        st.caption(PNG_HELP)


def _run_json(r) -> str:
    verdict = r.verdict()
    return json.dumps({
        "config": r.config.to_dict(),
        "step": r.step_count,
        "device": device_label(r.device),
        "metrics": r.metrics(),
        "verdict": {"label": verdict.label, "reason": verdict.reason},
        "url_params": config_to_params(r.config),
    }, indent=2)
