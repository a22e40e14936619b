"""The three theory pages under AppTest: they render, react to their widgets, and link to the
Playground with presets that exist.

Pages are reached through app.py (legacy `pages/` discovery): the sidebar's st.page_link("app.py")
only resolves when app.py is the entry point, so a page run as its own entry point would fail."""

import base64
import json
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground import GANRun, TrainConfig
from playground.presets import PRESETS
from playground.ui.session import RUN_KEY

APP = "../app.py"  # relative to this file
PAGES = ("saturation", "optimal_d", "dirac")
LINKED_PRESETS = ("minimax_stalls", "ns_r1_converges", "grid_collapse", "grid_r1")


def open_page(name: str, *, drop: tuple[str, ...] = (), **state) -> AppTest:
    """Run the Playground, adjust the session state, then switch to the page (same session)."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    for key in drop:
        del at.session_state[key]
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart(at: AppTest, key: str) -> dict:
    """A plotly chart's figure, read through its JSON spec."""
    return json.loads(at.get_by_key(key).proto.spec)


def array(encoded) -> np.ndarray:
    """A numpy array plotly sent as a typed array ({"dtype": "f4", "bdata": base64})."""
    if isinstance(encoded, list):
        return np.asarray(encoded, dtype=float)
    return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])


@pytest.fixture(scope="module")
def app_hash() -> str:
    """The script hash of the Playground page, which every preset link must point at."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/saturation.py").run()
    nav = [link.proto for link in at.sidebar.get("page_link")]
    return next(p.page_script_hash for p in nav if p.label == "Playground")


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_with_formulas_figures_and_preset_links(name, app_hash):
    at = open_page(name)
    assert at.get("latex") and at.get("plotly_chart")
    # every figure's toolbar camera saves at 3x, as the README says of any figure
    scales = [json.loads(c.proto.config).get("toImageButtonOptions", {}).get("scale")
              for c in at.get("plotly_chart")]
    assert scales == [3] * len(scales), scales
    links = [link.proto for link in at.main.get("page_link")]
    presets = [parse_qs(p.query_string).get("preset", [None])[0] for p in links]
    assert presets and set(presets) <= set(LINKED_PRESETS) <= set(PRESETS), presets
    assert all(p.page_script_hash == app_hash for p in links)


@pytest.mark.parametrize("name", PAGES)
def test_with_a_trained_run_preset_links_open_a_new_tab(name):
    run = GANRun(TrainConfig(hidden=16, depth=2, batch_size=32, device="cpu"))
    run.advance(3)
    at = open_page(name, **{RUN_KEY: run})
    assert not at.main.get("page_link")
    buttons = [b.proto for b in at.main.get("link_button")]
    assert buttons and all(b.url.startswith("./?preset=") for b in buttons)
    assert {b.url.removeprefix("./?preset=") for b in buttons} <= set(LINKED_PRESETS)
    assert any("new tab" in c.value and "step 3" in c.value for c in at.caption)
    assert at.session_state[RUN_KEY] is run and run.step_count == 3


@pytest.mark.parametrize("name", LINKED_PRESETS)
def test_preset_link_opens_the_playground_with_that_preset(name):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["preset"] = name  # what st.page_link(..., query_params=...) puts in the URL
    at.run()
    assert not at.exception, at.exception
    cfg = PRESETS[name].config
    assert at.session_state[RUN_KEY].config == cfg
    for widget in ("dataset", "loss", "optimizer", "d_steps", "lr_g", "lr_d"):
        assert at.session_state[widget] == getattr(cfg, widget), widget
    # R1 is a toggle plus a strength, which keeps its last value while the toggle is off
    assert at.session_state["r1"] == (cfg.r1_gamma > 0)
    if cfg.r1_gamma > 0:
        assert at.session_state["r1_gamma"] == cfg.r1_gamma


SATURATION_CHARTS = ("saturation.losses", "saturation.gradients", "saturation.ratio")


def test_saturation_without_a_run_says_where_to_train_one():
    at = open_page("saturation", drop=(RUN_KEY,))
    assert "Train a run with the minimax or non-saturating loss" in at.info[0].value
    traces = [t for key in SATURATION_CHARTS for t in chart(at, key)["data"]]
    assert not [t for t in traces if t.get("name", "").startswith("your run")]


def test_saturation_draws_every_loss_on_ds_raw_output():
    from playground.catalog import LOSSES

    at = open_page("saturation")
    names = {t["name"] for t in chart(at, "saturation.outputs")["data"]}
    assert names == {info.label for info in LOSSES.values()}


def test_saturation_slider_reads_off_the_ratio_and_marks_it_on_every_curve():
    at = open_page("saturation")
    at.slider(key="saturation.log_d").set_value(-4.0).run()
    assert metric(at, "minimax |∂/∂l|  = D") == "0.0001"
    assert float(metric(at, "ratio (1 − D)/D")) == pytest.approx(9999, rel=1e-3)
    for key, expected in zip(SATURATION_CHARTS, ([np.log1p(-1e-4), -np.log(1e-4)],
                                                 [1e-4, 1 - 1e-4], [(1 - 1e-4) / 1e-4])):
        fig = chart(at, key)
        dots = [t for t in fig["data"] if t.get("mode") == "markers"]
        assert [array(t["x"])[0] for t in dots] == pytest.approx([1e-4] * len(expected))
        assert [array(t["y"])[0] for t in dots] == pytest.approx(expected, rel=1e-6)
        assert [s["x0"] for s in fig["layout"]["shapes"]] == pytest.approx([1e-4])
        # powers of ten, not plotly's SI prefixes ("100µ")
        assert "10⁻⁴" in fig["layout"]["xaxis"]["ticktext"]


def test_saturation_overlays_the_live_run():
    run = GANRun(TrainConfig(hidden=16, depth=2, batch_size=32, device="cpu"))
    run.advance(3)
    at = open_page("saturation", **{RUN_KEY: run})
    assert not at.info
    traces = chart(at, "saturation.gradients")["data"]
    hist = [t for t in traces if t.get("name", "").startswith("your run")]
    assert len(hist) == 1


def test_optimal_d_disjoint_uniform_supports_give_log_2():
    at = open_page("optimal_d")
    at.radio(key="optd.shape").set_value("uniform")
    at.slider(key="optd.scale").set_value(0.5)
    at.slider(key="optd.g_center").set_value(5.0).run()  # data on [-2.5, 2.5], fakes on [4, 6]
    assert not at.exception
    jsd, value = metric(at, "JSD(p_data ‖ p_g)"), metric(at, "C(G) = V(D*, G)")
    assert float(jsd) == pytest.approx(np.log(2), abs=1e-5)
    assert float(value) == pytest.approx(0.0, abs=1e-5)


def test_optimal_d_draws_a_trained_discriminator_beside_d_star():
    at = open_page("optimal_d")
    before = len(chart(at, "optd.densities")["data"])
    at.toggle(key="optd.trained").set_value(True).run()
    assert len(chart(at, "optd.densities")["data"]) == before + 1


def test_dirac_r1_converges_and_eigenvalues_agree():
    at = open_page("dirac")
    assert float(metric(at, "final distance to (0, 0)")) > 1.4  # γ = 0: spirals out
    at.slider(key="dirac.r1").set_value(0.5).run()
    assert float(metric(at, "final distance to (0, 0)")) < 1e-3
    table = at.table[0].value
    assert list(table.iloc[:, 0]) == list(table.iloc[:, 1])
    assert table.iloc[0, 0] == "-0.250000 − 0.433013 i"


def test_dirac_typed_start_point_starts_the_trajectory():
    at = open_page("dirac")
    at.number_input(key="dirac.start0").set_value(-2.0)
    at.radio(key="dirac.scheme").set_value("alternating").run()
    path = next(t for t in chart(at, "dirac.chart")["data"] if t.get("name") == "alternating")
    x, y = array(path["x"]), array(path["y"])
    assert (x[0], y[0]) == (-2.0, 1.0)
    assert len(x) == 501  # the start and one point per step


def test_optimal_d_draws_your_points_as_the_data():
    from playground.ui.session import CUSTOM_KEY

    points = tuple((float(x), 0.0) for x in np.linspace(-3, 3, 500))
    at = open_page("optimal_d", **{CUSTOM_KEY: points})
    def jsd_2d() -> str:  # the 2D tab's, after the 1D tab's
        return [m.value for m in at.metric if m.label == "JSD(p_data ‖ p_g)"][-1]

    ring = jsd_2d()
    at.radio(key="optd2.source").set_value("your points").run()
    assert not at.exception, at.exception
    assert jsd_2d() != ring
    assert any("Your 500 points" in c.value for c in at.caption)


def test_optimal_d_2d_uses_the_playgrounds_colours_for_d():
    from playground.figures.live import D_COLORSCALE

    at = open_page("optimal_d")
    heatmap = next(t for t in chart(at, "optd2.map")["data"] if t["type"] == "heatmap")
    assert [list(c) for c in heatmap["colorscale"]] == [list(c) for c in D_COLORSCALE]
