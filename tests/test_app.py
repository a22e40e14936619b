"""The Playground page (app.py) under AppTest. Fragments do not tick in AppTest, so each
`.run()` is one full pass including one tick; the Step button drives the same code path."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
import pytest
from streamlit.runtime.uploaded_file_manager import UploadedFile
from streamlit.testing.v1 import AppTest

from playground.config import TrainConfig
from playground.params import config_to_params
from playground.presets import PRESETS
from playground.training import GANRun
from playground.ui import live
from playground.ui.session import (
    ACTIVE_KEY,
    PLAY_WITHOUT_ACTION,
    PLAYING_KEY,
    REPLAY_KEY,
    RUN_KEY,
)

APP = "../app.py"  # relative to this file


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def step_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(("**Step ", "**Replaying ")))


def figure(at: AppTest, key: str) -> dict:
    """The plotly figure a live plot (playground.ui.plot) was last given."""
    data = json.loads(at.get_by_key(key).proto.json)
    return json.loads(data["figure"])


def live_plots(at: AppTest) -> list:
    return [e for e in at.main if getattr(e.proto, "component_name", "") ==
            "playground.live_plot"]


def array(value) -> np.ndarray:
    """A trace array from a plotly spec (numpy arrays travel base64-encoded)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value, dtype=np.float64)


def fake_points(at: AppTest) -> np.ndarray:
    trace = next(t for t in figure(at, "playground.landscape")["data"]
                 if t["name"] == "fake G(z)")
    return np.stack([array(trace["x"]), array(trace["y"])], 1)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_renders_at_step_zero():
    at = app()
    assert step_text(at) == "**Step 0**"
    assert any("device: `cpu`" in m.value for m in at.markdown)
    assert len(live_plots(at)) == 2
    assert at.session_state[RUN_KEY].step_count == 0
    assert at.query_params == {}  # the default config has no parameters


def shown_steps(at: AppTest) -> tuple[int, int]:
    """(step the landscape shows, step the charts show), as the browser is told them."""
    landscape, charts = (json.loads(at.get_by_key(k).proto.json)["step"]
                         for k in ("playground.landscape", "playground.charts"))
    return landscape, charts


def test_step_advances_counter_and_changes_figure():
    at = app()
    before = fake_points(at)
    click(at, "playground.step")
    assert step_text(at) == "**Step 1**"
    assert shown_steps(at) == (1, 1)
    assert not np.allclose(fake_points(at), before)
    click(at, "playground.step_d")  # D only: the fakes stay where they are
    assert step_text(at) == "**Step 2** (D only: G frozen)"
    after_d = fake_points(at)
    np.testing.assert_array_equal(after_d, fake_points(at))
    click(at, "playground.step_g")
    assert step_text(at) == "**Step 3** (G only: D frozen)"
    assert shown_steps(at) == (3, 3)
    assert not np.allclose(fake_points(at), after_d)


def test_view_follows_every_step_and_scrubbing_returns_to_live():
    at = app()
    for n in range(1, 31):  # past the replay's first recorded frame (step 25)
        click(at, "playground.step")
        assert shown_steps(at) == (n, n)
        assert step_text(at) == f"**Step {n}**"
    replay = at.select_slider(key="playground.replay_step")
    assert replay.value == 30
    replay.set_value(25).run()
    assert step_text(at) == "**Replaying step 25 of 30**"
    assert shown_steps(at) == (25, 30)
    cursor = figure(at, "playground.charts")["layout"]["shapes"]
    assert {line["x0"] for line in cursor} == {25}
    click(at, "playground.step")  # Step returns to live
    assert step_text(at) == "**Step 31**" and shown_steps(at) == (31, 31)
    assert at.select_slider(key="playground.replay_step").value == 31
    assert "shapes" not in figure(at, "playground.charts")["layout"]


def arrows_label(at: AppTest) -> str:
    return next(t["name"] for t in figure(at, "playground.landscape")["data"]
                if t["name"].startswith("−∇x G loss"))


def test_a_live_loss_change_redraws_the_arrows_at_the_same_step():
    at = app()  # step 0: the replay holds this step's frame, which must not be shown stale
    assert "(nonsaturating)" in arrows_label(at)
    at.selectbox(key="loss").set_value("minimax").run()
    assert step_text(at) == "**Step 0**" and "(minimax)" in arrows_label(at)
    click(at, "playground.step")
    at.selectbox(key="loss").set_value("nonsaturating").run()
    assert step_text(at) == "**Step 1**" and "(nonsaturating)" in arrows_label(at)


