import pytest
from streamlit.testing.v1 import AppTest

from playground import TrainConfig, duel
from playground.ui.duel import POP_KEY, SPEC_KEY

APP = "../app.py"  # relative to this file


def test_a_duel_is_written_and_read_as_text():
    a = duel.Side("wgan_gp", r1_gamma=0.1, recommended=True)
    b = duel.Side("nonsaturating", r2_gamma=1.0)
    assert duel.parse(duel.text(a, b)) == (a, b)
    assert duel.text(a, b) == "wgan_gp+r1=0.1+rec|nonsaturating+r2=1"
    cfg = a.config(TrainConfig(seed=3))
    assert (cfg.loss, cfg.d_steps, cfg.beta1, cfg.beta2, cfg.seed) == ("wgan_gp", 5, 0.0, 0.9, 3)


@pytest.mark.parametrize("text", ["nonsaturating", "foo|lsgan", "lsgan|hinge+r3=1",
                                  "lsgan|hinge+r1=x", "lsgan|lsgan", "lsgan|hinge+r1=-1"])
def test_bad_duel_text_is_a_clear_error(text):
    with pytest.raises(ValueError, match="duel"):
        duel.parse(text)


def test_ahead_names_the_side_with_more_modes_covered_then_sharper_samples():
    m = {"step": 500, "modes_covered": 6, "modes_captured": 8, "n_modes": 8, "high_quality": 0.7}
    line = duel.ahead((m, {**m, "modes_covered": 8}), ("NS", "LSGAN"))
    assert line.startswith("**LSGAN** is ahead by modes covered: 8 against 6 of 8")
    line = duel.ahead((m, {**m, "high_quality": 0.5}), ("NS", "LSGAN"))
    assert "**NS** is ahead by high-quality samples: 70% against 50%" in line
    assert duel.ahead((m, m), ("NS", "LSGAN")).startswith("Level at step 500")
    w = {"step": 100, "sliced_w": 0.2, "js_grid": 0.1}
    assert "**B** is ahead by sliced W1" in duel.ahead((w, {**w, "sliced_w": 0.1}), ("A", "B"))


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_a_duel_link_opens_both_sides_and_one_step_moves_both():
    at = _open(duel="nonsaturating|wgan_gp+rec", hidden="16", depth="1", batch_size="32")
    assert not at.exception, at.exception
    assert at.toggle(key="playground.duel_on").value
    assert at.session_state[SPEC_KEY] == "nonsaturating|wgan_gp+rec"
    pop = at.session_state[POP_KEY][2]
    a, b = pop.configs
    assert (a.loss, b.loss, b.d_steps, a.seed) == ("nonsaturating", "wgan_gp", 5, b.seed)
    at.button(key="playground.duel_step").click().run()
    assert not at.exception, at.exception
    assert pop.step_count == 1 and all(len(h) == 1 for h in pop.histories)
    text = " ".join(m.value for m in at.markdown)
    assert "**Step 1**" in text and "No evaluation yet" in text
    assert "WGAN-GP" in text and "NS" in text
    # the sides' D outputs differ in kind, and the page says so
    assert any("its own scale" in c.value for c in at.caption)
    assert at.query_params["duel"] == "nonsaturating|wgan_gp+rec"


def test_changing_a_side_rebuilds_the_duel_and_the_link():
    at = _open(duel="nonsaturating|lsgan", hidden="16", depth="1", batch_size="32")
    at.selectbox(key="playground.duel_B_loss").set_value("hinge").run()
    assert not at.exception, at.exception
    assert at.session_state[SPEC_KEY] == "nonsaturating|hinge"
    assert [c.loss for c in at.session_state[POP_KEY][2].configs] == ["nonsaturating", "hinge"]
    assert at.query_params["duel"] == "nonsaturating|hinge"


def test_a_bad_duel_link_says_so_and_shows_the_default():
    at = _open(duel="nope|lsgan")
    assert not at.exception, at.exception
    assert "is not one of" in at.warning[0].value
    assert at.session_state[SPEC_KEY] == duel.DEFAULT


def test_a_duel_over_the_compute_budget_is_refused_with_the_limit():
    # one run of these settings fits the budget; the duel trains two at once and does not
    at = _open(duel="nonsaturating|lsgan", hidden="512", depth="3", batch_size="1024")
    assert not at.exception, at.exception
    assert POP_KEY not in at.session_state
    refused = " ".join(e.value for e in at.error)
    assert "This duel was refused" in refused and "limit" in refused


def test_play_trains_in_chunks_and_pause_stops_the_duel():
    at = _open(duel="nonsaturating|lsgan", hidden="16", depth="1", batch_size="32")
    at.button(key="playground.duel_play").click().run()
    assert not at.exception, at.exception
    pop = at.session_state[POP_KEY][2]
    assert pop.step_count > 0  # the run after Play trained one chunk
    at.button(key="playground.duel_play").click().run()  # Pause
    steps = pop.step_count
    at.run()
    assert pop.step_count == steps
