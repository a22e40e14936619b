"""The Playground's figure builders, without Streamlit: traces, float32 payloads, fixed axes,
arrow scale, subsampling, and a size budget per redraw."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import plotly.io as pio
import pytest

from playground.figures.live import (
    ARROW_CAP,
    ARROW_SCALE,
    LAYERS,
    MAX_CHART_POINTS,
    arrow_lines,
    charts_figure,
    landscape_caption,
    landscape_figure,
)
from playground.records import EVAL_FIELDS, STEP_FIELDS, Snapshot

BOUNDS = (-3.0, 3.0, -3.0, 3.0)


def snapshot(n: int = 512, grid: int = 64, loss: str = "nonsaturating") -> Snapshot:
    rng = np.random.default_rng(0)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    axis = np.linspace(-3, 3, grid, dtype=np.float32)
    return Snapshot(
        step=10, x_real=f32(n, 2), x_fake=0.5 * f32(n, 2), d_fake_raw=f32(n), g_grad=f32(n, 2),
        grid_x=axis, grid_y=axis, d_grid=rng.uniform(size=(grid, grid)).astype(np.float32),
        warp=f32(18, 41, 2), loss=loss,
    )


def history(steps: int, evals: int) -> tuple[dict, dict]:
    s = {f: np.linspace(0, 1, steps) for f in STEP_FIELDS}
    s["step"] = np.arange(1, steps + 1, dtype=np.float64)
    s["r1"] = np.full(steps, np.nan)
    e = {f: np.ones(evals) for f in EVAL_FIELDS}
    e["step"] = 100.0 * np.arange(1, evals + 1)
    return s, e


def test_landscape_has_every_layer_with_fixed_axes():
    fig = landscape_figure(snapshot(), BOUNDS, LAYERS)
    kinds = [t.type for t in fig.data]
    # point clouds as scattergl (the live plot draws them on a canvas), lines (the latent grid,
    # the arrows) in SVG
    assert kinds == ["heatmap", "contour", "scatter", "scattergl", "scattergl", "scatter"]
    heatmap, contour = fig.data[:2]
    np.testing.assert_array_equal(np.asarray(heatmap.z), np.round(snapshot().d_grid * 255))
    assert (heatmap.zmin, heatmap.zmax) == (0, 255) and (contour.zmin, contour.zmax) == (0, 1)
    assert contour.contours.start == contour.contours.end == 0.5  # the D = 1/2 line
    assert contour.contours.coloring == "none" and contour.showscale is False
    assert tuple(fig.layout.xaxis.range) == (-3.0, 3.0)
    assert tuple(fig.layout.yaxis.range) == (-3.0, 3.0)
    assert fig.layout.xaxis.autorange is False and fig.layout.yaxis.scaleanchor == "x"


def test_layers_can_be_hidden():
    fig = landscape_figure(snapshot(), BOUNDS, ["fake"])
    assert [t.name for t in fig.data] == ["fake G(z)"]
    assert landscape_figure(snapshot(), BOUNDS, []).data == ()


def test_arrays_travel_as_float32():
    spec = pio.to_json(landscape_figure(snapshot(), BOUNDS, LAYERS), validate=False)
    assert '"dtype":"f4"' in spec and '"dtype":"f8"' not in spec
    spec = pio.to_json(charts_figure(*history(300, 3), n_modes=8), validate=False)
    assert '"dtype":"f8"' not in spec


def test_arrows_keep_true_relative_length_at_one_scale():
    origins = np.zeros((3, 2), np.float32)
    vectors = np.array([[1.0, 0.0], [0.0, 0.01], [0.0, -1e-6]], np.float32)
    x, y, scale = arrow_lines(origins, vectors, span=6.0)
    assert scale == pytest.approx(ARROW_SCALE)
    tips = np.stack([x, y], 1).reshape(9, 3, 2)[:3, 1]  # shafts: origin, tip, NaN
    lengths = np.linalg.norm(tips, axis=1)
    np.testing.assert_allclose(lengths, [ARROW_SCALE, 0.01 * ARROW_SCALE, 1e-6 * ARROW_SCALE],
                               rtol=1e-4)
    # a huge gradient is capped, a zero one is a zero-length arrow (no NaN from 0 / 0)
    x, y, _ = arrow_lines(origins[:2], np.array([[1e6, 0], [0, 0]], np.float32), span=6.0)
    tips = np.stack([x, y], 1).reshape(6, 3, 2)[:2, 1]
    np.testing.assert_allclose(np.linalg.norm(tips, axis=1), [ARROW_CAP * 6.0, 0.0], atol=1e-6)


def test_arrow_label_states_the_scale_and_loss():
    fig = landscape_figure(snapshot(loss="minimax"), BOUNDS, ["G gradient"])
    assert fig.data[0].name == f"−∇x G loss (minimax) × {ARROW_SCALE:.2g}"


def test_non_finite_values_are_never_drawn_inside_the_view():
    snap = snapshot()
    snap.x_fake[0] = np.nan
    snap.d_grid[0, 0] = np.nan
    fig = landscape_figure(snap, BOUNDS, LAYERS)
    fake = next(t for t in fig.data if t.name == "fake G(z)")
    assert len(fake.x) == 511 and np.isfinite(np.asarray(fake.x)).all()
    assert math.isnan(np.asarray(fig.data[1].z)[0, 0])  # no D value shown for that cell


def test_fakes_outside_the_view_are_pinned_to_its_edge_and_counted():
    snap = snapshot()
    snap.x_fake[:3] = [[10.0, 0.0], [-0.5, -7.0], [1e30, 1.0]]
    fig = landscape_figure(snap, BOUNDS, ["fake"])
    inside, outside = fig.data
    assert len(inside.x) == 509
    assert outside.name == "fake outside the view (3)"
    edge = np.stack([outside.x, outside.y], 1)
    np.testing.assert_array_equal(edge, [[3.0, 0.0], [-0.5, -3.0], [3.0, 1.0]])
    assert "3 fakes lie outside the view" in landscape_caption(snap, BOUNDS, ["fake"])
    assert "outside" not in landscape_caption(snapshot(), BOUNDS, ["fake"])


def test_caption_describes_only_the_layers_shown():
    caption = landscape_caption(snapshot(), BOUNDS, ["fake", "G gradient"])
    assert caption.startswith("Step 10.")
    assert "Arrows" in caption and "Grey lines" not in caption and "D(x)" not in caption
    assert "Grey lines" in landscape_caption(snapshot(), BOUNDS, ["latent grid"])


def test_d_colour_bar_names_both_ends():
    bar = landscape_figure(snapshot(), BOUNDS, ["D(x) heatmap"]).data[0].colorbar
    assert list(bar.tickvals) == [0, 127.5, 255]  # D = 0, 1/2, 1 in the heatmap's byte levels
    assert bar.ticktext[0].endswith("fake") and bar.ticktext[-1].endswith("real")


def test_charts_name_the_step_axis_and_mark_a_replayed_step():
    fig = charts_figure(*history(300, 3), n_modes=8)
    assert fig.layout.xaxis5.title.text == "step" and fig.layout.xaxis6.title.text == "step"
    assert {tuple(fig.layout[f"xaxis{i}"].range) for i in ("", 2, 3, 4, 5, 6)} == {(0, 300)}
    assert not fig.layout.shapes
    marked = charts_figure(*history(300, 3), n_modes=8, cursor=120)
    assert len(marked.layout.shapes) == 6 and {s.x0 for s in marked.layout.shapes} == {120}


def test_charts_subsample_long_histories():
    fig = charts_figure(*history(200_000, 2_000), n_modes=25)
    d_loss = fig.data[0]
    assert len(d_loss.x) <= MAX_CHART_POINTS
    assert d_loss.x[0] == 1 and d_loss.x[-1] == 200_000  # first and last step kept
    for modes in [t for t in fig.data if t.name in ("modes", "% HQ")]:  # evaluations too
        assert len(modes.x) <= MAX_CHART_POINTS
        assert modes.x[0] == 100 and modes.x[-1] == 200_000
    assert tuple(fig.layout.yaxis5.range) == (0, 25.5)  # modes captured out of 25


def test_a_lazy_penalty_is_one_line_over_the_steps_that_computed_it():
    """Lazy R1 computes R1 every 4th step: the line joins those steps (no gaps between them),
    and it breaks where R1 was switched off for a while."""
    s, e = history(20_000, 200)
    s["r1"] = np.where(np.arange(20_000) % 4 == 0, 0.5, np.nan)
    s["r1"][8_000:12_000] = np.nan
    fig = charts_figure(s, e, n_modes=25)
    (r1,) = [t for t in fig.data if t.name.startswith("R1")]
    x, y = np.asarray(r1.x, dtype=float), np.asarray(r1.y, dtype=float)
    assert len(x) <= MAX_CHART_POINTS + 1 and x[0] == 1 and x[-1] == 19_997
    gap = np.flatnonzero(np.isnan(x))
    assert len(gap) == 1 and x[gap[0] - 1] <= 8_000 and x[gap[0] + 1] >= 12_001
    assert np.isnan(y[gap]).all() and (y[~np.isnan(x)] == 0.5).all()


def test_charts_without_modes_show_divergences():
    fig = charts_figure(*history(50, 1), n_modes=0)
    names = [t.name for t in fig.data]
    assert "JS" in names and "SWD" in names and "modes" not in names
    empty = charts_figure(*history(0, 0), n_modes=8)  # step 0: empty lines, no error
    assert len(empty.data[0].x) == 0


def test_redraw_payload_stays_small():
    land = pio.to_json(landscape_figure(snapshot(), BOUNDS, LAYERS), validate=False)
    charts = pio.to_json(charts_figure(*history(50_000, 500), n_modes=8), validate=False)
    assert len(land) + len(charts) < 150_000


def test_averaged_generator_is_drawn_when_the_run_keeps_one():
    snap = snapshot()
    assert "averaged G(z)" not in [t.name for t in landscape_figure(snap, BOUNDS, ["fake"]).data]
    avg = dataclasses.replace(snap, x_fake_avg=snap.x_fake + np.float32(0.1))
    names = [t.name for t in landscape_figure(avg, BOUNDS, ["fake"]).data]
    assert names == ["fake G(z)", "averaged G(z)"]
    assert "Orange rings" in landscape_caption(avg, BOUNDS, ["fake"])
    assert "Orange rings" not in landscape_caption(snap, BOUNDS, ["fake"])
