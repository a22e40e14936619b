"""Every page on a phone (390 x 844) and a laptop (1440 x 900), in a real browser: nothing wider
than the screen, no title drawn over another (headings, chart titles and chart annotations,
checked by their element boxes), and tables that fit or scroll inside their own frame. The
Compare page is checked with a small comparison trained to the end, so its tables and figures
are there. Screenshots of every page and size go to the test's tmp_path (named in a failure).

Waits are event based with generous ceilings (a busy 2-core machine): a page counts as drawn
when Streamlit has finished its run and every plot on it has its SVG."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

SIZES = {"phone": (390, 844), "laptop": (1440, 900)}
PAGES = {  # path (and query) -> a text the page shows once its script has run
    "": "GAN loss playground",
    "compare?cmp_steps=100&cmp_seeds=2&cmp_hidden=16&cmp_batch_size=32": "Compare losses",
    "saturation": "Why the minimax generator loss saturates",
    "optimal_d": "The optimal discriminator",
    "dirac": "Why GAN training cycles",
}

# Done when no script runs, every plot (st.plotly_chart or the live plot) has drawn its axes,
# and the page's elements and height have not changed for three polls in a row.
DRAWN = """(whileRunning) => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"], .playground-plot');
    const main = document.querySelector('[data-testid="stMain"]');
    const state = [document.querySelectorAll('[data-testid="stElementContainer"]').length,
                   charts.length, main ? main.scrollHeight : 0].join();
    const still = state === window.__layoutState;
    window.__layoutState = state;
    window.__layoutStill = still ? (window.__layoutStill || 0) + 1 : 0;
    if (!whileRunning && document.querySelector('[data-testid="stStatusWidgetRunningIcon"]'))
        return false;
    return window.__layoutStill >= 3 && [...charts].every(c => c.querySelector('.main-svg'));
}"""
# The sidebar is collapsed on a phone: Train is pressed through the DOM once it is there.
TRAIN = """() => {
    const train = [...document.querySelectorAll('button')].find(
        b => b.innerText.trim().endsWith('Train') && !b.disabled);
    if (train) train.click();
    return Boolean(train);
}"""

# Boxes of what must not overlap: headings of the page; per plot, its title and annotations.
# Returns the overlapping pairs, the page's horizontal overflow and, per table (st.table,
# st.dataframe's are canvases, markdown tables), whether it fits the screen or scrolls inside a
# frame that does.
LAYOUT = """() => {
    const box = e => e.getBoundingClientRect();
    const visible = r => r.width > 0 && r.height > 0;
    const overlaps = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                               a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const groups = [[...document.querySelectorAll('h1, h2, h3')]];
    for (const plot of document.querySelectorAll('.js-plotly-plot'))
        groups.push([...plot.querySelectorAll('.g-gtitle text, .annotation-text-g')]);
    const pairs = [];
    for (const group of groups) {
        const items = group.map(e => [e.textContent.trim(), box(e)]).filter(([, r]) => visible(r));
        for (let i = 0; i < items.length; i++)
            for (let j = i + 1; j < items.length; j++)
                if (overlaps(items[i][1], items[j][1])) pairs.push([items[i][0], items[j][0]]);
    }
    const main = document.querySelector('[data-testid="stMain"]');
    // a table's frame: the table itself or its nearest ancestor that scrolls sideways
    const tables = [...main.querySelectorAll('table')].map(t => {
        let frame = t;
        while (frame !== main && getComputedStyle(frame).overflowX !== 'auto')
            frame = frame.parentElement;
        const scrolls = frame !== main;
        const outer = scrolls ? box(frame) : box(t);
        return {fits: box(t).right <= window.innerWidth + 1, scrolls,
                inside: outer.right <= window.innerWidth + 1};
    });
    return {pairs, tables,
            overflow: Math.max(document.documentElement.scrollWidth, main.scrollWidth)
                      - window.innerWidth};
}"""


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_screen_without_overlapping_titles(
    page: Page, app_url: str, size: str, tmp_path
) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    problems = []
    for path, text in PAGES.items():
        page.goto(f"{app_url}/{path}")
        expect(page.get_by_role("heading", level=1).first).to_contain_text(text, timeout=120_000)
        if path.startswith("compare"):
            page.wait_for_function(TRAIN, timeout=120_000, polling=250)
            expect(page.get_by_text("Done:")).to_be_visible(timeout=300_000)
        page.wait_for_function(DRAWN, arg=False, timeout=120_000, polling=400)
        shot = tmp_path / f"{path.split('?')[0] or 'playground'}-{width}x{height}.png"
        layout = page.evaluate(LAYOUT)
        # the page scrolls inside Streamlit's main block: a screen as tall as its content
        # shows all of it (the checks above ran at the real size)
        tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                             ".scrollHeight")
        page.set_viewport_size({"width": width, "height": max(height, tall)})
        page.wait_for_function(DRAWN, arg=False, timeout=120_000, polling=400)
        page.screenshot(path=shot)
        page.set_viewport_size({"width": width, "height": height})
        if layout["overflow"] > 1:
            problems.append(f"{shot.name}: {layout['overflow']} px wider than the screen")
        if layout["pairs"]:
            problems.append(f"{shot.name}: overlapping titles {layout['pairs']}")
        for t in layout["tables"]:
            if not t["inside"] or not (t["fits"] or t["scrolls"]):
                problems.append(f"{shot.name}: a table leaves its frame {t}")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert not problems, problems


# Sampled in the page 10 times a second: how many elements are faded (Streamlit greys what it
# is about to replace; the page keeps its results at full opacity), how many plots exist, and
# the progress text.
SAMPLE = """() => {
    const els = [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]')];
    return {faded: els.filter(e => parseFloat(getComputedStyle(e).opacity) < 0.99).length,
            plots: document.querySelectorAll('.js-plotly-plot').length,
            progress: (document.querySelector('[data-testid="stProgress"]') || {}).innerText};
}"""

# Counts plot elements taken out of the page (a plot mounted anew draws from blank).
COUNT_REMOVED_PLOTS = """
window.__removedPlots = 0;
new MutationObserver(records => { for (const r of records) for (const n of r.removedNodes)
    if (n.nodeType === 1) window.__removedPlots += (n.matches('.playground-plot') ? 1 : 0)
        + n.querySelectorAll('.playground-plot').length;
}).observe(document, {subtree: true, childList: true});"""


def test_compare_results_stay_readable_and_update_in_place_while_training(
    page: Page, app_url: str
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.add_init_script(COUNT_REMOVED_PLOTS)
    page.goto(f"{app_url}/compare?cmp_steps=10000&cmp_seeds=2")
    page.wait_for_function(TRAIN, timeout=120_000, polling=250)
    expect(page.get_by_text("Paired differences")).to_be_visible(timeout=120_000)
    # drawn, though the page keeps running while it trains
    page.wait_for_function(DRAWN, arg=True, timeout=120_000, polling=400)
    page.evaluate(f"() => {{ window.__samples = []; window.__sampler = setInterval("
                  f"() => window.__samples.push(({SAMPLE})()), 100); }}")
    page.wait_for_timeout(5_000)
    samples = page.evaluate("() => { clearInterval(window.__sampler); return window.__samples; }")
    page.evaluate("() => [...document.querySelectorAll('button')].find("
                  "b => b.innerText.trim().endsWith('Stop')).click()")
    expect(page.get_by_text("Stopped:")).to_be_visible(timeout=60_000)
    assert len(samples) >= 20
    assert all(s["faded"] == 0 for s in samples), [s for s in samples if s["faded"]]
    # the same plots, updated in place: none ever disappears (a remount would dip); on a busy
    # machine panels still arriving when sampling starts may add to them
    counts = [s["plots"] for s in samples]
    assert counts == sorted(counts) and counts[-1] > 0, counts
    assert len({s["progress"] for s in samples}) > 1 and "model-steps/s" in samples[-1]["progress"]
    # from the first tick on, including the moment the headline and the paired differences
    # appeared above the plots (which once shifted them, and the browser mounted them anew)
    assert page.evaluate("() => window.__removedPlots") == 0