def test_while_playing_the_charts_refresh_on_their_own_cadence_and_pause_catches_up(
        monkeypatch):
    monkeypatch.setattr(live, "CHARTS_EVERY", 1e9)  # no refresh from the clock in this test
    at = app()
    click(at, "playground.play")
    for _ in range(2):
        at.run()
    landscape, charts = shown_steps(at)  # a tick draws, then trains
    assert charts == 0 < landscape <= at.session_state[RUN_KEY].step_count
    click(at, "playground.play")  # Pause: everything shows the same step
    step = at.session_state[RUN_KEY].step_count
    assert shown_steps(at) == (step, step) and step_text(at) == f"**Step {step:,}**"


def test_reset_returns_to_step_zero_with_the_same_points():
    at = app()
    initial = fake_points(at)
    for _ in range(3):
        click(at, "playground.step")
    assert not np.allclose(fake_points(at), initial)
    click(at, "playground.reset")
    assert step_text(at) == "**Step 0**"
    np.testing.assert_array_equal(fake_points(at), initial)


def test_play_trains_a_chunk_per_run_and_pause_stops():
    at = app()
    click(at, "playground.play")
    at.run()
    steps = at.session_state[RUN_KEY].step_count
    assert steps > 0
    assert at.session_state[PLAYING_KEY]
    click(at, "playground.play")  # now "Pause"
    assert not at.session_state[PLAYING_KEY]
    at.run()
    assert at.session_state[RUN_KEY].step_count == steps


@pytest.mark.parametrize("dataset", ["ring8", "grid25", "spiral", "moons", "circles"])
def test_every_dataset_loss_and_r1_renders(dataset):
    at = app()
    at.selectbox(key="dataset").set_value(dataset).run()
    for loss in ("minimax", "nonsaturating"):
        for r1 in (False, True):
            at.selectbox(key="loss").set_value(loss)
            at.toggle(key="r1").set_value(r1).run()
            click(at, "playground.step")
            cfg = at.session_state[RUN_KEY].config
            assert (cfg.dataset, cfg.loss, cfg.r1_gamma > 0) == (dataset, loss, r1)
            assert len(live_plots(at)) == 2


def test_live_changes_keep_the_run_and_structural_changes_reset():
    at = app()
    for _ in range(2):
        click(at, "playground.step")
    run = at.session_state[RUN_KEY]
    at.selectbox(key="loss").set_value("minimax").run()
    at.select_slider(key="lr_d").set_value(3e-4).run()
    assert at.session_state[RUN_KEY] is run and run.step_count == 2
    assert (run.config.loss, run.config.lr_d) == ("minimax", 3e-4)
    at.slider(key="depth").set_value(2).run()
    assert at.session_state[RUN_KEY].step_count == 0
    assert at.session_state[RUN_KEY].config.depth == 2


def test_lazy_r1_is_offered_with_r1_and_changing_it_restarts_the_run():
    at = app()
    every = at.select_slider(key="r1_every")
    assert every.disabled and every.value == 1  # R1 is off by default
    at.toggle(key="r1").set_value(True).run()
    click(at, "playground.step")
    every = at.select_slider(key="r1_every")
    assert not every.disabled and "every 4th step, 4 γ" in every.options
    every.set_value(4).run()
    run = at.session_state[RUN_KEY]
    assert run.step_count == 0 and run.config.r1_every == 4 and run.config.r1_gamma > 0
    assert at.query_params["r1_every"] == "4"


def test_the_sidebar_lets_the_engine_decide_what_applies_mid_run(monkeypatch):
    asked = []
    reconfigure = GANRun.reconfigure

    def spy(self, cfg):
        asked.append(reconfigure(self, cfg))
        return asked[-1]

    monkeypatch.setattr(GANRun, "reconfigure", spy)
    at = app()
    click(at, "playground.step")
    at.toggle(key="r2").set_value(True).run()
    at.select_slider(key="batch_size").set_value(128).run()
    assert asked == [False, True]  # R2 applied in place; the batch size needs a new run
    assert at.session_state[RUN_KEY].step_count == 0
    assert at.session_state[RUN_KEY].config.r2_gamma > 0


def test_diverging_preset_shows_the_verdict_and_keeps_working():
    at = app(preset="diverges")
    click(at, "playground.play")
    for _ in range(3):
        if at.session_state[RUN_KEY].diverged:
            break
        at.run()
    assert at.session_state[RUN_KEY].diverged
    assert not at.session_state[PLAYING_KEY]
    assert any("diverged" in m.value for m in at.markdown)
    assert any("Training diverged" in e.value for e in at.error)
    assert at.button(key="playground.play").disabled
    click(at, "playground.reset")  # the page keeps working
    assert step_text(at) == "**Step 0**"


