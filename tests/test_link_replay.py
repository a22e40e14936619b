"""The Playground's link replays a run with its mid-run changes (AppTest, one tick per run):
a run played with a loss switched mid-run, a Step D, a Step G and R1 turned on, exported, has
the same history row for row as the run opened from its Share link and played to the end."""

from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from playground.ui.session import LINK_KEY, PLAN_KEY, RUN_KEY
from tests.test_app import app

SMALL = {"hidden": "16", "depth": "2", "batch_size": "32", "loss": "minimax"}


def play(at: AppTest, ticks: int) -> None:
    """Play for `ticks` ticks (each `.run()` trains one), then pause."""
    at.button(key="playground.play").click().run()
    for _ in range(ticks - 1):
        at.run()
    at.button(key="playground.play").click().run()  # Pause


def share_link(at: AppTest) -> str:
    return next(c.value for c in at.code if "changes=" in c.value)


def test_a_link_with_mid_run_changes_replays_the_exported_history_row_for_row():
    at = app(**SMALL)
    play(at, 2)
    at.selectbox(key="loss").set_value("nonsaturating").run()  # applied at once, no reset
    at.button(key="playground.step_d").click().run()
    at.button(key="playground.step_g").click().run()
    play(at, 2)
    at.toggle(key="r1").set_value(True).run()
    play(at, 1)
    assert not at.exception, at.exception
    original = at.session_state[RUN_KEY]
    exported = original.history.to_csv()  # what "History (CSV)" downloads

    link = share_link(at)
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["step"] == str(original.step_count)
    assert params["loss"] == "minimax"  # the run's start, not its current settings
    assert ":D~" in params["changes"] and ":G~" in params["changes"]

    replayed = app(**params)
    assert LINK_KEY not in replayed.session_state  # nothing refused
    run = replayed.session_state[RUN_KEY]
    assert run.config.loss == "minimax" and run.step_count == 0
    replayed.button(key="playground.play").click().run()
    for _ in range(200):  # the replay pauses by itself at the link's step
        if not replayed.session_state["playground.playing"]:
            break
        replayed.run()
    assert not replayed.exception, replayed.exception
    run = replayed.session_state[RUN_KEY]
    assert run.step_count == original.step_count
    assert run.history.to_csv() == exported
    assert run.config == original.config
    assert replayed.session_state[PLAN_KEY] is None
    # the sidebar shows the settings the replay applied
    assert replayed.selectbox(key="loss").value == "nonsaturating"
    assert replayed.toggle(key="r1").value
    # and its own Share link is the same link
    assert dict(parse_qsl(urlsplit(share_link(replayed)).query)) == params


def test_a_link_with_a_bad_change_says_so_and_replays_what_came_before():
    at = app(**{**SMALL, "changes": "30:loss=nonsaturating~40:hidden=64", "step": "50"})
    message = at.session_state[LINK_KEY]  # markdown, user text escaped
    assert "change 2" in message and "cannot change mid" in message and "hidden" in message
    plan = at.session_state[PLAN_KEY]
    assert [c.step for c in plan.changes] == [30] and plan.stop == 50


def test_a_link_change_outside_the_sidebars_range_is_refused():
    # the engine accepts gamma 500, the sidebar offers at most 100
    at = app(**{**SMALL, "changes": "10:D~30:r1_gamma=500.0"})
    assert "change 2" in at.session_state[LINK_KEY]
    assert [c.step for c in at.session_state[PLAN_KEY].changes] == [10]
