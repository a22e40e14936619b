"""Idle sessions release their runs (playground/ui/idle.py): the sweeper, driven here with a
clock moved past the timeout, against the Playground page under AppTest."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui import idle
from playground.ui.session import (
    DRAWN_KEY,
    LOCK_KEY,
    PLAYING_KEY,
    RELEASED_KEY,
    REPLAY_KEY,
    RUN_KEY,
)

APP = "../app.py"


def stepped_app(steps: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["seed"] = "7"
    at.query_params["dataset"] = "spiral"
    at.run()
    for _ in range(steps):
        at.button(key="playground.step").click().run()
    assert not at.exception, at.exception
    return at


def later(seconds: float = 0.0) -> float:
    return time.monotonic() + idle.IDLE_RELEASE + seconds


def test_an_idle_session_frees_its_run_and_starts_the_same_config_again():
    at = stepped_app(3)
    run = at.session_state[RUN_KEY]
    assert run.step_count == 3 and DRAWN_KEY in at.session_state
    guard = at.session_state[LOCK_KEY]
    assert guard in idle._sessions

    assert idle.sweep(time.monotonic() + 1.0) == 0  # not idle long enough yet
    assert RUN_KEY in at.session_state
    assert idle.sweep(later(1.0)) >= 1
    for key in (RUN_KEY, REPLAY_KEY, DRAWN_KEY):
        assert key not in at.session_state
    assert at.session_state[RELEASED_KEY][:2] == (run.config, 3)

    at.run()  # the visitor comes back
    assert not at.exception, at.exception
    again = at.session_state[RUN_KEY]
    assert again is not run and again.step_count == 0 and again.config == run.config
    assert RELEASED_KEY not in at.session_state
    assert any("was idle" in w.value and "step 3" in w.value for w in at.warning)
    at.button(key="playground.step").click().run()  # and trains as before
    assert at.session_state[RUN_KEY].step_count == 1
    assert not any("was idle" in w.value for w in at.warning)  # said once


def test_a_click_is_the_first_thing_after_a_release():
    # callbacks run before the page: the Step button's must find the run started again
    at = stepped_app(2)
    config = at.session_state[RUN_KEY].config
    assert idle.sweep(later(1.0)) >= 1
    assert RUN_KEY not in at.session_state
    at.button(key="playground.step").click().run()
    assert not at.exception, at.exception
    run = at.session_state[RUN_KEY]
    assert run.config == config and run.step_count == 1
    assert any("was idle" in w.value and "step 2" in w.value for w in at.warning)


def test_a_playing_session_keeps_its_run_however_long_without_a_click():
    at = stepped_app(1)
    at.session_state[PLAYING_KEY] = True
    run = at.session_state[RUN_KEY]
    idle.sweep(later(60.0))
    assert at.session_state[RUN_KEY] is run


@pytest.mark.parametrize("text", ["-1", "soon", "nan"])
def test_a_bad_timeout_setting_is_refused_with_its_name(monkeypatch, text):
    monkeypatch.setenv("PLAYGROUND_IDLE_RELEASE", text)
    with pytest.raises(ValueError, match="PLAYGROUND_IDLE_RELEASE"):
        idle._idle_release()


def test_the_timeout_setting_is_read(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_IDLE_RELEASE", "90")
    assert idle._idle_release() == 90.0
    monkeypatch.setenv("PLAYGROUND_IDLE_RELEASE", "0")
    assert idle._idle_release() == 0.0