def test_preset_param_is_applied_then_removed_from_the_url():
    at = app(preset="grid_r1")
    cfg = at.session_state[RUN_KEY].config
    assert cfg == PRESETS["grid_r1"].config
    assert "preset" not in at.query_params
    assert at.query_params == config_to_params(cfg)
    assert at.query_params["dataset"] == "grid25" and float(at.query_params["r1_gamma"]) > 0
    assert at.selectbox(key="dataset").value == "grid25" and at.toggle(key="r1").value
    # its Adam beta2 (0.99) has no widget, so the sidebar says it
    assert any("Adam betas (0.5, 0.99)" in c.value for c in at.sidebar.caption)


def test_a_click_that_still_carries_the_preset_link_is_not_undone():
    at = app(preset="grid_r1")
    # the browser had not yet taken ?preset= out of its address bar when Play was pressed
    at.query_params.clear()
    at.query_params["preset"] = "grid_r1"
    click(at, "playground.play")
    assert at.session_state[PLAYING_KEY]
    at.run()  # the tick trains the preset's run instead of a fresh one at step 0
    assert at.session_state[RUN_KEY].step_count > 0
    assert at.session_state[RUN_KEY].config == PRESETS["grid_r1"].config
    assert "preset" not in at.query_params


def test_query_params_round_trip():
    params = {"dataset": "moons", "loss": "minimax", "lr_g": "0.0003", "seed": "7",
              "r1_gamma": "0.1", "r1_every": "4", "hidden": "64", "d_steps": "2"}
    at = app(**params)
    cfg = at.session_state[RUN_KEY].config
    assert cfg == TrainConfig(dataset="moons", loss="minimax", lr_g=3e-4, seed=7, r1_gamma=0.1,
                              r1_every=4, hidden=64, d_steps=2)
    assert at.select_slider(key="r1_every").value == 4
    assert at.query_params == params
    assert at.select_slider(key="lr_g").value == 3e-4 and at.number_input(key="seed").value == 7
    at.number_input(key="seed").set_value(8).run()
    assert at.query_params["seed"] == "8"
    at.selectbox(key="dataset").set_value("ring8").run()
    assert "dataset" not in at.query_params  # back to the default: dropped from the URL


def test_bad_query_params_warn_and_fall_back_to_defaults():
    at = app(lr_g="fast", dataset="nowhere", depth="3", bogus="1")
    warning = " ".join(w.value for w in at.warning)
    assert "lr\\_g" in warning and "dataset" in warning and "bogus" in warning  # escaped
    assert at.session_state[RUN_KEY].config == TrainConfig()
    at.run()  # the page's next rerun (e.g. the plot loader's) keeps the warning
    assert " ".join(w.value for w in at.warning) == warning
    click(at, "playground.link_dismiss")
    assert not at.warning


def test_replay_scrubs_back_when_paused():
    at = app()
    for _ in range(30):  # snapshots every 25 steps at first: step 0 and step 25 are kept
        at.session_state[RUN_KEY].step()
    at.run()
    replay = at.select_slider(key="playground.replay_step")
    assert replay.options[0] == "step 0" and replay.value == 30
    initial = fake_points(app())  # a fresh session: the same seed gives the same step-0 points
    replay.set_value(0).run()
    np.testing.assert_array_equal(fake_points(at), initial)


