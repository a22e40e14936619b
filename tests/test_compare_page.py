"""The Compare page under AppTest: it renders, and a tiny comparison trains to the end and
shows its tables, sample grid and curves.

Reached through app.py (legacy `pages/` discovery): the sidebar's st.page_link("app.py") only
resolves when app.py is the entry point, so `AppTest.from_file("../pages/compare.py")` alone
would fail in render_nav. Timers don't tick in AppTest: each `.run()` is one fragment tick."""

import json

from streamlit.testing.v1 import AppTest

from playground.budget import MAX_STEP_COST
from playground.presets import COMPARISONS, DEFAULT_COMPARISON
from playground.ui.compare import (
    RUNNING_KEY,
    SWEEP_KEY,
    VARIANTS,
    card_keys,
    default_keys,
)
from playground.ui.text import escape

APP = "../app.py"  # relative to this file

# 2 variants x 2 seeds, 100 steps of a small network: a few ticks of TRAIN_SECONDS
TINY = {"cmp_variants": ["nonsaturating", "nonsaturating+r1=0.1"], "cmp_seeds": 2, "cmp_steps": 100,
        "cmp_hidden": 16, "cmp_batch_size": 32}


def open_compare(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    return at


def train_to_the_end(at: AppTest):
    """Press Train and tick until the sweep is done (one tick per `.run()`); the sweep."""
    at.button(key="compare.train").click().run()
    for _ in range(40):
        if not at.session_state[RUNNING_KEY]:
            break
        at.run()
    assert not at.exception, at.exception
    return at.session_state[SWEEP_KEY]


def test_page_opens_on_the_default_comparison():
    at = open_compare()
    assert at.title[0].value.startswith("Compare losses")
    default = COMPARISONS[DEFAULT_COMPARISON]
    assert at.selectbox(key="cmp_dataset").value == default.base.dataset
    assert at.multiselect(key="cmp_variants").value == default_keys(default.base.dataset)
    assert at.slider(key="cmp_seeds").value == default.seeds
    assert at.button(key="compare.train")
    assert SWEEP_KEY not in at.session_state
    assert "press **Train**" in at.info[0].value


def test_the_widgets_describe_the_default_comparison_exactly():
    # what Train trains with the page's defaults is the comparison the README measured
    default = COMPARISONS[DEFAULT_COMPARISON]
    at = open_compare()
    at.button(key="compare.train").click().run(timeout=120)
    sweep = at.session_state[SWEEP_KEY]
    at.button(key="compare.stop").click().run(timeout=120)
    assert sweep.steps == default.steps and sweep.eval_every == default.eval_every
    expected = [default.base.replace(**v, seed=s) for v in default.variants
                for s in range(default.seeds)]
    assert [c.config for c in sweep.cells] == expected


def test_dataset_changes_the_default_gamma():
    at = open_compare()
    at.selectbox(key="cmp_dataset").set_value("ring8").run()
    assert at.multiselect(key="cmp_variants").value == default_keys("ring8")
    assert "nonsaturating+r1=0.1" in default_keys("ring8")
    at.button(key="compare.card").click().run()
    assert at.multiselect(key="cmp_variants").value == card_keys("ring8")
    at.selectbox(key="cmp_dataset").set_value("grid25").run()
    assert at.multiselect(key="cmp_variants").value == card_keys("grid25")


def test_tiny_comparison_runs_to_completion():
    at = open_compare(**TINY)
    sweep = train_to_the_end(at)
    assert sweep.done and sweep.steps_done == 100
    summary, differences = (table.value for table in at.table)
    assert list(summary["variant"]) == ["NS", "NS + R1 γ=0.1"]
    assert "modes captured ↑" in summary.columns and "sliced W1 ↓" in summary.columns
    assert "pair (b vs a)" not in differences  # one pair: named in the heading instead
    assert "Paired differences: NS + R1 γ=0.1 vs NS" in [h.value for h in at.subheader]
    assert len(differences) == 5  # one row per metric
    readings = {"NS better", "NS + R1 γ=0.1 better", "no clear difference", "needs 2+ seeds"}
    assert set(differences["reading"]) <= readings
    for variant in range(2):  # one figure of seed panels per variant, a panel per seed
        panels = figure(at, f"compare.samples.{variant}")
        assert len([t for t in panels["data"] if t["type"] == "scattergl"]) == 2
    assert "high-quality" in figure(at, "compare.curve.high_quality")["layout"]["title"]["text"]
    assert "Done" in at.get("progress")[0].proto.text
    assert "100 of 100" in at.get("progress")[0].proto.text
    headline = (at.success or at.info)[0].value
    assert "NS + R1 γ=0.1" in headline and "NS" in headline


def figure(at: AppTest, key: str) -> dict:
    """The plotly figure a live plot (playground.ui.plot) was last given."""
    return json.loads(json.loads(at.get_by_key(key).proto.json)["figure"])


def test_shared_url_restores_the_settings():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.query_params["cmp_dataset"] = "grid25"
    at.query_params["cmp_seeds"] = "3"
    at.query_params["cmp_steps"] = "10000"
    at.query_params["cmp_g_ema"] = "off"
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="cmp_dataset").value == "grid25"
    assert at.slider(key="cmp_seeds").value == 3
    assert at.select_slider(key="cmp_steps").value == 10000
    assert at.select_slider(key="cmp_g_ema").value == 0
    assert at.multiselect(key="cmp_variants").value == default_keys("grid25")


