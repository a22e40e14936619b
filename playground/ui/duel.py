"""Duel mode of the Playground: two games from the same seed in one population of two, side by
side with the same axes and colour scales, one shared Play / Pause / Step, per-side metrics and
verdicts, and a line saying which side is ahead. `?duel=A|B` in the URL holds it (see
playground/duel.py), beside the sidebar's config, which both sides share."""

from __future__ import annotations

import time

import streamlit as st

from .. import catalog, duel
from ..animation import critic_half_width
from ..budget import check_budget
from ..catalog import LOSSES
from ..figures.live import DEFAULT_LAYERS, d_scale, landscape_figure
from ..training import Population
from . import session
from .plot import figure_spec, live_plot
from .text import escape

ON_KEY = "playground.duel_on"
SPEC_KEY = "playground.duel_spec"  # the duel's text 'A|B'
POP_KEY = "playground.duel_pop"  # (base config, spec text, Population)
PLAYING_KEY = "playground.duel_playing"
TICK_EVERY = 0.1
TRAIN_SECONDS = 0.3
MAX_STEPS = 10_000  # per chunk; the chunk's clock ends it long before
EVAL_EVERY = 100
VERDICT_COLORS = {"converged": "green", "mode_collapse": "orange", "oscillating": "violet",
                  "stalled": "gray", "diverged": "red", "training": "blue"}


def render_switch() -> bool:
    """The duel toggle (on when the link holds ?duel=...); True while the duel is shown."""
    ss = st.session_state
    if ON_KEY not in ss:
        link = st.query_params.get("duel")
        ss[ON_KEY] = link is not None
        ss[SPEC_KEY] = duel.DEFAULT
        if link is not None:
            try:
                duel.parse(link)
                ss[SPEC_KEY] = link
            except ValueError as e:
                st.warning(f"{escape(e, 300)}; showing the default duel.",
                           icon=":material/link_off:")
    st.toggle("Duel: two games race from the same start", key=ON_KEY,
              help="Two losses (or one loss with and without a penalty) trained together from "
                   "the same seed: same initial weights and, with the same D steps, the same "
                   "data and noise. Data, networks, seed and learning rates come from the "
                   "sidebar.")
    return bool(ss[ON_KEY])


def sync_url() -> None:
    """Keep ?duel=... in the address bar while the duel is shown, so the link reproduces it."""
    if st.session_state.get(ON_KEY):
        if st.query_params.get("duel") != st.session_state[SPEC_KEY]:
            st.query_params["duel"] = st.session_state[SPEC_KEY]
    elif "duel" in st.query_params:
        del st.query_params["duel"]


def _side_picker(col, name: str, side: duel.Side) -> duel.Side:
    key = f"playground.duel_{name}"
    loss = col.selectbox(f"Side {name}: loss", catalog.NAMES, catalog.NAMES.index(side.loss),
                         format_func=catalog.label, key=f"{key}_loss")
    penalties = ("none", "R1", "R2")
    current = "R1" if side.r1_gamma else ("R2" if side.r2_gamma else "none")
    penalty = col.radio(f"Side {name}: penalty", penalties, penalties.index(current),
                        horizontal=True, key=f"{key}_penalty")
    gamma = col.select_slider(f"Side {name}: γ", (0.01, 0.1, 1.0, 10.0),
                              side.r1_gamma or side.r2_gamma or 0.1, key=f"{key}_gamma",
                              disabled=penalty == "none")
    rec = col.checkbox(f"Side {name}: the paper's settings", side.recommended,
                       key=f"{key}_rec", disabled=not catalog.recommended(loss),
                       help=LOSSES[loss].recommended_text() or "the defaults suit this loss")
    return duel.Side(loss, gamma if penalty == "R1" else 0.0, gamma if penalty == "R2" else 0.0,
                     bool(rec and catalog.recommended(loss)))


def _population() -> Population:
    """The duel's population, rebuilt when the sides or the sidebar's config changed. Both
    sides train as one program, so they share one compute budget (ValueError over it)."""
    ss = st.session_state
    base = session.run().config
    spec = ss[SPEC_KEY]
    held = ss.get(POP_KEY)
    if held is None or held[0] != base or held[1] != spec:
        configs = [side.config(base) for side in duel.parse(spec)]
        for cfg in configs:  # each side as costly as the dearer one: they step together
            check_budget(cfg, runs=2)
        pop = Population(configs, eval_every=EVAL_EVERY)
        ss[POP_KEY] = (base, spec, pop)
        ss[PLAYING_KEY] = False
    return ss[POP_KEY][2]


def _set_playing(value: bool) -> None:
    with session.guard().first():  # a chunk in flight stops after its step
        session.touch()
        st.session_state[PLAYING_KEY] = value


def _step() -> None:
    with session.guard().first():
        session.touch()
        _population().step()


def _reset() -> None:
    with session.guard().first():
        session.touch()
        st.session_state.pop(POP_KEY, None)
        st.session_state[PLAYING_KEY] = False


