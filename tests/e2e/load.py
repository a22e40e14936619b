"""Load test of a hosted Playground: N real browser sessions on one `streamlit run app.py`.

    python tests/e2e/load.py [--sessions 20] [--seconds 60] [--json]

Loopback only, bounded in time. Each session opens its own link (seed i, datasets in turn), so
no two train the same run; all press Play, train for `--seconds`, then Pause. Reported:
- per-session steps/s while playing (from each page's step counter), and the cores the server
  kept busy meanwhile,
- Pause latency per session (click to the Play button back),
- the server's resident memory (sampled every 2 s; peak and at the end),
- exceptions (shown on any page, or printed by the server),
- isolation and reproducibility: each session's exported history (the CSV download) must equal,
  byte for byte, a headless run of the same config for the same number of steps.
On a real deployment each visitor's browser runs on their own machine, not on the server's
cores; here all N run beside the server. So the browser runs at the lowest CPU priority and, unless
`--draw` is given, its pages get a stand-in for plotly.js that draws nothing: the server still
builds, serialises and sends every figure of every redraw (its whole load), but the 2-core box
does not also paint N live charts, which would starve the server of the tick requests that drive
it (one page drawing takes about 0.9 of a core here).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import BROWSER_ARGS, niced_chromium, streamlit_process  # noqa: E402

DATASETS = ("ring8", "grid25", "spiral", "moons", "circles")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return kb / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def on_script_error(page, record) -> None:
    """Call `record(text)` for each uncaught JavaScript error of `page` and each error it logs
    (a page asking for a resource on the internet fails here: no network, not a fault)."""
    page.on("pageerror", lambda error: record(str(error)))
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and record("console: " + m.text))


def step_of(page) -> int:
    text = page.locator(".st-key-playground-status").inner_text(timeout=10_000)
    return int(re.search(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def page_state(page) -> str:
    """What a page that stopped answering shows: its status line, else the start of its text."""
    status = page.locator(".st-key-playground-status")
    if status.count():
        return status.inner_text(timeout=5_000)
    html = page.evaluate("() => document.body ? document.body.innerHTML.length : -1")
    return (f"(no status line; {page.url}, {html} characters of HTML) "
            + page.locator("body").inner_text(timeout=5_000)[:300])


def headless_csv(params: dict, steps: int) -> str:
    from playground.training import GANRun
    from playground.ui.share import parse_params

    cfg, problems = parse_params(params)
    assert not problems, problems
    run = GANRun(cfg)
    run.advance(steps)
    return run.history.to_csv()


# Defined before the page loads, so the plot loader sees plotly.js as present and never sends it.
# It keeps what the plot component reads back (div.layout), answers relayout (a resize), gives
# the plot's div the event API plotly adds (`on`) and has the icon of the component's PNG button.
NO_DRAWING = """window.Plotly = {
  react: (div, data, layout) => {
    div.layout = layout;
    div.on = div.on || (() => {});
    return Promise.resolve();
  },
  relayout: () => Promise.resolve(),
  Icons: { camera: {} },
};"""


def run_load(sessions: int, seconds: float, draw: bool, artifacts: Path | None = None) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    memory: list[float] = []
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "w+") as log, \
            streamlit_process(log=log) as (proc, url), sync_playwright() as p:
        def sample() -> None:
            while not stop.wait(2.0):
                memory.append(rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        idle_mb = rss_mb(proc.pid)
        browser = p.chromium.launch(executable_path=niced_chromium(Path(tmp)), args=BROWSER_ARGS)
        links = [{"dataset": DATASETS[i % len(DATASETS)], "seed": str(i)} for i in range(sessions)]
        pages = []
        script_errors: list[str] = []  # the pages' uncaught JavaScript errors and logged ones
        crashed: list[int] = []  # pages whose renderer crashed (a browser fault, not the server's)
        sockets: list[list] = []  # websockets each page opened: more than one is a reconnect
        for params in links:
            page = browser.new_context(viewport={"width": 1440, "height": 1000},
                                       accept_downloads=True).new_page()
            if not draw:
                page.add_init_script(NO_DRAWING)
            opened: list[int] = []
            page.on("websocket", lambda _ws, opened=opened: opened.append(1))
            sockets.append(opened)
            page.on("crash", lambda _page: crashed.append(1))
            on_script_error(page, lambda text: script_errors.append(text[:500]))
            page.goto(url + "/?" + "&".join(f"{k}={v}" for k, v in params.items()))
            pages.append(page)
        for page in pages:
            page.locator(".st-key-playground-status").wait_for(timeout=180_000)
        for page in pages:
            page.get_by_role("button", name="Play", exact=True).click()
        unanswered = 0  # Play clicks that did not turn the button into Pause within 60 s
        for page in pages:
            pause = page.get_by_role("button", name="Pause", exact=True)
            try:
                pause.wait_for(timeout=60_000)
            except PlaywrightTimeout:
                unanswered += 1
                page.get_by_role("button", name="Play", exact=True).click()
                pause.wait_for(timeout=120_000)
        start = [(time.perf_counter(), step_of(page)) for page in pages]
        cpu0, wall0 = cpu_seconds(proc.pid), time.perf_counter()
        time.sleep(seconds)
        server_cores = (cpu_seconds(proc.pid) - cpu0) / (time.perf_counter() - wall0)
        rates = [(step_of(page) - s0) / (time.perf_counter() - t0)
                 for page, (t0, s0) in zip(pages, start)]

        pause = []  # seconds from the Pause click to the Play button; inf: not within 120 s
        unpaused = []  # the status line of pages whose Pause was not answered
        for page in pages:
            clicked = time.perf_counter()
            page.get_by_role("button", name="Pause", exact=True).click()
            try:
                page.get_by_role("button", name="Play", exact=True).wait_for(timeout=120_000)
                pause.append(time.perf_counter() - clicked)
            except PlaywrightTimeout:
                pause.append(float("inf"))
                unpaused.append(page_state(page))
                if artifacts:
                    page.screenshot(path=str(artifacts / f"unpaused-{len(unpaused)}.png"))
        stop.set()
        end_mb = rss_mb(proc.pid)

        exceptions = sum(page.get_by_test_id("stException").count() for page in pages)
        matches, steps, unreachable = [], [], []
        for page, params in zip(pages, links):
            page.wait_for_timeout(300)  # a tick in flight at Pause lands before reading
            button = page.get_by_role("button", name="History (CSV)")
            try:
                n = step_of(page)
                page.get_by_text("Share and export").click(timeout=60_000)
                button.wait_for(timeout=60_000)
            except (PlaywrightTimeout, AttributeError):  # reported with what the page shows
                unreachable.append(page_state(page))
                if artifacts:
                    page.screenshot(path=str(artifacts / f"unreachable-{len(unreachable)}.png"))
                continue
            with page.expect_download(timeout=60_000) as download:
                button.click()
            exported = Path(download.value.path()).read_text()
            matches.append(exported == headless_csv(params, n))
            steps.append(n)
        browser.close()
        log.seek(0)
        server_log = log.read()
        if artifacts:
            (artifacts / "server.log").write_text(server_log)
        exceptions += server_log.count("Traceback")
        first_error = server_log[server_log.find("Traceback"):][:6000] if exceptions else ""
    return {
        "sessions": sessions, "seconds_playing": seconds, "pages_draw": draw,
        "steps_per_s_per_session": {"median": statistics.median(rates), "min": min(rates),
                                    "max": max(rates)},
        "steps_per_s_total": sum(rates),
        "server_cores_busy": server_cores,
        "pause_latency_s": {"median": statistics.median(pause), "max": max(pause)},
        "pauses_within_1s": sum(t <= 1.0 for t in pause),
        "server_rss_mb": {"idle": idle_mb, "peak": max(memory, default=end_mb), "end": end_mb},
        "exceptions": exceptions,
        "play_clicks_unanswered": unanswered,
        "first_server_error": first_error,
        "exports_matching_headless": sum(matches),
        "pauses_unanswered": unpaused,
        "exports_unreachable": unreachable,  # the status line of pages showing no download
        "steps_trained": steps,
        "reconnected_pages": sum(len(n) > 1 for n in sockets),
        "crashed_pages": len(crashed),
        "page_script_errors": script_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--draw", action="store_true",
                        help="let every page draw its figures (the browser then competes with "
                             "the server for this machine's cores)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--artifacts", type=Path, metavar="DIR",
                        help="keep the server's log here, and a screenshot of each page whose "
                             "Pause went unanswered")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 50 or not 1 <= args.seconds <= 600:
        parser.error("--sessions must be in [1, 50] and --seconds in [1, 600]")
    if args.artifacts:
        args.artifacts.mkdir(parents=True, exist_ok=True)
    out = run_load(args.sessions, args.seconds, args.draw, args.artifacts)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    r, p, m = out["steps_per_s_per_session"], out["pause_latency_s"], out["server_rss_mb"]
    print(f"{out['sessions']} sessions playing {out['seconds_playing']:g} s "
          f"({'pages draw their figures' if out['pages_draw'] else 'pages do not draw'})")
    print(f"steps/s per session: median {r['median']:.1f} (min {r['min']:.1f}, "
          f"max {r['max']:.1f}); all sessions together {out['steps_per_s_total']:.0f}; "
          f"the server kept {out['server_cores_busy']:.2f} cores busy")
    print(f"Pause latency: median {p['median']:.2f} s, max {p['max']:.2f} s; "
          f"{out['pauses_within_1s']} of {out['sessions']} within 1 s")
    print(f"server RSS: idle {m['idle']:.0f} MB, peak {m['peak']:.0f} MB, end {m['end']:.0f} MB")
    print(f"exceptions: {out['exceptions']}; Play clicks unanswered within 60 s: "
          f"{out['play_clicks_unanswered']}")
    if out["first_server_error"]:
        print(out["first_server_error"])
    print(f"exports equal to a headless run: {out['exports_matching_headless']} of "
          f"{out['sessions']}")
    print(f"pages whose connection to the server dropped and was opened again: "
          f"{out['reconnected_pages']}; pages whose renderer crashed in this test's browser: "
          f"{out['crashed_pages']}")
    for error in dict.fromkeys(out["page_script_errors"]):
        print(f"uncaught error in a page's JavaScript: {error}")
    for status in out["pauses_unanswered"]:
        print(f"Pause unanswered within 120 s on a page whose status reads: {status!r}")
    for status in out["exports_unreachable"]:
        print(f"no History download on a page whose status reads: {status!r}")


if __name__ == "__main__":
    main()
