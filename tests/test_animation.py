"""The animated replay: frame count, size bound, headers, and that recording frames changes
nothing in training."""

import io

import numpy as np
from PIL import Image

from playground.animation import (
    MAX_FRAMES,
    MAX_GIF_BYTES,
    frame_text,
    panels_gif,
    replay_gif,
    spread_frames,
    verdict_at,
)
from playground.config import TrainConfig
from playground.data import make_dataset
from playground.figures.animation import MAX_HTML_BYTES, panels_figure, replay_figure, to_html
from playground.training import train

CFG = TrainConfig(hidden=32, batch_size=64)


def frames_of(result):
    n_modes = make_dataset(result.config).n_modes
    return [(s, frame_text(result.history, n_modes, s.step, None)) for s in result.frames]


def test_recording_frames_changes_nothing_and_spreads_them_over_the_run():
    plain = train(CFG, 130, eval_every=20)
    recorded = train(CFG, 130, eval_every=20, frames=14)
    for name, column in plain.history.steps.items():
        np.testing.assert_array_equal(column, recorded.history.steps[name], err_msg=name)
    steps = [s.step for s in recorded.frames]
    assert steps[0] == 0 and steps[-1] == 130 and steps == sorted(set(steps))
    assert len(steps) == 14 and plain.frames == ()


def test_gif_has_one_frame_per_snapshot_up_to_the_bound_and_stays_under_3_mb():
    result = train(CFG, 300, eval_every=10, frames=MAX_FRAMES + 1)
    frames = frames_of(result)
    assert len(frames) == MAX_FRAMES + 1
    data = replay_gif(frames, make_dataset(CFG).bounds, "test")
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == MAX_FRAMES  # spread down to the bound
    assert len(data) < MAX_GIF_BYTES
    few = replay_gif(frames[:5], make_dataset(CFG).bounds, "test")
    assert Image.open(io.BytesIO(few)).n_frames == 5


def test_headers_give_the_step_losses_and_the_verdict_of_that_moment():
    result = train(CFG, 100, eval_every=10)
    n_modes = make_dataset(CFG).n_modes
    text = frame_text(result.history, n_modes, 40, None)
    steps = result.history.steps
    assert text.g_loss == steps["g_loss"][list(steps["step"]).index(40)]
    assert "step 40" in text.line() and text.verdict in text.line().replace(" ", "_")
    assert verdict_at(result.history, n_modes, 15, None) == "training"  # 1 evaluation so far
    assert verdict_at(result.history, n_modes, 50, 30) == "diverged"


def test_spread_frames_keeps_the_ends():
    assert spread_frames(list(range(200)), 60)[::59] == [0, 199]
    assert spread_frames([1, 2, 3], 60) == [1, 2, 3]


def test_html_of_60_frames_stays_under_10_mb():
    result = train(CFG, 59, eval_every=20, frames=MAX_FRAMES)
    assert len(result.frames) == MAX_FRAMES
    html = to_html(replay_figure(frames_of(result), make_dataset(CFG).bounds, "bound"))
    assert len(html.encode()) < MAX_HTML_BYTES


def test_html_holds_every_frame_and_plotly_itself():
    result = train(CFG, 60, eval_every=20, frames=7)
    fig = replay_figure(frames_of(result), make_dataset(CFG).bounds, "test")
    assert len(fig.frames) == 7 and len(fig.layout.sliders[0].steps) == 7
    html = to_html(fig)
    assert "<script src=" not in html and "Plotly.newPlot" in html  # inlined, no CDN
    pts = [np.zeros((5, 2)), np.ones((5, 2))]
    panels = panels_figure([(0, pts), (10, pts)], ["a", "b"], np.zeros((3, 2)), (-1, 1, -1, 1),
                           [["x", "y"], ["x", "y ✓"]])
    assert len(panels.frames) == 2 and len(panels.frames[0].data) == 4
    gif = panels_gif([(0, pts), (10, pts)], ["a", "b"], np.zeros((3, 2)), (-1, 1, -1, 1))
    assert Image.open(io.BytesIO(gif)).n_frames == 2


def test_a_critic_is_coloured_around_its_own_centre():
    from playground.animation import landscape_pixels, shown_range
    from playground.figures.live import d_scale

    cfg = CFG.replace(loss="wgan_gp")
    result = train(cfg, 20, eval_every=10, frames=3)
    snap = result.frames[-1]
    lo, hi, mid = shown_range(snap)
    assert lo < mid < hi
    scale = d_scale(snap)  # the live view's colours are the GIF's
    assert (scale.lo, scale.hi, scale.mid) == (lo, hi, mid)
    inside = np.abs(snap.d_grid - mid) <= (hi - mid)
    assert inside.mean() > 0.94  # about 95% of the grid in range, as in the live view
    pixels = landscape_pixels(snap, make_dataset(cfg).bounds, 64)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10  # not one flat colour
    assert replay_gif(frames_of(result), make_dataset(cfg).bounds, "critic")[:6] == b"GIF89a"


def test_step_zero_has_no_losses_to_show():
    result = train(CFG, 5, eval_every=0)
    text = frame_text(result.history, 8, 0, None)
    assert "D loss –" in text.line() and "G loss –" in text.line()


def test_labels_the_gif_font_lacks_are_spelled_out():
    from playground.animation import _plain

    assert _plain("NS + R1 γ=0.1 ✓") == "NS + R1 gamma=0.1 (converged)"
    assert _plain("D loss –").isascii()
