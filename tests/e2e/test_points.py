"""The live plots' point clouds are drawn by the plot component on a 2D canvas, not with WebGL:
in a browser without WebGL (Chrome from version 139 on a machine without GPU acceleration, where
plotly's WebGL traces show only "WebGL is not supported") the landscape still shows its points,
a hover labels a fake point, the points follow a zoom, and the legend hides and shows a point
layer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from playground.figures.live import FAKE_COLOR, REAL_COLOR
from tests.e2e.conftest import LAST_FAKE_IN_PLOT, rgb

# Pixels of the landscape's points canvas close to a colour (-1: no canvas).
COUNT = """([r, g, b]) => {
    const c = document.querySelector('div.playground-plot canvas.playground-points');
    if (!c || !c.width) return -1;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
        n += d[i + 3] > 100 && Math.abs(d[i] - r) < 30 && Math.abs(d[i + 1] - g) < 30
             && Math.abs(d[i + 2] - b) < 30;
    return n;
}"""

# Where on the screen the landscape's last fake point is drawn.
LAST_FAKE = """() => {
    const gd = document.querySelector('div.playground-plot'), box = gd.getBoundingClientRect();
    const [x, y] = (""" + LAST_FAKE_IN_PLOT + """)(gd);
    return [box.left + x, box.top + y];
}"""

# The points canvas's colour where the last fake point is drawn (after a zoom too).
AT_LAST_FAKE = """() => {
    const gd = document.querySelector('div.playground-plot');
    const c = gd.querySelector('canvas.playground-points');
    const [x, y] = (""" + LAST_FAKE_IN_PLOT + """)(gd), dpr = c.width / gd._fullLayout.width;
    const d = c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
    return [d[0], d[1], d[2], d[3]];
}"""


@pytest.fixture
def page_without_webgl(playwright, browser_type_launch_args):
    args = [*browser_type_launch_args["args"], "--disable-webgl", "--disable-3d-apis"]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    yield browser.new_page(viewport={"width": 1440, "height": 1000})
    browser.close()


def test_points_show_hover_hide_and_follow_a_zoom_without_webgl(
    page_without_webgl, app_url: str
) -> None:
    page = page_without_webgl
    page.goto(app_url)
    assert page.evaluate("() => !document.createElement('canvas').getContext('webgl')")
    fake, real = rgb(FAKE_COLOR), rgb(REAL_COLOR)
    # at step 0 the fakes are one small clump near the origin, the real points eight
    page.wait_for_function(f"() => ({COUNT})({fake}) >= 5 && ({COUNT})({real}) > 50",
                           timeout=120_000, polling=250)
    landscape = page.locator("div.playground-plot").first
    expect(landscape).not_to_contain_text("WebGL")

    x, y = page.evaluate(LAST_FAKE)
    page.mouse.move(x, y)
    expect(landscape.locator("div.playground-hover")).to_contain_text("G(z)=(", timeout=10_000)
    page.mouse.move(5, 5)  # off the plot: the label goes
    expect(landscape.locator("div.playground-hover")).to_be_hidden(timeout=10_000)

    entry = landscape.locator(".legend .traces", has_text="fake G(z)").locator(".legendtoggle")
    entry.click()
    page.wait_for_function(f"() => ({COUNT})({fake}) == 0", timeout=30_000, polling=100)
    assert page.evaluate(COUNT, real) > 50  # the other layers stay
    entry.click()
    page.wait_for_function(f"() => ({COUNT})({fake}) >= 5", timeout=30_000, polling=100)

    # zoomed in, the points are drawn where the axes now put them
    landscape.evaluate("gd => Plotly.relayout(gd, {'xaxis.range': [-1, 1], "
                       "'yaxis.range': [-1, 1]})")
    page.wait_for_function(f"() => {{ const [r, g, b, a] = ({AT_LAST_FAKE})(); "
                           f"return a > 100 && Math.abs(r - {fake[0]}) < 30 "
                           f"&& Math.abs(g - {fake[1]}) < 30 && Math.abs(b - {fake[2]}) < 30; }}",
                           timeout=30_000, polling=100)
    assert landscape.evaluate("gd => gd._fullLayout.xaxis.range[1]") == 1
