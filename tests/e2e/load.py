"""Load test of a hosted Playground: N real browser sessions on one `streamlit run app.py`.

    python tests/e2e/load.py [--sessions 20] [--seconds 60] [--json]

Loopback only, bounded in time. Each session opens its own link (seed i, datasets in turn), so
no two train the same run; all press Play, train for `--seconds`, then Pause. Reported:
- per-session steps/s while playing (from each page's step counter),
- Pause latency per session (click to the Play button back),
- the server's resident memory (sampled every 2 s; peak and at the end),
- exceptions (shown on any page, or printed by the server),
- isolation and reproducibility: each session's exported history (the CSV download) must equal,
  byte for byte, a headless run of the same config for the same number of steps.
The browser runs at the lowest CPU priority: on a real deployment each visitor's browser is on
their own machine, not on the server's cores.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import BROWSER_ARGS, chromium_path, streamlit_process  # noqa: E402

DATASETS = ("ring8", "grid25", "spiral", "moons", "circles")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return kb / 1024


def step_of(page) -> int:
    text = page.locator(".st-key-playground-status").inner_text()
    return int(re.search(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def headless_csv(params: dict, steps: int) -> str:
    from playground.training import GANRun, fix_threads
    from playground.ui.share import parse_params

    fix_threads()
    cfg, problems = parse_params(params)
    assert not problems, problems
    run = GANRun(cfg)
    run.advance(steps)
    return run.history.to_csv()


def niced_chromium(folder: Path) -> str:
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {chromium_path()} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def run_load(sessions: int, seconds: float) -> dict:
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
        for params in links:
            page = browser.new_context(viewport={"width": 1440, "height": 1000},
                                       accept_downloads=True).new_page()
            page.goto(url + "/?" + "&".join(f"{k}={v}" for k, v in params.items()))
            pages.append(page)
        for page in pages:
            page.locator(".st-key-playground-status").wait_for(timeout=180_000)
        for page in pages:
            page.get_by_role("button", name="Play", exact=True).click()
        for page in pages:
            page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=60_000)
        start = [(time.perf_counter(), step_of(page)) for page in pages]
        time.sleep(seconds)
        rates = [(step_of(page) - s0) / (time.perf_counter() - t0)
                 for page, (t0, s0) in zip(pages, start)]

        pause = []
        for page in pages:
            clicked = time.perf_counter()
            page.get_by_role("button", name="Pause", exact=True).click()
            page.get_by_role("button", name="Play", exact=True).wait_for(timeout=60_000)
            pause.append(time.perf_counter() - clicked)
        stop.set()
        end_mb = rss_mb(proc.pid)

        exceptions = sum(page.get_by_test_id("stException").count() for page in pages)
        matches, steps = [], []
        for page, params in zip(pages, links):
            page.wait_for_timeout(300)  # a tick in flight at Pause lands before reading
            n = step_of(page)
            page.get_by_text("Share and export").click()
            button = page.get_by_role("button", name="History (CSV)")
            button.wait_for(timeout=60_000)
            with page.expect_download(timeout=60_000) as download:
                button.click()
            exported = Path(download.value.path()).read_text()
            matches.append(exported == headless_csv(params, n))
            steps.append(n)
        browser.close()
        log.seek(0)
        exceptions += log.read().count("Traceback")
    return {
        "sessions": sessions, "seconds_playing": seconds,
        "steps_per_s_per_session": {"median": statistics.median(rates), "min": min(rates),
                                    "max": max(rates)},
        "steps_per_s_total": sum(rates),
        "pause_latency_s": {"median": statistics.median(pause), "max": max(pause)},
        "pauses_within_1s": sum(t <= 1.0 for t in pause),
        "server_rss_mb": {"idle": idle_mb, "peak": max(memory, default=end_mb), "end": end_mb},
        "exceptions": exceptions,
        "exports_matching_headless": sum(matches),
        "steps_trained": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 50 or not 1 <= args.seconds <= 600:
        parser.error("--sessions must be in [1, 50] and --seconds in [1, 600]")
    out = run_load(args.sessions, args.seconds)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    r, p, m = out["steps_per_s_per_session"], out["pause_latency_s"], out["server_rss_mb"]
    print(f"{out['sessions']} sessions playing {out['seconds_playing']:g} s")
    print(f"steps/s per session: median {r['median']:.1f} (min {r['min']:.1f}, "
          f"max {r['max']:.1f}); all sessions together {out['steps_per_s_total']:.0f}")
    print(f"Pause latency: median {p['median']:.2f} s, max {p['max']:.2f} s; "
          f"{out['pauses_within_1s']} of {out['sessions']} within 1 s")
    print(f"server RSS: idle {m['idle']:.0f} MB, peak {m['peak']:.0f} MB, end {m['end']:.0f} MB")
    print(f"exceptions: {out['exceptions']}")
    print(f"exports equal to a headless run: {out['exports_matching_headless']} of "
          f"{out['sessions']}")


if __name__ == "__main__":
    main()
