"""The Playground page body: transport buttons, the live view (a ticking fragment), replay,
sharing and export.

While playing, a `st.fragment(run_every=...)` trains one time-bounded chunk per tick and then
redraws; nothing blocks, so every click is handled between ticks. Buttons live outside the
fragment with on_click callbacks, so play/pause take effect on the full rerun they trigger
(a fragment's timer is only set up by a full run). Step drives the same code path as a tick.
"""

from __future__ import annotations

import json

import streamlit as st

from ..figures.live import DEFAULT_LAYERS, LAYERS, charts_figure, landscape_figure
from ..training import device_label
from . import session
from .controls import render_controls
from .share import config_to_params

# While playing, the browser asks for a tick every TICK_EVERY s; requests that arrive during a
# tick are queued (one at most), so a short interval just means "next tick as soon as this one
# ends", and the redraw rate is set by the tick's own length: drawing + TRAIN_SECONDS.
TICK_EVERY = 0.1
TRAIN_SECONDS = 0.3
SPEEDS = (1, 5, 20, 100, 500, "max")  # steps per redraw; "max": as many as TRAIN_SECONDS allows
MAX_STEPS = 1_000_000
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

VERDICT_COLORS = {"converged": "green", "mode_collapse": "orange", "oscillating": "violet",
                  "diverged": "red", "training": "blue"}

INTRO = (
    "A generator G turns random noise into 2D points and a discriminator D learns to tell them "
    "from real data; each update of one player changes the other's landscape. Press **Play** "
    "and watch D's verdict (the background), the real (green) and generated (purple) points, "
    "and the push each generated point receives from the chosen loss (pink arrows). Pick a "
    "**preset** in the sidebar to see one phenomenon at a time."
)


def render_page() -> None:
    session.configure_torch()
    session.ensure_state()
    render_controls()
    st.title("GAN loss playground")
    st.markdown(INTRO)
    _notice()
    _transport()
    _live_view()
    _share_and_export()
    session.sync_url()


def _notice() -> None:
    kind, text = st.session_state.pop(session.NOTICE_KEY, (None, None))
    if kind == "error":
        st.error(text, icon=":material/error:")
    elif kind == "info":
        st.toast(text, icon=":material/info:")


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
                        f"as fit in {TRAIN_SECONDS:g} s between redraws.",
    )
    st.pills(
        "Layers", LAYERS, selection_mode="multi", default=list(DEFAULT_LAYERS),
        key="playground.layers", help="Show or hide the layers of the landscape.",
    )


def _status(diverged: bool) -> None:
    r = session.run()
    verdict = r.verdict()
    row = st.container(horizontal=True, vertical_alignment="center", key="playground-status")
    row.markdown(f"**Step {r.step_count:,}**")
    rate = session.throughput()
    # always the same elements, so a tick and a full rerun never disagree on the layout
    row.markdown(f"{rate[0]:,.0f} steps/s ({rate[1]:.0%} of the time training)"
                 if session.playing() and rate is not None else "")
    row.markdown(f"device: `{device_label(r.device)}`")
    row.badge(verdict.label.replace("_", " "), color=VERDICT_COLORS.get(verdict.label, "gray"))
    row.caption(verdict.reason)
    if diverged:
        st.error(
            "Training diverged: the losses became NaN or infinite, so the run stopped. Lower the "
            "learning rates (or switch to Adam), then press Reset.", icon=":material/error:",
        )


def _every(seconds: float) -> float | None:
    return seconds if session.playing() else None


def _live_view() -> None:
    # One fragment for both figures: with a second, slower fragment for the charts, Chromium
    # intermittently showed stale copies of the charts piling up and a blank landscape.
    @st.fragment(run_every=_every(TICK_EVERY))
    def live() -> None:
        with session.lock():
            left, right = st.columns([1.05, 1])
            with right:
                _charts()
            with left:
                _landscape()  # last: it trains after drawing

    live()


def _landscape() -> None:
    r = session.run()
    _status(r.diverged)
    with st.container(key="playground-replay"):  # emitted even when empty (see _status)
        snap = _replay_frame() or r.snapshot()
    layers = st.session_state.get("playground.layers") or []
    st.plotly_chart(landscape_figure(snap, r.population.dataset.bounds, layers),
                    key="playground.landscape", config=PLOT_CONFIG)
    st.caption(
        f"Step {snap.step:,}. Background: D(x), the probability D gives a point of being "
        "real; dotted line: D = ½. Arrows: the push −∇x of the selected G loss gives each "
        "fake point, at one scale for every loss and step, so a short arrow is a weak "
        "signal (minimax when D wins). Grey lines: G's image of a square grid of z."
    )
    if session.playing() and not r.diverged:
        # Train after drawing: the figure is already on its way to the browser, so its
        # rendering overlaps this chunk instead of idling the trainer.
        speed = st.session_state.get("playground.speed", "max")
        session.train_tick(TRAIN_SECONDS, MAX_STEPS if speed == "max" else int(speed))
        if r.diverged:  # stop the timers: a full rerun redefines the fragments without
            st.session_state[session.PLAYING_KEY] = False
            st.rerun()


def _charts() -> None:
    r = session.run()
    h = r.history
    st.plotly_chart(charts_figure(h.steps, h.evals, r.population.dataset.n_modes),
                    key="playground.charts", config=PLOT_CONFIG)
    st.caption("Modes and quality are measured on 2500 samples every 100 steps. "
               "Long runs are drawn with at most 500 points per line.")


def _replay_frame():
    """When paused: a slider over the recorded snapshots; the chosen one, or None for now."""
    if session.playing():
        return None
    frames = st.session_state[session.REPLAY_KEY].frames
    now = session.run().step_count
    steps = [f.step for f in frames if f.step < now] + [now]
    if len(steps) < 2:
        return None
    chosen = st.select_slider(
        "Replay: scrub back through the run", steps, value=now, key="playground.replay_step",
        format_func=lambda s: f"step {s:,}",
        help=f"Up to {session.REPLAY_MAX} snapshots spread over the whole run (memory stays "
             "bounded). Press Play to continue from the latest step.",
    )
    if chosen == now:
        return None
    return next(f for f in frames if f.step == chosen)


def _share_and_export() -> None:
    r = session.run()
    with st.expander("Share and export", icon=":material/ios_share:"):
        st.markdown(
            "The address bar holds this run's whole configuration, seed included: paste the "
            "link and the same run replays step for step. (Uploaded points are the exception: "
            "a URL cannot hold them.)"
        )
        params = config_to_params(r.config)
        st.code("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params
                else "(default configuration: no parameters)", language=None)
        if session.playing():
            st.caption("Pause to download the run's history.")
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
