"""The Playground's per-user state in st.session_state (never a shared cache: one user's run
must not touch another's), and the actions the buttons and widgets trigger.

The run's own config is the single source of truth. Widgets are keyed by config field name
(the same names travel in the URL, see playground/params.py); they are re-seeded from the run
whenever their state is missing (first visit, or back from another page, which drops widget
state), so the sidebar always shows the game that is actually running.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TypeVar

import streamlit as st

from .. import catalog, changes
from ..budget import check_budget
from ..config import TrainConfig
from ..data import read_points
from ..params import IGNORED_PARAMS, config_to_params
from ..presets import PRESETS
from ..replay import Replay
from ..throughput import Throughput
from ..training import GANRun
from .ranges import check_sidebar_range
from .share import describe_problems, parse_params
from .text import escape

RUN_KEY = "playground.run"  # read by the theory pages: keep the name
PLAYING_KEY = "playground.playing"
REPLAY_KEY = "playground.replay"
TICKS_KEY = "playground.ticks"
URL_KEY = "playground.url"  # the params this page last wrote to the URL
CUSTOM_KEY = "playground.custom_points"
NOTICE_KEY = "playground.notice"  # (kind, text) shown once on the next run
LOCK_KEY = "playground.lock"
DRAWN_KEY = "playground.drawn"  # the live view's last snapshot and figure specs (live.Drawn)
RELEASED_KEY = "playground.released"  # (config, step, idle minutes) of a run idle.py freed
REPLAY_AT_KEY = "playground.replay_at"  # step being replayed; None: the view follows the run
MOVED_KEY = "playground.moved"  # which players the last manual step updated: "both", "D", "G"
PRESET_KEY = "playground.preset"  # the preset whose "what to look for" panel is open
PRESET_LINK_KEY = "playground.preset_link"  # the ?preset= this session applied
WAITING_KEY = "playground.waiting"  # other runs were training when this tick wanted a core
UPLOADS_KEY = "playground.uploads"  # uploads so far: part of the uploader's key
ACTIVE_KEY = "playground.active"  # time.monotonic() of the user's last action
LINK_KEY = "playground.link_problems"  # what a link asked for that was refused, until dismissed
LOG_KEY = "playground.changes"  # changes.ChangeLog: the run's start and its mid-run changes
PLAN_KEY = "playground.plan"  # changes.Plan: what a run opened from a link still replays
RESEED_KEY = "playground.reseed"  # a link's replay applied a setting the sidebar does not show

# Widget keys that are config fields (and URL parameter names), besides the penalties and the
# averaged G: "r1" / "r2" / "ema" toggle them, their strengths live in "r1_gamma", "r2_gamma",
# "g_ema". Which of them apply mid-run is the engine's to say (on_setting_change).
FIELDS = ("dataset", "loss", "r1_every", "lr_g", "lr_d", "d_steps", "optimizer", "batch_size",
          "hidden", "depth", "latent_dim", "activation", "seed")
DEFAULT_EMA = 0.999

EVAL_EVERY = 100  # steps between metric evaluations, unless a preset sets its own
EVERY_PARAM = "eval_every"  # a link's evaluation cadence, when not EVAL_EVERY
# A run left playing with nobody clicking is paused after this long, so a forgotten tab does
# not hold a core of a shared server forever (a closed tab stops at once: the browser stops
# asking for ticks, and Streamlit frees the session after server.disconnectedSessionTTL).
PLAY_WITHOUT_ACTION = 30 * 60


class Guard:
    """The session's lock around every use of its run, and a count of callers waiting for it.

    Other threads may use the run while a script run trains it: the idle sweeper (idle.py),
    and with Streamlit's fast reruns (off in .streamlit/config.toml, on by default) a click's
    rerun starts on a new thread beside the running tick. The engine is not thread-safe: hence
    the lock. A button's callback must not wait for a whole chunk, so it announces itself
    first (`first()`), and training checks `interrupted()` after every step (`wanted`) and
    gives the lock up."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._count = threading.Lock()
        self._waiting = 0
        self.state = None  # the session's thread-safe state, for the idle sweeper (idle.py)

    def interrupted(self) -> bool:
        return self._waiting > 0

    @contextlib.contextmanager
    def first(self) -> Iterator[None]:
        """Hold the lock, asking a training chunk that holds it to stop after its step."""
        with self._count:
            self._waiting += 1
        try:
            self.lock.acquire()
        finally:
            with self._count:
                self._waiting -= 1
        try:
            yield
        finally:
            self.lock.release()


