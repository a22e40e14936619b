"""Measure the live Playground against the headless engine (not a test: timings vary by machine).

    python tests/e2e/measure.py [--seconds 15] [--shots DIR]

Prints, for the default config on CPU: the headless engine's steps/s (GANRun.advance_for in a
loop, one torch thread as in the app, measured before and after the UI run), the page's
steps/s while playing in headless Chromium (from the on-page step counter), the share of the
server's time spent training (the page's own tick accounting), redraws per second and bytes per
redraw (websocket frames that carry the landscape figure). Optionally saves screenshots while
training and after pausing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import chromium_path, streamlit_server  # noqa: E402

LANDSCAPE_MIN_BYTES = 40_000  # only the landscape figure's frame is this large


def headless_rate(seconds: float) -> float:
    import torch

    from playground.config import TrainConfig
    from playground.training import GANRun

    torch.set_num_threads(1)
    run = GANRun(TrainConfig(device="cpu"))
    run.advance(64)  # warm-up
    start, first = time.perf_counter(), run.step_count
    while time.perf_counter() - start < seconds:
        run.advance_for(0.3, 1_000_000)
    return (run.step_count - first) / (time.perf_counter() - start)


def step_of(page) -> int:
    text = page.locator(".st-key-playground-status").inner_text()
    return int(re.search(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def niced_chromium(folder: Path) -> str:
    """A wrapper that runs Chromium at the lowest CPU priority: on a small machine the browser
    otherwise takes CPU from the server, which a real user's browser (on their own machine)
    does not."""
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {chromium_path()} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def ui_rate(seconds: float, shots: Path | None, browser_path: str) -> dict:
    from playwright.sync_api import sync_playwright

    frames: list[tuple[float, int]] = []
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: frames.append((time.perf_counter(), len(payload)))))
        page.goto(url)
        page.get_by_text("Step 0").first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(3000)  # past the first ticks
        t0, s0 = time.perf_counter(), step_of(page)
        page.wait_for_timeout(seconds * 1000)
        t1, s1 = time.perf_counter(), step_of(page)
        status = page.locator(".st-key-playground-status").inner_text()
        share = re.search(r"(\d+)% of the time training", status)
        if shots:
            page.screenshot(path=str(shots / "playing.png"), full_page=True)
        page.get_by_role("button", name="Pause", exact=True).click()
        page.wait_for_timeout(2000)
        if shots:
            page.screenshot(path=str(shots / "paused.png"), full_page=True)
        browser.close()
    window = [n for t, n in frames if t0 <= t <= t1]
    redraws = sum(1 for n in window if n >= LANDSCAPE_MIN_BYTES)
    return {
        "steps_per_s": (s1 - s0) / (t1 - t0),
        "redraws_per_s": redraws / (t1 - t0),
        "bytes_per_redraw": sum(window) / max(redraws, 1),
        "largest_frame": max(window, default=0),
        # the server's own split of a tick: training vs drawing and Streamlit (from the page)
        "training_share": int(share.group(1)) / 100 if share else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--shots", type=Path, default=None)
    parser.add_argument("--nice-browser", action="store_true",
                        help="run Chromium at the lowest CPU priority (see niced_chromium)")
    args = parser.parse_args()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    before = headless_rate(args.seconds / 2)
    with tempfile.TemporaryDirectory() as tmp:
        browser = niced_chromium(Path(tmp)) if args.nice_browser else chromium_path()
        ui = ui_rate(args.seconds, args.shots, browser)
    after = headless_rate(args.seconds / 2)
    headless = (before + after) / 2
    print(f"headless engine:   {headless:7.1f} steps/s (before {before:.1f}, after {after:.1f})")
    print(f"page while playing: {ui['steps_per_s']:6.1f} steps/s = "
          f"{ui['steps_per_s'] / headless:.0%} of headless")
    print(f"server time spent training while playing: {ui['training_share']:.0%}")
    print(f"redraws:           {ui['redraws_per_s']:7.2f} per s")
    print(f"bytes per redraw:  {ui['bytes_per_redraw'] / 1024:7.1f} KiB "
          f"(largest frame {ui['largest_frame'] / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