def test_custom_points_upload_and_a_bad_file_keeps_the_run():
    at = app()
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("pts.csv", b"x,y\n0,0\n1,1\n2,0\n", "text/csv")).run()
    assert not at.exception, at.exception
    cfg = at.session_state[RUN_KEY].config
    assert cfg.dataset == "custom" and len(cfg.custom_points) == 3
    click(at, "playground.step")
    at.get("file_uploader")[0].set_value(("bad.csv", b"0,0\n1,oops\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert any("line 2" in e.value for e in at.error)
    # the uploader is replaced after every upload: no file's bytes stay in the session
    held = [k for k in at.session_state if isinstance(at.session_state[k], UploadedFile)]
    assert held == []
    assert at.session_state[RUN_KEY].step_count == 1  # the previous run is kept
    assert "dataset" not in at.query_params or at.query_params["dataset"] == "custom"


def test_a_preset_starts_playing_with_a_panel_that_stays_until_closed():
    at = app()
    click(at, "playground.preset.minimax_stalls")
    preset = PRESETS["minimax_stalls"]
    assert at.session_state[PLAYING_KEY]
    assert at.session_state[RUN_KEY].config == preset.config
    assert at.session_state[RUN_KEY].population.eval_every == preset.eval_every
    panel = " ".join(m.value for m in at.markdown)
    assert preset.title in panel and preset.look_for in panel
    at.run()  # still open on the next run
    assert preset.look_for in " ".join(m.value for m in at.markdown)
    click(at, "playground.preset_close")
    assert preset.look_for not in " ".join(m.value for m in at.markdown)


def test_over_budget_settings_are_refused_with_the_limit_and_the_run_is_kept():
    at = app()
    at.select_slider(key="hidden").set_value(512).run()  # within the budget: a new run
    click(at, "playground.step")
    at.select_slider(key="batch_size").set_value(2048).run()  # 16x the cost: over it
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "limit" in errors and "previous run is kept" in errors
    run = at.session_state[RUN_KEY]
    assert run.step_count == 1 and run.config.batch_size == TrainConfig().batch_size
    assert at.select_slider(key="batch_size").value == run.config.batch_size  # shows the run


def test_averaged_generator_toggle_applies_to_the_running_game():
    at = app()
    click(at, "playground.step")
    at.toggle(key="ema").set_value(True).run()
    run = at.session_state[RUN_KEY]
    assert run.step_count == 1 and run.config.g_ema == 0.999
    # the link keeps the start and says when it changed
    assert "g_ema" not in at.query_params and at.query_params["changes"] == "1:g_ema=0.999"
    click(at, "playground.step")
    names = [t["name"] for t in figure(at, "playground.landscape")["data"]]
    assert "averaged G(z)" in names


def test_a_run_left_playing_without_a_click_pauses_itself():
    at = app()
    click(at, "playground.play")
    at.session_state[ACTIVE_KEY] = time.monotonic() - PLAY_WITHOUT_ACTION - 1
    steps = at.session_state[RUN_KEY].step_count
    at.run()  # a tick with nobody having clicked for longer than the limit
    assert not at.session_state[PLAYING_KEY]
    assert at.session_state[RUN_KEY].step_count == steps
    assert any("without a click" in e.value for e in at.error)
    click(at, "playground.play")  # Play goes on
    assert at.session_state[PLAYING_KEY] and at.session_state[RUN_KEY].step_count > steps


def test_a_link_carries_custom_points_and_too_many_are_offered_as_a_file():
    from playground.point_codec import encode_points

    points = ((0.25, 0.5), (-1.0, 2.0), (1.5, -0.75))
    at = app(dataset="custom", custom_points=encode_points(points))
    assert at.session_state[RUN_KEY].config.custom_points == points
    assert not at.warning  # nothing refused
    assert any("carries your 3 points" in c.value for c in at.caption)
    assert any("Train a few steps" in c.value for c in at.caption)  # one frame: nothing to animate
    run = at.session_state[RUN_KEY]
    run.advance(30)
    at.session_state[REPLAY_KEY].offer(run)
    at.run()
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Replay (animated GIF)", "Replay (interactive HTML)"} <= labels
    many = tuple((float(x), float(x) / 7) for x in np.linspace(-3, 3, 3000))  # full precision
    at.get("file_uploader")[0].set_value(
        ("many.csv", "\n".join(f"{x!r},{y!r}" for x, y in many).encode(), "text/csv")).run()
    assert at.session_state[RUN_KEY].config.custom_points == many
    assert "custom_points" not in at.query_params
    assert any("too many for a link" in w.value for w in at.warning)
    assert "Points (CSV)" in {b.proto.label for b in at.get("download_button")}


def test_the_loss_selector_offers_every_loss_and_wgan_gp_its_papers_settings():
    from playground import catalog

    at = app(hidden="16", depth="1", batch_size="32")
    assert tuple(at.selectbox(key="loss").options) == tuple(map(catalog.label, catalog.NAMES))
    at.selectbox(key="loss").set_value("wgan_gp").run()
    assert not at.exception, at.exception
    assert at.session_state[RUN_KEY].config.loss == "wgan_gp"
    at.button(key="playground.recommended").click().run()
    cfg = at.session_state[RUN_KEY].config
    assert (cfg.loss, cfg.d_steps, cfg.beta1, cfg.beta2) == ("wgan_gp", 5, 0.0, 0.9)
    assert at.query_params["d_steps"] == "5" and at.query_params["beta1"] == "0.0"