def guard() -> Guard:
    return st.session_state[LOCK_KEY]


def wanted(g: Guard) -> bool:
    """For a training loop, after every step: True when a callback waits for the session's
    lock. Reading session state is also one of Streamlit's yield points: when a click's rerun
    is pending, Streamlit ends this script run right here, between two steps, and starts the
    rerun at once (with `runner.fastReruns` off, .streamlit/config.toml, a session has one
    script thread, so the click waits for nothing else)."""
    st.session_state.get(LOCK_KEY)
    return g.interrupted()


def lock() -> threading.RLock:
    """The session's lock, for readers that take only a moment (drawing, the theory pages)."""
    return guard().lock


F = TypeVar("F", bound=Callable)


def _locked(fn: F) -> F:
    """For callbacks: run with the session's lock, interrupting a training chunk."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with guard().first():
            touch()
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# Training slots shared by every session of this server: at most SLOTS chunks train at once,
# each on one thread, so N playing visitors take turns instead of thrashing the cores. One by
# default: the sessions of one process share Python's GIL, and these small networks spend most
# of a step in Python, so a process trains on about one core however many threads train. Two
# slots on 2 cores bought nothing and cost the pages their clicks: 20 load-test sessions trained
# 70 steps/s together with 2 slots and 75 with 1, and answered 7 of 20 Pauses within a second
# with 2 slots against 19 of 20 with 1 (README, "Load test"). PLAYGROUND_TRAINING_SLOTS sets
# it, e.g. on a GPU, where a step leaves the GIL for longer.
def _slot_count() -> int:
    text = os.environ.get("PLAYGROUND_TRAINING_SLOTS", "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"PLAYGROUND_TRAINING_SLOTS: expected a whole number >= 1, got "
                             f"{text!r}")
        return int(text)
    return 1


SLOTS = _slot_count()
_slots = threading.BoundedSemaphore(SLOTS)
_wanting = 0  # sessions training or waiting for a slot (shown to those that wait)
# A session waiting for a slot looks for a click this often (reading session state, where a
# click's rerun ends the wait): 20 waiting sessions polling every 0.02 s held Python's GIL 7% of
# the time, for clicks answered at most 0.03 s sooner.
SLOT_POLL = 0.05
_wanting_lock = threading.Lock()


@contextlib.contextmanager
def training_slot(wait: float, stop: Callable[[], bool]) -> Iterator[bool]:
    """Yield True holding one of the server's training slots, or False when none came free
    within `wait` seconds (or `stop()` turned true while waiting)."""
    global _wanting
    with _wanting_lock:
        _wanting += 1
    deadline = time.perf_counter() + wait
    got = False
    try:
        while not got and not stop():
            got = _slots.acquire(timeout=min(SLOT_POLL, max(0.0, deadline - time.perf_counter())))
            if time.perf_counter() >= deadline:
                break
        yield got
    finally:
        if got:
            _slots.release()
        with _wanting_lock:
            _wanting -= 1


def others_waiting() -> int:
    """For a session inside `training_slot`: how many other sessions train or wait too."""
    return max(0, _wanting - 1)


def run() -> GANRun:
    if RUN_KEY not in st.session_state and RELEASED_KEY in st.session_state:
        _restore_released()  # a callback (they run before the page) after an idle release
    return st.session_state[RUN_KEY]


def _restore_released() -> None:
    """The run idle.py freed starts again: same config and seed, from step 0, and says so."""
    ss = st.session_state
    cfg, step, minutes = ss[RELEASED_KEY]
    del ss[RELEASED_KEY]
    reset_run(cfg)
    ss[URL_KEY] = link_params()
    notify("warning", f"This tab was idle for {minutes:g} minutes, so the server freed its run "
                      f"(at step {step:,}) for other visitors. The same settings and seed start "
                      "again from step 0; press Play to train.")


def playing() -> bool:
    return bool(st.session_state.get(PLAYING_KEY, False))


def touch() -> None:
    """Record a user action: opening the page, or any callback (a click, a changed setting)."""
    st.session_state[ACTIVE_KEY] = time.monotonic()


def notify(kind: str, text: str) -> None:
    st.session_state[NOTICE_KEY] = (kind, text)


# -- building and resetting ---------------------------------------------------------------------
def reset_run(cfg: TrainConfig, eval_every: int | None = None) -> None:
    """A fresh run of `cfg`: the same seed gives the same initial weights and probe points.
    The evaluation cadence is kept from the current run unless given (presets set their own)."""
    ss = st.session_state
    if eval_every is None:
        eval_every = ss[RUN_KEY].population.eval_every if RUN_KEY in ss else EVAL_EVERY
    new = GANRun(cfg, eval_every=eval_every)
    ss[RUN_KEY] = new
    ss[LOG_KEY], ss[PLAN_KEY] = changes.ChangeLog(cfg), None
    replay = Replay()
    replay.offer(new)
    ss[REPLAY_KEY] = replay
    ss[TICKS_KEY] = Throughput()
    ss[REPLAY_AT_KEY] = None
    ss[MOVED_KEY] = "both"


def seed_widgets(cfg: TrainConfig, *, only_missing: bool = False) -> None:
    """Set the widget keys to `cfg` (before the widgets are drawn, or from a callback)."""
    ss = st.session_state
    values: dict[str, object] = {name: getattr(cfg, name) for name in FIELDS}
    values["r1"] = cfg.r1_gamma > 0
    gamma = catalog.DEFAULT_GAMMA  # a penalty's strength before the user ever set one
    values["r1_gamma"] = cfg.r1_gamma if cfg.r1_gamma > 0 else ss.get("r1_gamma", gamma)
    values["r2"] = cfg.r2_gamma > 0
    values["r2_gamma"] = cfg.r2_gamma if cfg.r2_gamma > 0 else ss.get("r2_gamma", gamma)
    values["ema"] = cfg.g_ema > 0
    values["g_ema"] = cfg.g_ema if cfg.g_ema > 0 else ss.get("g_ema", DEFAULT_EMA)
    for key, value in values.items():
        if not only_missing or key not in ss:
            ss[key] = value


def widget_config() -> TrainConfig:
    """The config the widgets describe; fields without a widget keep the running values."""
    ss = st.session_state
    changes = {name: ss[name] for name in FIELDS}
    changes["r1_gamma"] = float(ss["r1_gamma"]) if ss["r1"] else 0.0
    changes["r2_gamma"] = float(ss["r2_gamma"]) if ss["r2"] else 0.0
    changes["g_ema"] = float(ss["g_ema"]) if ss["ema"] else 0.0
    base = run().config
    if changes["dataset"] == "custom":
        changes["custom_points"] = base.custom_points or ss.get(CUSTOM_KEY)
    else:
        changes["custom_points"] = None
    return base.replace(**changes)


@_locked
def apply_preset(name: str) -> None:
    """Load a preset and start playing it, with its "what to look for" panel open."""
    preset = PRESETS[name]
    seed_widgets(preset.config)
    reset_run(preset.config, eval_every=preset.eval_every)
    st.session_state[PRESET_KEY] = name
    st.session_state[PLAYING_KEY] = True


def close_preset_panel() -> None:
    st.session_state[PRESET_KEY] = None


def ensure_state() -> None:
    """Called at the top of every full run: create the run on first visit, apply a link's
    config or `?preset=NAME`, and re-seed widgets that lost their state."""
    ss = st.session_state
    if LOCK_KEY not in ss:  # the first run of a session: nothing else can run yet
        ss[LOCK_KEY] = Guard()
        touch()
    with guard().first():
        _ensure_run()


def _ensure_run() -> None:
    ss = st.session_state
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in IGNORED_PARAMS}
    if RELEASED_KEY in ss:
        _restore_released()
    if RUN_KEY not in ss:
        cfg = _link_config(params)
        seed_widgets(cfg)
        _start_link_run(params, cfg)
        ss[URL_KEY] = link_params()
    elif params and params != ss.get(URL_KEY):
        # arrived from a link on another page of this session (a full config in the URL); an
        # empty URL means "back to the Playground" and keeps the running game
        cfg = _link_config(params)
        seed_widgets(cfg)
        _start_link_run(params, cfg)
        ss[PLAYING_KEY] = False
    name = st.query_params.get("preset")
    if name is not None:
        # A click sent before the browser took ?preset= out of its address bar carries it again;
        # applied again, it would reset the run under the click (a Play pressed within a second
        # of opening the link was lost). A link opens a new session, so each applies it once.
        if name in PRESETS and ss.get(PRESET_LINK_KEY) != name:
            apply_preset(name)
            ss[PLAYING_KEY] = False
            ss[PRESET_LINK_KEY] = name
        elif name not in PRESETS:
            ss[LINK_KEY] = (f"Unknown preset {escape(name)}; known: {', '.join(PRESETS)}.")
        del st.query_params["preset"]  # from now on the config parameters describe the run
    # a link's replay applied settings while playing: the sidebar shows them once paused (set
    # while playing, the browser's next tick still carried the old values and undid them)
    reseed = ss.get(RESEED_KEY) and not playing()
    if reseed:
        del ss[RESEED_KEY]
    seed_widgets(run().config, only_missing=not reseed)


def _link_config(params: dict) -> TrainConfig:
    """The config a link describes; what it asked for that was refused is kept for the page to
    show until the user dismisses it (a notice shown once would vanish at the page's next
    rerun, and a refused value would then look like a silent reset)."""
    cfg, problems = parse_params(params)
    if cfg.custom_points is not None:  # the link's points join the sidebar's data options
        st.session_state[CUSTOM_KEY] = cfg.custom_points
    if problems:
        st.session_state[LINK_KEY] = describe_problems(problems)
    return cfg


def _start_link_run(params: dict, cfg: TrainConfig) -> None:
    """A fresh run of a link's config, at the link's evaluation cadence, with the link's
    changes (and the step it was shared at) to replay."""
    text, stop, problems = changes.run_params(params)
    eval_every = EVAL_EVERY
    if EVERY_PARAM in params:
        try:
            eval_every = int(params[EVERY_PARAM])
            if not 1 <= eval_every <= 10_000:
                raise ValueError
        except ValueError:
            problems.append(f"{EVERY_PARAM}: expected a whole number of steps from 1 to 10,000")
            eval_every = EVAL_EVERY
    todo, bad = changes.decode(text, cfg)
    for i, change in enumerate(todo):  # a link may only ask for what the sidebar offers
        try:
            for name, value in change.settings:
                check_sidebar_range(name, value)
        except ValueError as e:
            bad = [f"change {i + 1}: {e}; replaying the first {i}"]
            todo = todo[:i]
            break
    problems += bad
    if problems:
        st.session_state[LINK_KEY] = describe_problems(problems)
    reset_run(cfg, eval_every=eval_every)
    st.session_state[PLAN_KEY] = changes.Plan(todo, stop) if todo or stop else None


def _link(step: int) -> tuple[dict[str, str], str | None]:
    ss = st.session_state
    log, plan = ss[LOG_KEY], ss.get(PLAN_KEY)
    full = changes.ChangeLog(log.start, log.changes + (plan.changes if plan else []))
    params = config_to_params(log.start)
    every = run().population.eval_every
    if every != EVAL_EVERY:
        params[EVERY_PARAM] = str(every)
    extra, note = changes.link_params(full, step)
    return {**params, **extra}, note


def link_params() -> dict[str, str]:
    """The address bar's parameters: the run's starting config, evaluation cadence and mid-run
    changes (those applied and those a link still has to replay)."""
    return _link(0)[0]


def share_link() -> tuple[str, str | None]:
    """A link to this run at its current step (or at the step the link being replayed was
    shared at), and a sentence when its changes had to be cut to keep the link short."""
    plan = st.session_state.get(PLAN_KEY)
    params, note = _link(run().step_count if plan is None or plan.stop is None else plan.stop)
    page = (st.context.url or "").split("?")[0]
    return page + ("?" + urllib.parse.urlencode(params, safe=":,~=") if params else ""), note


def dismiss_link_problems() -> None:
    st.session_state[LINK_KEY] = None


def sync_url() -> None:
    """Write the run's starting config and its changes to the URL (only non-default fields),
    so the address bar always replays the run; called at the end of every full run."""
    params = link_params()
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in IGNORED_PARAMS}
    if params != current:
        st.query_params.from_dict(params)
    st.session_state[URL_KEY] = params


# -- widget callbacks ----------------------------------------------------------------------------
@_locked
def on_setting_change() -> None:
    """A setting changed: the engine applies it to the running game if it can
    (GANRun.reconfigure, config.LIVE_FIELDS); otherwise a new game from step 0."""
    r = run()
    try:
        cfg = widget_config()
        check_budget(cfg)
    except ValueError as e:
        seed_widgets(r.config)
        notify("error", f"That setting was rejected: {escape(e, 600)}. The previous run is "
                        "kept.")
        return
    before = r.config
    if r.reconfigure(cfg):
        reset_run(cfg)
        notify("info", "Data, network, optimizer, lazy R1 or seed changed: the game restarted "
                       "from step 0.")
        return
    change = changes.settings_change(r.step_count, before, cfg)
    if change is None:  # the browser echoing settings a link's replay set: nothing changed
        return
    _leave_plan()
    st.session_state[LOG_KEY].record(change)
    st.session_state[REPLAY_KEY].retake(r)
    notify("info", f"Applied to the running game at step {r.step_count:,} (no reset).")


@_locked
def apply_recommended() -> None:
    """The running loss's recommended settings (catalog), e.g. WGAN-GP's 5 critic steps and
    Adam(0, 0.9): a new game from step 0 (the number of D steps is part of the run's shape)."""
    cfg = run().config
    cfg = cfg.replace(**catalog.recommended(cfg.loss))
    seed_widgets(cfg)
    reset_run(cfg)
    notify("info", "Restarted from step 0 with this loss's recommended settings.")


def upload_key() -> str:
    """The uploader's key; a new one after every upload, so the file's bytes are not kept."""
    return f"playground.upload.{st.session_state.get(UPLOADS_KEY, 0)}"


@_locked
def on_upload() -> None:
    """A CSV of points: size-checked and parsed before anything changes, so a bad file keeps
    the previous run. The uploader is replaced by an empty one either way, which drops the
    file from the session (the points, once accepted, live in the config)."""
    ss = st.session_state
    key = upload_key()
    upload = ss.get(key)
    if upload is None:
        return
    ss[UPLOADS_KEY] = ss.get(UPLOADS_KEY, 0) + 1
    name = escape(upload.name, 80)
    try:
        points = read_points(upload.getvalue())
        cfg = run().config.replace(dataset="custom", custom_points=points)
    except ValueError as e:
        notify("error", f"Could not use {name}: {escape(e, 600)}. The previous run is kept.")
        return
    ss[CUSTOM_KEY] = points
    ss["dataset"] = "custom"
    reset_run(cfg)
    notify("info", f"Training on your {len(points):,} points from {name}.")


# -- transport buttons ------------------------------------------------------------------------
@_locked
def set_playing(value: bool) -> None:
    """Play (True) or pause (False). An explicit target, not a toggle: a click that reaches
    the server twice (coalesced reruns) must not undo itself. Play returns the view to live."""
    ss = st.session_state
    if value and run().diverged:
        notify("error", "This run diverged; press Reset (or change a setting) to start again.")
        value = False
    if value != playing():
        ss[TICKS_KEY].clear()  # the paused time is not throughput
    if value:
        ss[REPLAY_AT_KEY] = None
        ss[MOVED_KEY] = "both"
    ss[PLAYING_KEY] = value


@_locked
def step(d: bool = True, g: bool = True) -> None:
    """One manual step (both players, or D / G only); the same path Play takes per tick.
    The view returns to live, at the step just taken."""
    ss = st.session_state
    r = run()
    if r.diverged:
        return
    if d and g:
        _apply_plan(r)  # a full step is a step of the replay
    else:
        _leave_plan()
        ss[LOG_KEY].record(changes.Change(r.step_count, half="D" if d else "G"))
    r.step(d=d, g=g)
    ss[REPLAY_KEY].offer(r)
    ss[REPLAY_AT_KEY] = None
    ss[MOVED_KEY] = "both" if d and g else ("D" if d else "G")


@_locked
def reset() -> None:
    st.session_state[PLAYING_KEY] = False
    reset_run(run().config)


def replay_at(step: int | None) -> None:
    """Show the recorded frame of `step` (None: follow the live run)."""
    st.session_state[REPLAY_AT_KEY] = step


def replaying() -> int | None:
    return st.session_state.get(REPLAY_AT_KEY)


def moved() -> str:
    return st.session_state.get(MOVED_KEY, "both")


# -- the live tick ----------------------------------------------------------------------------
SLOT_WAIT = 3.0  # seconds a tick waits for a training slot before redrawing without training


def train_tick(seconds: float, max_steps: int) -> int:
    """One chunk of training, bounded in time and steps, and stopped after the current step
    when a button's callback wants the session; records throughput and replay. When every
    training slot of the server is taken, waits for one a moment, then gives the tick up."""
    g = guard()
    ss = st.session_state
    if time.monotonic() - ss.get(ACTIVE_KEY, time.monotonic()) > PLAY_WITHOUT_ACTION:
        ss[PLAYING_KEY] = False
        notify("error", f"Paused after {PLAY_WITHOUT_ACTION // 60} minutes without a click, to "
                        "share the server's cores; press Play to go on.")
        return 0
    with training_slot(SLOT_WAIT, lambda: wanted(g)) as got:
        ss[WAITING_KEY] = 0 if got else others_waiting()
        if not got:
            return 0
        with g.lock:
            # a Pause that came between this tick's start and the lock was not an interruption
            # (it had the lock first): the tick must not train a chunk after it
            if not playing():
                return 0
            return _train(seconds, max_steps, lambda: wanted(g))


def _train(seconds: float, max_steps: int, stop: Callable[[], bool]) -> int:
    ss = st.session_state
    r = run()
    bound = _apply_plan(r)
    if bound == 0:  # the step the link was shared at
        return 0
    start, first = time.perf_counter(), r.step_count
    try:
        r.advance_for(seconds, max_steps if bound is None else min(max_steps, bound), stop=stop)
    finally:  # also when a click's rerun ended the chunk between two steps (`wanted`)
        _apply_plan(r)
        end = time.perf_counter()
        ss[TICKS_KEY].tick(end, r.step_count, busy=end - start)
        ss[REPLAY_KEY].offer(r)
        ss[MOVED_KEY] = "both"
    return r.step_count - first


def _apply_plan(r: GANRun) -> int | None:
    """Apply the link's changes due at this step; returns how many steps may follow before
    the next one (0: the run reached the step it was shared at, and pauses; None: no plan)."""
    ss = st.session_state
    plan = ss.get(PLAN_KEY)
    if plan is None:
        return None
    done = plan.apply_due(r, ss[LOG_KEY])
    if done:
        ss[REPLAY_KEY].retake(r)
        if any(c.settings for c in done):
            ss[RESEED_KEY] = True
    bound = plan.bound(r.step_count)
    if bound == 0 or (plan.finished and plan.stop is None):
        ss[PLAN_KEY] = None
        if bound == 0:
            ss[PLAYING_KEY] = False
            notify("info", f"Replayed to step {r.step_count:,}, where the link was shared; "
                           "press Play to go on.")
    return bound


def _leave_plan() -> None:
    """The user changed the run by hand: the link's remaining changes no longer apply."""
    ss = st.session_state
    plan = ss.get(PLAN_KEY)
    if plan is not None and not plan.finished:
        notify("info", f"You changed the run by hand, so the link's {len(plan.changes)} "
                       "remaining change(s) are dropped.")
    ss[PLAN_KEY] = None


def waiting_for() -> int:
    """Other runs that held every training slot at this session's last tick (0: none)."""
    return int(st.session_state.get(WAITING_KEY, 0))


def throughput() -> tuple[float, float] | None:
    """(steps per wall second while playing, fraction of that time spent training), over the
    last few ticks; None before two ticks."""
    meter = st.session_state.get(TICKS_KEY)
    rate = meter.rate() if meter is not None else None
    return None if rate is None else (rate, meter.busy_fraction())
