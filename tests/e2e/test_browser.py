"""The Playground in a real browser: Play advances the step counter and redraws the charts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

# points on the D-loss line of the charts figure (the last plotly chart on the page)
# 0 while the chart is being remounted (each redraw replaces it), so polls never throw
LOSS_POINTS = """() => {
    const plots = document.querySelectorAll('.js-plotly-plot');
    const last = plots[plots.length - 1];
    const x = last && last._fullData && last._fullData[0] && last._fullData[0].x;
    return x ? x.length : 0;  // decoded (the spec holds base64)
}"""


def wait_for_points(page: Page, more_than: int) -> int:
    """Wait until the charts hold more than `more_than` loss points; return how many."""
    handle = page.wait_for_function(
        f"() => {{ const n = ({LOSS_POINTS})(); return n > {more_than} ? n : 0; }}",
        timeout=30_000,
    )
    return handle.json_value()


def step_of(page: Page) -> int:
    text = page.locator(".st-key-playground-status").inner_text()
    return int(re.search(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def test_play_trains_and_redraws(page: Page, app_url: str) -> None:
    page.goto(app_url)
    status = page.locator(".st-key-playground-status")
    expect(status).to_contain_text("Step 0", timeout=60_000)
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    assert page.evaluate(LOSS_POINTS) == 0

    page.get_by_role("button", name="Play", exact=True).click()
    expect(status).not_to_contain_text("Step 0", timeout=30_000)
    first = step_of(page)
    points = wait_for_points(page, 0)
    wait_for_points(page, points)
    assert step_of(page) > first
    expect(charts).to_have_count(2)  # redrawn in place, not piled up

    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=30_000)
    # a training tick already in flight when Pause was pressed may still land: let it settle
    page.wait_for_timeout(1500)
    paused = step_of(page)
    page.wait_for_timeout(1500)
    assert step_of(page) == paused
    expect(page.get_by_test_id("stException")).to_have_count(0)
