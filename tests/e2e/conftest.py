"""Real-browser tests: a `streamlit run app.py` server and Debian's Chromium under Playwright.

`playwright install` downloads browsers, which CI cannot; the system `chromium` (apt) is used
through `executable_path`. Without it the tests skip locally, but fail when CI is set: the
real-browser check must never pass silently in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).absolute().parents[2]  # the repository (app.py)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu"]

# Where the landscape's last fake point (drawn on top of the others) is, in pixels from the
# plot's top left corner: the plot component keeps the points it draws on the plot element.
LAST_FAKE_IN_PLOT = """(gd) => {
    const g = gd.playgroundPoints.find(g => g.name === 'fake G(z)');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const [x0, x1] = xa.range, [y0, y1] = ya.range;
    return [xa._offset + (g.x[g.x.length - 1] - x0) / (x1 - x0) * xa._length,
            ya._offset + (y1 - g.y[g.y.length - 1]) / (y1 - y0) * ya._length];
}"""


def rgb(color: str) -> list[int]:
    """'#rrggbb' -> [r, g, b]."""
    return [int(color[i : i + 2], 16) for i in (1, 3, 5)]


def chromium_path() -> str | None:
    return (os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def niced_chromium(folder: Path) -> str:
    """A wrapper script in `folder` that runs the system Chromium at the lowest CPU priority: on
    a small machine the browser otherwise takes CPU from the server, which a real user's
    browser (on their own machine) does not. For the measurement scripts."""
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {chromium_path()} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


@contextlib.contextmanager
def streamlit_process(
    timeout: float = 60.0, log=subprocess.DEVNULL
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`streamlit run app.py` on a free port (output to `log`); yields the process and its URL,
    stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1",
         "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the Streamlit server did not start") from None
                time.sleep(0.25)
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0) -> Iterator[str]:
    """`streamlit run app.py` on a free port; yields its URL, stops it afterwards."""
    with streamlit_process(timeout) as (_, url):
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    exe = chromium_path()
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("no system Chromium (apt-get install chromium); CI would fail here")
    args = [*browser_type_launch_args.get("args", []), *BROWSER_ARGS]
    return {**browser_type_launch_args, "executable_path": exe, "args": args}


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with streamlit_server() as url:
        yield url