def _train(pop: Population) -> None:
    """One chunk, as the single game's tick trains: in a server-wide training slot, stopped
    after the current step by any click, and not at all once nobody has clicked for a while."""
    ss = st.session_state
    if time.monotonic() - ss.get(session.ACTIVE_KEY, time.monotonic()) > \
            session.PLAY_WITHOUT_ACTION:
        ss[PLAYING_KEY] = False
        st.rerun()
    g = session.guard()
    with session.training_slot(session.SLOT_WAIT, lambda: session.wanted(g)) as got, g.lock:
        if got and ss.get(PLAYING_KEY):  # not after a Pause that took the lock first
            deadline = time.perf_counter() + TRAIN_SECONDS
            pop.advance(MAX_STEPS, until=lambda: session.wanted(g) or
                        time.perf_counter() >= deadline)


def render_duel() -> None:
    ss = st.session_state
    a, b = duel.parse(ss[SPEC_KEY])
    with st.container(border=True, key="playground-duel-sides"):
        left, right = st.columns(2)
        a, b = _side_picker(left, "A", a), _side_picker(right, "B", b)
    if a == b:
        st.warning("Both sides play the same game: change one of them.", icon=":material/warning:")
        return
    if duel.text(a, b) != ss[SPEC_KEY]:
        ss[SPEC_KEY] = duel.text(a, b)
    try:
        pop = _population()
    except ValueError as e:
        st.error(f"This duel was refused: {escape(e, 600)}.", icon=":material/error:")
        return
    playing = bool(ss.get(PLAYING_KEY))
    row = st.container(horizontal=True, vertical_alignment="bottom",
                       key="playground-duel-transport")
    row.button("Pause" if playing else "Play", key="playground.duel_play", type="primary",
               icon=":material/pause:" if playing else ":material/play_arrow:",
               on_click=_set_playing, args=(not playing,), help="Both sides train together.")
    row.button("Step", key="playground.duel_step", icon=":material/skip_next:",
               disabled=playing, on_click=_step, help="One training step of both sides.")
    row.button("Reset", key="playground.duel_reset", icon=":material/replay:", on_click=_reset,
               help="Both sides back to step 0 (the same initial weights).")
    labels = (a.label(), b.label())

    @st.fragment(run_every=TICK_EVERY if playing else None)
    def live() -> None:
        with session.lock():
            snaps = [pop.snapshot(k) for k in range(2)]
            metrics = [pop.latest_metrics(k) for k in range(2)]
            verdicts = [pop.verdict(k) for k in range(2)]
            diverged = [d is not None for d in pop.diverged_at]
        st.markdown(f"**Step {pop.step_count:,}** · " + duel.ahead(tuple(metrics), labels))
        scales = _scales(snaps)
        cols = st.columns(2)
        for k, col in enumerate(cols):
            with col:
                st.markdown(f"**{'AB'[k]}: {labels[k]}**")
                fig = landscape_figure(snaps[k], pop.dataset.bounds, DEFAULT_LAYERS, height=420,
                                       scale=scales[k])
                live_plot(figure_spec(fig), f"playground.duel_landscape_{k}",
                          step=pop.step_count)
                m = metrics[k]
                line = st.container(horizontal=True, vertical_alignment="center")
                line.badge(verdicts[k].label.replace("_", " "),
                           color=VERDICT_COLORS.get(verdicts[k].label, "gray"))
                if "modes_covered" in m:
                    line.markdown(f"modes covered {m['modes_covered']}/{m['n_modes']}, "
                                  f"captured {m['modes_captured']}, HQ {m['high_quality']:.0%}")
                elif m:
                    line.markdown(f"grid JS {m['js_grid']:.3f}, sliced W1 {m['sliced_w']:.3f}")
                st.caption(verdicts[k].reason)
        st.caption(_scale_caption(snaps))
        if playing:
            if all(diverged):
                ss[PLAYING_KEY] = False
                st.rerun()
            _train(pop)

    live()


def _scales(snaps):
    """One colour scale for both sides when their D outputs are the same kind (critics share a
    width, each centred on its own mean score: a critic's level is arbitrary)."""
    outputs = [LOSSES[s.loss].output for s in snaps]
    if outputs[0].lo is None and outputs[1].lo is None:
        half = max(critic_half_width(s) for s in snaps)
        return [d_scale(s, half) for s in snaps]
    return [d_scale(s) for s in snaps]


def _scale_caption(snaps) -> str:
    outputs = [LOSSES[s.loss].output for s in snaps]
    same = outputs[0] == outputs[1]
    text = ("Same axes on both sides; the same colour scale: " + outputs[0].meaning if same else
            "Same axes on both sides. The two D's output different things, so each background "
            "has its own scale: A " + outputs[0].meaning + " B " + outputs[1].meaning)
    return text + " Pink arrows: the push each side's G loss gives its fakes, at one scale."