def test_the_url_holds_the_variants_by_their_engine_names():
    at = open_compare()
    assert "cmp_variants" not in at.query_params  # the default comparison: a short link
    at.multiselect(key="cmp_variants").set_value(["minimax", "hinge+r2=1"]).run()
    assert not at.exception, at.exception
    assert at.query_params["cmp_variants"] == ["minimax", "hinge+r2=1"]
    shown = at.multiselect(key="cmp_variants")
    assert [shown.format_func(k) for k in shown.value] == ["minimax", "hinge + R2 γ=1"]


def test_a_link_with_engine_names_or_the_old_labels_opens_those_variants():
    for values in (["minimax", "nonsaturating+r1=1"], ["minimax", "NS + R1 γ=1"]):
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.query_params["cmp_variants"] = [*values, "no such variant"]
        at.switch_page("pages/compare.py").run()
        assert not at.exception, at.exception
        assert at.multiselect(key="cmp_variants").value == ["minimax", "nonsaturating+r1=1"]


def test_no_variant_is_an_error_not_a_crash():
    at = open_compare(cmp_variants=[])
    at.button(key="compare.train").click().run()
    assert not at.exception, at.exception
    assert "at least one" in at.error[0].value
    assert SWEEP_KEY not in at.session_state


def test_a_comparison_over_the_compute_budget_says_the_limit_and_trains_nothing():
    # the hostile comparison: every variant, 16 seeds, batch 512, width 256, 10 D steps
    at = open_compare(cmp_variants=list(VARIANTS), cmp_seeds=16, cmp_batch_size=512,
                      cmp_hidden=256, cmp_d_steps=10)
    at.button(key="compare.train").click().run()
    assert not at.exception, at.exception
    assert "limit of " + escape(f"{MAX_STEP_COST:.2e}") in at.error[0].value
    assert SWEEP_KEY not in at.session_state and RUNNING_KEY not in at.session_state


def test_custom_points_from_a_link_train_every_variant_on_them():
    from playground.point_codec import encode_points

    points = ((0.0, 0.0), (1.5, 1.5), (-1.5, 1.0), (2.0, -1.0))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.query_params["cmp_dataset"] = "custom"
    at.query_params["cmp_points"] = encode_points(points)
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert any("4 points" in c.value for c in at.caption)
    for key, value in TINY.items():
        at.session_state[key] = value
    sweep = train_to_the_end(at)
    assert sweep.done and {c.config.custom_points for c in sweep.cells} == {points}
    summary = at.table[0].value
    assert "modes captured ↑" not in summary.columns and "grid JS ↓" in summary.columns
    assert "--dataset custom --points points.csv" in at.code[0].value
    assert {b.proto.label for b in at.get("download_button")} >= {
        "Replay (animated GIF)", "Replay (interactive HTML)", "Points (CSV)"}
    assert any("top right: grid JS" in c.value for c in at.caption)


def test_custom_dataset_without_points_says_where_to_get_them():
    at = open_compare(cmp_dataset="custom")
    assert any("No points yet" in c.value for c in at.caption)
    at.button(key="compare.train").click().run()
    assert not at.exception, at.exception
    assert "No points to train on" in at.error[0].value
