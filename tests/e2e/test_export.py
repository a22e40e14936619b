"""Things to take away, in a real browser: the replay's HTML file opens and animates with the
network blocked, and a figure's toolbar saves a PNG at 3x its size on screen, points included
(the plot component draws them on a canvas of its own, which plotly's own PNG would leave out)."""

from __future__ import annotations

import base64
import struct

from playwright.sync_api import Page, expect

from playground.animation import frame_text
from playground.config import TrainConfig
from playground.data import make_dataset
from playground.figures.animation import replay_figure, to_html
from playground.figures.live import FAKE_COLOR
from playground.training import train
from tests.e2e.conftest import LAST_FAKE_IN_PLOT, rgb


def test_replay_html_opens_and_plays_with_no_network(page: Page, tmp_path) -> None:
    cfg = TrainConfig(hidden=16, batch_size=32)
    result = train(cfg, 40, eval_every=10, frames=5)
    frames = [(s, frame_text(result.history, 8, s.step, None)) for s in result.frames]
    path = tmp_path / "replay.html"
    path.write_text(to_html(replay_figure(frames, make_dataset(cfg).bounds, "offline")))
    requested = []

    def block(route):
        requested.append(route.request.url)
        route.abort()

    page.context.route("http*://**/*", block)  # every request off the machine fails
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout",
                           timeout=60_000)
    assert page.evaluate("() => document.querySelector('.js-plotly-plot')"
                         "._transitionData._frames.length") == 5
    expect(page.locator(".gtitle")).to_contain_text("step 0")
    page.get_by_text("Play", exact=True).click()
    expect(page.locator(".gtitle")).to_contain_text("step 40", timeout=30_000)
    assert requested == []


def test_a_figure_toolbar_saves_a_png_at_three_times_its_size(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    plot = page.locator("div.playground-plot").first
    plot.locator(".main-svg").first.wait_for(timeout=120_000)
    width = plot.evaluate("d => d.getBoundingClientRect().width")
    plot.hover()
    with page.expect_download(timeout=60_000) as info:
        plot.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    data = open(info.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    png_width = struct.unpack(">I", data[16:20])[0]
    assert abs(png_width - 3 * width) <= 3
    # the fake points are in it: the PNG's pixel at the centre of the last fake point (drawn on
    # top of the others) is its colour (the background there is D's heatmap, near white at
    # step 0)
    x, y = plot.evaluate(LAST_FAKE_IN_PLOT)
    pixel = page.evaluate("""async ([url, x, y]) => {
        const image = new Image();
        image.src = url;
        await image.decode();
        const c = document.createElement('canvas');
        c.width = image.width; c.height = image.height;
        const ctx = c.getContext('2d');
        ctx.drawImage(image, 0, 0);
        return [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    }""", ["data:image/png;base64," + base64.b64encode(data).decode(), round(3 * x), round(3 * y)])
    fake = rgb(FAKE_COLOR)
    assert all(abs(a - b) < 30 for a, b in zip(pixel, fake)), (pixel, fake)
