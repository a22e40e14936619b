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


def _landscape(page: Page, app_url: str):
    page.goto(app_url)
    plot = page.locator("div.playground-plot").first
    plot.locator(".main-svg").first.wait_for(timeout=120_000)
    return plot


def _save_png(page: Page, plot) -> bytes:
    plot.hover()
    with page.expect_download(timeout=60_000) as info:
        plot.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    return open(info.value.path(), "rb").read()


def test_a_figure_toolbar_saves_a_png_at_three_times_its_size(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    plot = _landscape(page, app_url)
    width = plot.evaluate("d => d.getBoundingClientRect().width")
    data = _save_png(page, plot)
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


# Per column of a box (x, y, w, h in CSS pixels) of two images at 3x (the PNG, where the box is
# at 3 times its place, and a screenshot of the box itself): does it hold ink (a dark, opaque
# pixel)? Returns the last inked column of each and the share of columns on which they agree.
INK_COLUMNS = """async ([png, shot, box]) => {
    const load = async url => { const i = new Image(); i.src = url; await i.decode(); return i; };
    const [x, y, w, h] = box.map(v => Math.round(3 * v));
    const columns = (image, sx, sy) => {
        const c = document.createElement('canvas');
        c.width = w; c.height = h;
        const ctx = c.getContext('2d');
        ctx.drawImage(image, sx, sy, w, h, 0, 0, w, h);
        const d = ctx.getImageData(0, 0, w, h).data, ink = new Array(w).fill(false);
        for (let i = 0; i < w * h; i++) {
            const [r, g, b, alpha] = d.subarray(4 * i, 4 * i + 4);
            if (alpha > 128 && r + g + b < 384) ink[i % w] = true;
        }
        return ink;
    };
    const a = columns(await load(png), x, y), b = columns(await load(shot), 0, 0);
    return {last: [a.lastIndexOf(true), b.lastIndexOf(true)],
            agree: a.filter((v, i) => v === b[i]).length / w};
}"""


def test_the_png_writes_the_legend_in_the_page_font(browser, app_url: str) -> None:
    """An SVG drawn as an image loads no web font: plotly's own PNG wrote the legend in a wider
    fallback font, cut by the legend's clip ("× 0.3" came out "× 0"). The last legend entry in
    the PNG must end where it ends on screen (a screenshot at the PNG's 3x)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                  device_scale_factor=3)
    try:
        page = context.new_page()
        plot = _landscape(page, app_url)
        origin = plot.locator(".main-svg").first.bounding_box()
        text = plot.locator(".legendtext").last.bounding_box()
        # the entry's text and 10 pixels after it, where a wider font's text would go on
        box = [text["x"] - origin["x"] - 2, text["y"] - origin["y"] - 2, text["width"] + 10,
               text["height"] + 4]
        shot = page.screenshot(clip={"x": origin["x"] + box[0], "y": origin["y"] + box[1],
                                     "width": box[2], "height": box[3]})
        png = _save_png(page, plot)
        found = page.evaluate(INK_COLUMNS, [
            "data:image/png;base64," + base64.b64encode(png).decode(),
            "data:image/png;base64," + base64.b64encode(shot).decode(), box])
    finally:
        context.close()
    png_end, screen_end = found["last"]
    assert screen_end > 0 and abs(png_end - screen_end) <= 9, found
    assert found["agree"] > 0.75, found
