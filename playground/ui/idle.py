"""Idle sessions give their runs back to the server.

A tab left open without a click keeps its session (and its run, history, replay snapshots and
drawn figures) for as long as the tab stays open. On a public instance, forgotten tabs would
add up, so a sweeper thread frees the runs of sessions that are neither playing nor touched for
IDLE_RELEASE seconds; the session keeps its settings, and its next visit starts the same config
(same seed) again from step 0 and says why. Closed tabs need none of this: Streamlit frees
their sessions after `server.disconnectedSessionTTL`.

`PLAYGROUND_IDLE_RELEASE=seconds` sets the timeout (0: never release).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from . import duel, session

DEFAULT_IDLE_RELEASE = 30 * 60
# what a released session drops; the rest (settings, change log, notices) is a few KB
RELEASED = (session.RUN_KEY, session.REPLAY_KEY, session.TICKS_KEY, session.DRAWN_KEY,
            duel.POP_KEY)

_log = logging.getLogger(__name__)


def _idle_release() -> float:
    text = os.environ.get("PLAYGROUND_IDLE_RELEASE", "").strip()
    if not text:
        return DEFAULT_IDLE_RELEASE
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses NaN
        raise ValueError(f"PLAYGROUND_IDLE_RELEASE: expected seconds >= 0 (0: never), got {text!r}")
    return seconds


IDLE_RELEASE = _idle_release()
SWEEP_EVERY = min(60.0, IDLE_RELEASE / 2)  # seconds between two looks at the sessions

# each session's Guard, its `state` set by watch(); weak, so a closed session can go
_sessions: weakref.WeakSet = weakref.WeakSet()
_sweeper: threading.Thread | None = None
_sweeper_lock = threading.Lock()


def watch(guard: session.Guard, state) -> None:
    """Let the sweeper release this session's run when it idles. `state` is the session's
    thread-safe session state (the script run context's), which outlives this script run; the
    entry goes when the session does (Streamlit drops closed sessions, the Guard with them)."""
    global _sweeper
    if not IDLE_RELEASE:
        return
    guard.state = state
    _sessions.add(guard)
    with _sweeper_lock:
        if _sweeper is None:
            _sweeper = threading.Thread(target=_sweep_forever, name="playground-idle",
                                        daemon=True)
            _sweeper.start()


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_EVERY)
        try:
            sweep(time.monotonic())
        except Exception:  # a failed sweep must not end the sweeping; the next one tries again
            _log.exception("releasing idle sessions failed")


def idle(state, now: float) -> bool:
    """A session whose run may go: it has one, nothing of it plays, and its last action (a
    click, a changed setting, opening the page) is IDLE_RELEASE seconds old."""
    def get(key: str, default=None):
        return state[key] if key in state else default

    if session.RUN_KEY not in state or get(session.PLAYING_KEY) or get(duel.PLAYING_KEY):
        return False
    return now - get(session.ACTIVE_KEY, now) >= IDLE_RELEASE


def sweep(now: float) -> int:
    """Release the runs of the sessions idle at `now` (time.monotonic()); how many went."""
    released = 0
    for guard in list(_sessions):
        state = guard.state
        with guard.lock:  # nothing of this session runs its run meanwhile
            if not idle(state, now):
                continue
            run = state[session.RUN_KEY]
            state[session.RELEASED_KEY] = (run.config, run.step_count,
                                           round(IDLE_RELEASE / 60, 1))
            for key in RELEASED:
                if key in state:
                    del state[key]
        released += 1
    return released
