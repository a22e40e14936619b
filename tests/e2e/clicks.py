"""Play and Pause pressed at random in several real browser pages of one `streamlit run app.py`.

    python tests/e2e/clicks.py --sessions 6 --seconds 300 [--no-draw] [--json]

A harsher test than load.py for the races between a click's full rerun and the live view's
ticks: each round picks a page, presses Play or Pause (whichever it shows), waits for the other
button, then waits 0-0.6 s. It reports the clicks, the Pause latencies (click to the Play button),
the pages' script errors with the clicks that came just before them (Streamlit's front end
failing with "Cannot set a node at a delta path" leaves a blank page), the pages that stopped
answering and the server's tracebacks. Loopback only; Chromium at the lowest CPU priority.
A measurement, not a test: it asserts nothing and is not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).absolute().parents[2]))

from tests.e2e.conftest import BROWSER_ARGS, niced_chromium, streamlit_process  # noqa: E402
from tests.e2e.load import DATASETS, NO_DRAWING, on_script_error  # noqa: E402


def _status(page) -> str:
    """What a page that stopped answering shows: its status line and buttons."""
    try:
        status = page.locator(".st-key-playground-status").inner_text(timeout=5_000)
        buttons = page.locator(".st-key-playground-transport button").all_inner_texts()
        return f"{status!r}; buttons {buttons}"
    except Exception as e:  # noqa: BLE001 - a blank page has neither
        return f"(no status line: {str(e)[:100]})"


def run_clicks(sessions: int, seconds: float, draw: bool, seed: int) -> dict:
    from playwright.sync_api import sync_playwright

    errors: list[dict] = []  # each page's uncaught script errors and logged ones
    actions: list[tuple[int, float, str]] = []  # (page, time, button pressed)
    pauses: list[float] = []
    unanswered: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "w+") as log, \
            streamlit_process(log=log) as (_, url), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=niced_chromium(Path(tmp)), args=BROWSER_ARGS)
        pages = []
        for i in range(sessions):
            page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
            if not draw:
                page.add_init_script(NO_DRAWING)
            on_script_error(page, lambda text, i=i: errors.append(
                {"page": i, "at": time.monotonic(), "error": text[:300]}))
            page.goto(f"{url}/?dataset={DATASETS[i % len(DATASETS)]}&seed={i}")
            pages.append(page)
        for page in pages:
            page.locator(".st-key-playground-status").wait_for(timeout=180_000)
        playing = [False] * sessions
        dead: set[int] = set()
        rng = random.Random(seed)
        end = time.monotonic() + seconds
        while time.monotonic() < end and len(dead) < sessions:
            i = rng.choice([k for k in range(sessions) if k not in dead])
            press, expect = ("Pause", "Play") if playing[i] else ("Play", "Pause")
            page = pages[i]
            try:
                page.get_by_role("button", name=press, exact=True).click(timeout=30_000)
                clicked = time.perf_counter()
                actions.append((i, time.monotonic(), press))
                page.get_by_role("button", name=expect, exact=True).wait_for(timeout=30_000)
            except Exception as e:  # noqa: BLE001 - a page that stops answering is the finding
                unanswered.append({"page": i, "pressing": press, "error": str(e)[:300],
                                   "status": _status(page)})
                dead.add(i)
                continue
            if press == "Pause":
                pauses.append(time.perf_counter() - clicked)
            playing[i] = not playing[i]
            time.sleep(rng.uniform(0.0, 0.6))
        browser.close()
        log.seek(0)
        tracebacks = log.read().count("Traceback")
    for e in errors:
        e["clicks_before"] = [press for page, at, press in actions
                              if page == e["page"] and at <= e["at"]][-3:]
        del e["at"]
    return {
        "sessions": sessions, "seconds": seconds, "pages_draw": draw, "clicks": len(actions),
        "pauses": len(pauses),
        "pause_s": {"median": statistics.median(pauses), "max": max(pauses)} if pauses else None,
        "pauses_over_1s": sum(t > 1.0 for t in pauses),
        "page_script_errors": errors, "pages_not_answering": unanswered,
        "server_tracebacks": tracebacks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0, help="which pages and pauses, in turn")
    parser.add_argument("--no-draw", action="store_true",
                        help="the pages do not paint their figures (as load.py by default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    out = run_clicks(args.sessions, args.seconds, not args.no_draw, args.seed)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    pause = out["pause_s"]
    print(f"{out['clicks']} clicks in {out['sessions']} pages over {out['seconds']:g} s; "
          f"Pause: {out['pauses']} pressed"
          + (f", median {pause['median']:.2f} s, max {pause['max']:.2f} s, "
             f"{out['pauses_over_1s']} over 1 s" if pause else ""))
    print(f"page script errors: {len(out['page_script_errors'])}; pages that stopped answering: "
          f"{len(out['pages_not_answering'])}; server tracebacks: {out['server_tracebacks']}")
    for e in out["page_script_errors"]:
        print(f"  page {e['page']} after {e['clicks_before']}: {e['error']}")
    for u in out["pages_not_answering"]:
        print(f"  page {u['page']} pressing {u['pressing']}: {u['error']}; shows {u['status']}")


if __name__ == "__main__":
    main()
