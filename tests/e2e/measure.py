"""Measure what a user of the live Playground feels (not a test: timings vary by machine).

    python tests/e2e/measure.py [--seconds 10] [--load 2] [--shots DIR] [--json]
    python tests/e2e/measure.py --presets all|NAME[,NAME...] [--seeds 8] [--within 20]
    python tests/e2e/measure.py --redraw [--json]

Against `streamlit run app.py` in headless Chromium, for the default config on CPU:
- blank frames: while playing, the figures are sampled 5 times a second; a sample is blank when
  either plot is missing or has nothing drawn; also the most plot nodes seen at once;
- click-to-change latency: Play (click to the step counter moving), Pause (the click event to
  the Play button back, timed in the page, and steps trained after the click), Step (click to
  the figures showing the new step, 5 presses);
- redraws per second (the landscape's drawn step changing in the browser) and kilobytes per
  redraw (websocket bytes received while playing / redraws);
- steps/s while playing against the headless engine (GANRun.advance_for in a loop, one torch
  thread as in the app), in `--rounds` paired rounds: the engine alone for a few seconds while
  the page is paused, then the page playing as long, so that both see the machine at about the
  same speed (this VM's drifts by a third within minutes); the median of the rounds' ratios.
  The page's rate comes from its own record of its redraws, read once per round: nothing polls
  the page while it plays (a Playwright call every 20 ms cost it 12-17% of its steps/s here).
  Also the server's training share (the status line).
`--redraw` instead times one landscape redraw in Chromium, the figure drawn by plotly (its
point clouds with WebGL, software-rendered on a machine without a GPU) against the live plot
component (the same figure, its point clouds on a 2D canvas), alternating on the same frames.
`--load N` runs N CPU-bound processes beside it (a busy machine), stopped at the end.
`--nice-browser` runs Chromium at the lowest CPU priority: on a small machine the browser
otherwise takes CPU from the server, which a real user's browser (on their own machine) does not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    BROWSER_ARGS,
    chromium_path,
    niced_chromium,
    streamlit_server,
)

# The browser's view of the two live plots: how many plot nodes exist, whether each one has its
# axes drawn (a blank frame has none), and the step each shows (data-step, set by the plot
# component after drawing).
PLOTS = """() => {
    const plots = [...document.querySelectorAll('div.playground-plot')];
    return plots.map(p => ({
        drawn: p.querySelectorAll('.main-svg .cartesianlayer .subplot').length > 0,
        step: Number(p.dataset.step),
    })).concat([{nodes: document.querySelectorAll('.js-plotly-plot').length}]);
}"""

# Records every redraw of the landscape (its data-step set after drawing) as [browser clock in
# ms, step drawn], from now on: the page keeps its own record, so that reading it costs one call
# at the end instead of a Playwright round trip per poll (polling the counter every 20 ms took
# 12-17% of the playing page's steps/s on this 2-core machine, a load no real visitor adds).
WATCH = """() => {
    if (window.__watch) window.__watch.disconnect();
    window.__redraws = [];
    const plot = document.querySelector('div.playground-plot');
    window.__watch = new MutationObserver(
        () => window.__redraws.push([performance.now(), Number(plot.dataset.step)]));
    window.__watch.observe(plot, {attributes: true, attributeFilter: ['data-step']});
}"""


# Times a click as the page sees it: from the click event to the first DOM change that shows
# the expected button (Playwright's own click waits for the element to be stable first, which
# on a page redrawing three times a second adds its own delay). A button's text ends with its
# label (a Material icon's name comes first).
CLICK_TIMER = """([clicked, expected]) => {
    window.__clickAt = null; window.__seenAt = null;
    document.addEventListener('click', e => {
        const b = e.target.closest('button');
        if (b && b.innerText.trim().endsWith(clicked) && window.__clickAt === null)
            window.__clickAt = performance.now();
    }, true);
    new MutationObserver(() => {
        if (window.__clickAt !== null && window.__seenAt === null && [...document.querySelectorAll(
                'button')].some(b => b.innerText.trim().endsWith(expected)))
            window.__seenAt = performance.now();
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _burn() -> None:
    while True:
        sum(i * i for i in range(10_000))


@contextlib.contextmanager
def cpu_load(n: int):
    procs = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
            p.join()


def headless_rate(seconds: float) -> float:
    from playground.config import TrainConfig
    from playground.training import GANRun

    run = GANRun(TrainConfig(device="cpu"))
    run.advance(64)  # warm-up
    start, first = time.perf_counter(), run.step_count
    while time.perf_counter() - start < seconds:
        run.advance_for(0.3, 1_000_000)
    return (run.step_count - first) / (time.perf_counter() - start)


def page_rate(page, seconds: float) -> float:
    """Steps/s the playing page shows over about `seconds` after its first redraw, from the
    page's own record of its redraws (WATCH): the steps between the first and the last redraw
    over the time between them (the counter moves at redraws, so a window cut between two
    redraws would count part of a redraw's steps). Nothing polls the page meanwhile."""
    page.evaluate(WATCH)
    page.wait_for_function("() => window.__redraws.length > 0", timeout=30_000)
    time.sleep(seconds)
    (t0, s0), *_, (t1, s1) = page.evaluate("() => window.__redraws")
    return (s1 - s0) / (t1 - t0) * 1000


def paired_rounds(page, rounds: int, seconds: float) -> list[tuple[float, float]]:
    """(headless, page) steps/s per round: the engine alone while the page is paused, then the
    page playing; the page is paused before and after."""
    play = page.get_by_role("button", name="Play", exact=True)
    pause = page.get_by_role("button", name="Pause", exact=True)
    out = []
    for _ in range(rounds):
        alone = headless_rate(seconds)
        play.click()
        out.append((alone, page_rate(page, seconds)))
        pause.click()
        play.wait_for(timeout=30_000)
    return out


def step_of(page) -> int:
    text = page.locator(".st-key-playground-status").inner_text()
    return int(re.search(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def _wait(predicate, timeout: float = 30.0, poll: float = 0.01) -> float:
    """Seconds until predicate() is true (polled), or raise after `timeout`."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the page did not change in time")
        time.sleep(poll)
    return time.perf_counter() - start


def ui_figures(seconds: float, shots: Path | None, browser_path: str, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    received: list[tuple[float, int]] = []
    out: dict = {}
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.append((time.perf_counter(), len(payload)))))
        opened = time.perf_counter()
        page.goto(url)
        page.wait_for_function(f"() => ({PLOTS})().filter(p => p.drawn).length == 2",
                               timeout=120_000)
        out["page_to_figures_s"] = time.perf_counter() - opened

        play = page.get_by_role("button", name="Play", exact=True)
        pause = page.get_by_role("button", name="Pause", exact=True)
        clicked = time.perf_counter()
        play.click()
        _wait(lambda: step_of(page) > 0)
        out["play_latency_s"] = time.perf_counter() - clicked
        page.evaluate(WATCH)

        samples, blank, nodes = 0, 0, 0
        t0, s0, b0 = time.perf_counter(), step_of(page), len(received)
        while time.perf_counter() - t0 < seconds:
            view = page.evaluate(PLOTS)
            plots, count = view[:-1], view[-1]["nodes"]
            samples += 1
            blank += len(plots) != 2 or not all(p["drawn"] for p in plots)
            nodes = max(nodes, count)
            time.sleep(0.2)
        t1, s1 = time.perf_counter(), step_of(page)
        redraws = len(page.evaluate("() => window.__redraws"))
        window = received[b0:]
        status = page.locator(".st-key-playground-status").inner_text()
        share = re.search(r"(\d+)% of the time training", status)
        if shots:
            page.screenshot(path=str(shots / "playing.png"))

        before = step_of(page)
        page.evaluate(CLICK_TIMER, ["Pause", "Play"])
        clicked = time.perf_counter()
        pause.click()
        play.wait_for(timeout=30_000)
        out["pause_latency_s"] = time.perf_counter() - clicked  # with Playwright's own waits
        out["pause_latency_page_s"] = page.evaluate(
            "() => (window.__seenAt - window.__clickAt) / 1000")
        time.sleep(1.0)
        out["steps_after_pause"] = step_of(page) - before

        step_latency = []
        for _ in range(5):
            target = step_of(page) + 1
            clicked = time.perf_counter()
            page.get_by_role("button", name="Step", exact=True).click()
            _wait(lambda t=target: all(p["step"] == t for p in page.evaluate(PLOTS)[:-1])
                  and step_of(page) == t)
            step_latency.append(time.perf_counter() - clicked)
        if shots:
            page.screenshot(path=str(shots / "paused.png"))
        out["rounds"] = paired_rounds(page, rounds, seconds / 2)
        browser.close()
    out.update(
        samples=samples, blank_samples=blank, most_plot_nodes=nodes,
        step_latency_s=statistics.median(step_latency),
        page_steps_per_s=(s1 - s0) / (t1 - t0),
        redraws_per_s=redraws / (t1 - t0),
        kb_per_redraw=sum(n for _, n in window) / 1024 / max(redraws, 1),
        training_share=int(share.group(1)) / 100 if share else float("nan"),
    )
    return out


# True once a line of the status row reads `label` (the verdict's badge).
SHOWS_LABEL = """label => {
    const status = document.querySelector('.st-key-playground-status');
    return !!status && status.innerText.split('\\n').some(line => line.trim() === label);
}"""


def preset_times(names: list[str], seeds: int, browser_path: str, ceiling: float) -> list[dict]:
    """Per preset and seed, the seconds from Play to the preset's verdict showing in the page
    (the status line's badge), opened from a link of the preset's config with that seed."""
    from urllib.parse import urlencode

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from playground.params import config_to_params
    from playground.presets import PRESETS

    rows = []
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=BROWSER_ARGS)
        for name in names:
            preset = PRESETS[name]
            label = preset.expected.replace("_", " ")
            for seed in range(seeds):
                params = config_to_params(preset.config.replace(seed=seed))
                params["eval_every"] = str(preset.eval_every)
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(url + "/?" + urlencode(params))
                status = page.locator(".st-key-playground-status")
                status.wait_for(timeout=120_000)
                page.get_by_role("button", name="Play", exact=True).click()
                clicked = time.perf_counter()
                try:  # polled in the page itself: no round trip per poll
                    page.wait_for_function(SHOWS_LABEL, arg=label, polling=100,
                                           timeout=ceiling * 1000)
                    seconds = time.perf_counter() - clicked
                except PlaywrightTimeout:
                    seconds = None
                rows.append({"preset": name, "seed": seed, "seconds": seconds,
                             "step": step_of(page)})
                page.close()
        browser.close()
    return rows


# Draws the frames `n` times in a row with plotly or with the plot component, waiting for the
# browser to paint after each; returns the median milliseconds from the call to the paint.
REDRAWS = """async ([frames, how, n, config]) => {
    const div = document.getElementById(how);
    const times = [];
    for (let i = 0; i < n; i++) {
        const figure = frames[i % frames.length];
        const start = performance.now();
        if (how === 'plotly') {
            const fig = JSON.parse(figure);
            await Plotly.react(div, fig.data, fig.layout, config);
        } else {
            window.__component({parentElement: div, data: {figure, config, step: i}});
        }
        await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
        times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(n / 2)];
}"""


def redraw_costs(browser_path: str, rounds: int = 4, redraws: int = 30) -> dict:
    """Per landscape redraw (frames of `grid_r1` 100 steps apart), plotly's own drawing against
    the live plot component, alternating: the renderer's busy milliseconds (Chromium's
    TaskDuration) and the milliseconds from the call to the next paint, medians over rounds."""
    import plotly
    from playwright.sync_api import sync_playwright

    from playground.figures.live import DEFAULT_LAYERS, landscape_figure
    from playground.presets import PRESETS
    from playground.training import GANRun
    from playground.ui.plot import _CHART_JS, CONFIG, figure_spec

    run = GANRun(PRESETS["grid_r1"].config, eval_every=100)
    frames = []
    for _ in range(6):
        run.advance(100)
        frames.append(figure_spec(landscape_figure(run.snapshot(), run.population.dataset.bounds,
                                                   DEFAULT_LAYERS)))
    library = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    busy: dict[str, list[float]] = {"plotly": [], "component": []}
    paint: dict[str, list[float]] = {"plotly": [], "component": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_content("<div id=plotly style='width:700px'></div>"
                         "<div id=component style='width:700px'></div>")
        page.add_script_tag(content=library)
        page.evaluate("""async (js) => {
            const url = URL.createObjectURL(new Blob([js], {type: 'text/javascript'}));
            window.__component = (await import(url)).default;
        }""", _CHART_JS)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def task_seconds() -> float:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

        for _ in range(rounds):
            for how in busy:
                before = task_seconds()
                paint[how].append(page.evaluate(REDRAWS, [frames, how, redraws, CONFIG]))
                busy[how].append((task_seconds() - before) * 1000 / redraws)
        webgl = page.evaluate("() => !!document.createElement('canvas').getContext('webgl')")
        browser.close()
    out = {"rounds": rounds, "redraws_per_round": redraws, "webgl": webgl}
    for how in busy:
        out[f"{how}_busy_ms"] = statistics.median(busy[how])
        out[f"{how}_paint_ms"] = statistics.median(paint[how])
    out["busy_ratio"] = out["plotly_busy_ms"] / out["component_busy_ms"]
    return out


def print_preset_times(rows: list[dict], within: float) -> None:
    print(f"seconds from Play to the preset's verdict in the page (ceiling: missing = not "
          f"reached); within {within:g} s:")
    for name in dict.fromkeys(r["preset"] for r in rows):
        mine = [r for r in rows if r["preset"] == name]
        times = [r["seconds"] for r in mine if r["seconds"] is not None]
        shown = ", ".join("-" if r["seconds"] is None else f"{r['seconds']:.1f}" for r in mine)
        median = f"{statistics.median(times):.1f} s" if times else "-"
        # steps over seconds from Play: tells a slow machine (fewer steps/s) from a preset that
        # needs more steps
        rates = [r["step"] / r["seconds"] for r in mine if r["seconds"] and r["step"] > 10]
        rate = (f"; {min(rates):.0f}-{max(rates):.0f} steps/s from Play to the verdict"
                if rates else "")
        print(f"  {name}: {sum(t <= within for t in times)} of {len(mine)} within {within:g} s, "
              f"median {median} ({shown}){rate}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=6,
                        help="paired rounds of the engine alone, then the page playing")
    parser.add_argument("--load", type=int, default=0, help="CPU-bound processes beside it")
    parser.add_argument("--shots", type=Path, default=None)
    parser.add_argument("--nice-browser", action="store_true",
                        help="run Chromium at the lowest CPU priority")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--redraw", action="store_true",
                        help="instead: one landscape redraw, plotly's WebGL points against the "
                             "plot component's canvas")
    parser.add_argument("--presets", metavar="NAME[,NAME...]",
                        help="instead: time each preset from Play to its verdict in the page")
    parser.add_argument("--seeds", type=int, default=8, help="with --presets: seeds 0..N-1")
    parser.add_argument("--within", type=float, default=20.0,
                        help="with --presets: the goal in seconds (the ceiling is 3 times it)")
    args = parser.parse_args()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    if args.redraw:
        with cpu_load(args.load):
            costs = redraw_costs(chromium_path())
        if args.json:
            print(json.dumps(costs, indent=2))
            return
        print(f"one landscape redraw in Chromium (WebGL {'available' if costs['webgl'] else 'off'}"
              f"; median of {costs['rounds']} alternating rounds of "
              f"{costs['redraws_per_round']}):")
        for how, label in (("plotly", "plotly, points in WebGL"),
                           ("component", "plot component, points on a 2D canvas")):
            print(f"  {label:40s} renderer busy {costs[how + '_busy_ms']:5.1f} ms, "
                  f"call to paint {costs[how + '_paint_ms']:5.1f} ms")
        print(f"  plotly / component (busy):               {costs['busy_ratio']:.2f}x")
        return
    if args.presets:
        from playground.presets import PRESETS

        names = list(PRESETS) if args.presets == "all" else args.presets.split(",")
        unknown = [n for n in names if n not in PRESETS]
        if unknown:
            parser.error(f"unknown preset(s) {', '.join(unknown)}; known: {', '.join(PRESETS)}")
        with cpu_load(args.load), tempfile.TemporaryDirectory() as tmp:
            browser = niced_chromium(Path(tmp)) if args.nice_browser else chromium_path()
            rows = preset_times(names, args.seeds, browser, 3 * args.within)
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            print_preset_times(rows, args.within)
        return
    with cpu_load(args.load), tempfile.TemporaryDirectory() as tmp:
        browser = niced_chromium(Path(tmp)) if args.nice_browser else chromium_path()
        ui = ui_figures(args.seconds, args.shots, browser, args.rounds)
    ratios = [page / alone for alone, page in ui["rounds"]]
    ui["headless_steps_per_s"] = statistics.median(alone for alone, _ in ui["rounds"])
    ui["page_share_of_headless"] = statistics.median(ratios)
    ui["page_share_range"] = (min(ratios), max(ratios))
    ui["load_processes"] = args.load
    ui["nice_browser"] = args.nice_browser
    if args.json:
        print(json.dumps(ui, indent=2))
        return
    print(f"CPU load beside it:   {args.load} busy process(es); browser "
          f"{'at the lowest priority' if args.nice_browser else 'at normal priority'}")
    print(f"page to figures:      {ui['page_to_figures_s']:.2f} s")
    print(f"blank samples:        {ui['blank_samples']} of {ui['samples']} "
          f"(at most {ui['most_plot_nodes']} plot nodes at once)")
    print(f"Play latency:         {ui['play_latency_s']:.2f} s (click to the counter moving)")
    print(f"Pause latency:        {ui['pause_latency_page_s']:.2f} s in the page (click event "
          f"to the Play button), {ui['pause_latency_s']:.2f} s with Playwright's click; "
          f"{ui['steps_after_pause']} steps after")
    print(f"Step latency:         {ui['step_latency_s']:.2f} s (median of 5, click to both "
          "figures and the counter at the new step)")
    print(f"redraws:              {ui['redraws_per_s']:.2f} per s, "
          f"{ui['kb_per_redraw']:.1f} KB received per redraw")
    pairs = ", ".join(f"{page:.0f}/{alone:.0f}" for alone, page in ui["rounds"])
    low, high = ui["page_share_range"]
    print(f"steps/s:              page {ui['page_steps_per_s']:.0f} while sampled; paired "
          f"rounds page/headless {pairs}: median {ui['page_share_of_headless']:.0%} "
          f"({low:.0%}-{high:.0%}); "
          f"server training share {ui['training_share']:.0%}")


if __name__ == "__main__":
    main()
