"""Drawing your own data in a real browser: the canvas turns clicks and brush strokes into
points, Train on these points starts a run on exactly them, and the link carries them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.point_codec import decode_points


def _choose(page: Page, dialog, name: str) -> None:
    """Picks `name` in the dialog's selectbox. A rerun that lands between the click and the
    menu (the canvas reports its points once mounted; a slow machine stretches that) re-renders
    the selectbox and closes its menu, as it would for a user, who clicks again: so does this,
    whether the menu closed before its option showed or between showing it and the click (seen
    once in CI beside two busy jobs)."""
    option = page.get_by_role("option", name=name)
    for _ in range(6):
        dialog.get_by_role("combobox").first.click()
        try:
            option.wait_for(timeout=10_000)
            option.click(timeout=10_000)
        except PlaywrightTimeout:
            continue
        return
    raise AssertionError(f"the selectbox never showed {name!r}")


def test_drawn_points_train_and_travel_in_the_link(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    expect(page.locator(".st-key-playground-status")).to_contain_text("Step 0", timeout=120_000)
    page.get_by_role("button", name="Draw points").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Start from").wait_for(timeout=30_000)
    canvas = dialog.locator("canvas.draw")
    expect(canvas).to_have_attribute("data-points", re.compile(r"[1-9]"), timeout=30_000)
    # start from an empty canvas, then size 0: every click is exactly one point
    _choose(page, dialog, "empty canvas")
    dialog.get_by_role("button", name="Load").click()
    expect(canvas).to_have_attribute("data-points", "0", timeout=30_000)
    dialog.locator("input.size").fill("0")
    box = canvas.bounding_box()
    clicks = [(0.25, 0.25), (0.75, 0.25), (0.5, 0.75)]
    for fx, fy in clicks:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    expect(dialog.get_by_text("3 points")).to_be_visible()
    # a brush stroke sprays more points; the eraser then removes those near its path
    dialog.locator("input.size").fill("0.2")
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.5 * box["height"])
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + (0.2 + 0.06 * i) * box["width"],
                        box["y"] + 0.5 * box["height"])
    page.mouse.up()
    sprayed = int(dialog.locator(".count").inner_text().split()[0].replace(",", ""))
    assert sprayed > 13
    page.get_by_text("Undo").click()  # back to the three clicked points
    expect(dialog.get_by_text("3 points")).to_be_visible()
    dialog.get_by_text("Eraser", exact=True).click()  # erase the first point, then undo that too
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.25 * box["height"])
    expect(dialog.get_by_text("2 points")).to_be_visible()
    page.get_by_text("Undo").click()
    expect(dialog.get_by_text("3 points")).to_be_visible()
    dialog.get_by_role("button", name="Train on these points").click()
    expect(dialog).to_have_count(0, timeout=30_000)
    page.wait_for_function("() => location.search.includes('custom_points=')", timeout=30_000)
    params = parse_qs(urlparse(page.url).query)
    assert params["dataset"] == ["custom"]
    view = 5.0  # the canvas shows [-5, 5]²; clicks land within a pixel of these values
    points = decode_points(params["custom_points"][0])
    assert len(points) == 3
    for (x, y), (fx, fy) in zip(points, clicks):
        assert abs(x - view * (2 * fx - 1)) < 0.05 and abs(y - view * (1 - 2 * fy)) < 0.05
    # the link reproduces the run in a fresh tab: same data, and the share box says so
    page.goto(page.url)
    expect(page.locator(".st-key-playground-status")).to_contain_text("Step 0", timeout=120_000)
    page.get_by_text("Share and export").click()
    expect(page.get_by_text("The link carries your 3 points")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
