"""Live plotly figures that update in place: a small Streamlit component that calls
`Plotly.react` on the same <div> every redraw.

Why not `st.plotly_chart`: Streamlit 1.67 hashes the whole figure spec into the chart's element
id, so every redraw of a changed figure is a *new* element. The browser unmounts the old chart
and mounts a fresh one, which draws asynchronously: a blank frame, and stale copies in the DOM
while the new one mounts. Measured on a quiet 2-core machine (`tests/e2e/measure.py` for the
Playground; a bare page redrawing 500 points 4 times a second): `st.plotly_chart` showed a blank
or doubled chart in some samples and two plot nodes at once, the component none of either.
A components-v2 element keyed by the user key keeps its identity while its data changes, so the
same <div> is updated by `Plotly.react`, which diffs and redraws without clearing.

plotly.js itself comes from the installed `plotly` package (the file plotly.py ships for offline
HTML), sent once per browser session through a hidden loader element: nothing is downloaded
from the internet at install or run time.
"""

from __future__ import annotations

import functools
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

LOADER_KEY = "playground.plotly_js"
# The toolbar's camera saves a PNG in the browser at 3x the size on screen (a 700-pixel-wide
# figure becomes 2100 pixels: 300 dpi at 7 inches), with no server-side renderer (docs/DESIGN.md,
# "Things to take away").
PNG_EXPORT = {"toImageButtonOptions": {"format": "png", "scale": 3}}
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["lasso2d", "select2d"], **PNG_EXPORT}

# Evaluates plotly.min.js once per page (window.Plotly survives page switches, which do not
# reload the document) and tells Python, which then stops sending it.
_LOADER_JS = r"""
export default function (component) {
  const { data, setStateValue } = component;
  if (!window.Plotly && data && data.library) {
    (0, eval)(data.library);
    window.dispatchEvent(new Event("playground-plotly-ready"));
  }
  if (window.Plotly) setStateValue("ready", true);
}
"""

# Draws (or re-draws in place) one figure. Fonts follow the page's, as st.plotly_chart's theme
# does. `data-step` on the plot lets tests and the measurement script read which step is shown.
_CHART_JS = r"""
// A figure with an aspect (plot height / plot width) takes its height from its width, so small
// multiples stay square at any screen width instead of leaving gaps beside squeezed panels.
function fitHeight(div, layout, aspect) {
  if (!aspect) return layout.height || 450;
  const m = layout.margin || {};
  const width = Math.max(0, div.clientWidth - (m.l ?? 80) - (m.r ?? 80));
  return Math.round(width * aspect + (m.t ?? 100) + (m.b ?? 80));
}
function follow(div, layout, aspect) {
  let width = div.clientWidth;
  const observer = new ResizeObserver(() => {
    if (div.clientWidth === width) return;
    width = div.clientWidth;
    const height = fitHeight(div, layout, aspect);
    div.style.height = height + "px";
    window.Plotly.relayout(div, { height });
  });
  observer.observe(div);
  return () => observer.disconnect();
}
function draw(parentElement, data) {
  let div = parentElement.querySelector("div.playground-plot");
  if (!div) {
    div = document.createElement("div");
    div.className = "playground-plot";
    div.style.width = "100%";
    parentElement.appendChild(div);
  }
  // an unchanged figure (a tick that trained nothing, charts between their refreshes) costs
  // the browser nothing
  if (div.playgroundFigure === data.figure) {
    div.dataset.step = String(data.step);
    return data.aspect ? follow(div, div.layout, data.aspect) : undefined;
  }
  div.playgroundFigure = data.figure;
  const fig = JSON.parse(data.figure);
  const layout = fig.layout || {};
  const style = getComputedStyle(document.body);
  layout.font = Object.assign({ family: style.fontFamily, color: style.color }, layout.font);
  layout.paper_bgcolor = layout.paper_bgcolor || "rgba(0,0,0,0)";
  layout.height = fitHeight(div, layout, data.aspect);
  div.style.height = layout.height + "px";
  window.Plotly.react(div, fig.data, layout, data.config);
  div.dataset.step = String(data.step);
  return data.aspect ? follow(div, layout, data.aspect) : undefined;
}
export default function (component) {
  const { parentElement, data } = component;
  if (window.Plotly) return draw(parentElement, data);
  let cleanup;
  const later = () => { cleanup = draw(parentElement, data); };
  window.addEventListener("playground-plotly-ready", later, { once: true });
  return () => {
    window.removeEventListener("playground-plotly-ready", later);
    if (cleanup) cleanup();
  };
}
"""


@functools.cache
def _components():
    loader = st.components.v2.component("playground.plotly_loader", js=_LOADER_JS)
    # isolate_styles=False: plotly.js puts its stylesheet (modebar, hover labels) in the page's
    # <head>, which does not reach into a shadow root
    chart = st.components.v2.component("playground.live_plot", js=_CHART_JS,
                                       isolate_styles=False)
    return loader, chart


@functools.cache
def _library() -> str:
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()


def _ignore() -> None:
    """The loader's state is read, not acted on: a callback makes `ready` a state value."""


def load_plotly() -> None:
    """Render the hidden loader: plotly.js goes to the browser until it reports it has it.
    Call it in the full run of every page that draws live plots, outside any fragment."""
    loader, _ = _components()
    ready = bool((st.session_state.get(LOADER_KEY) or {}).get("ready"))
    loader(key=LOADER_KEY, data=None if ready else {"library": _library()},
           on_ready_change=_ignore, height=0)


def figure_spec(fig: go.Figure) -> str:
    """The JSON `live_plot` sends (numpy arrays travel base64-encoded, float32)."""
    return pio.to_json(fig, validate=False)


def live_plot(
    fig: go.Figure | str, key: str, *, step: int | None = None, aspect: float | None = None
) -> None:
    """Draw `fig` (a figure or its `figure_spec`); the element with this key keeps its identity
    across reruns, so the browser updates the existing plot instead of replacing it, and skips
    the redraw when the spec is the one it drew last. With `aspect` (plot height over plot
    width, margins excluded) the height follows the width the browser gives the plot."""
    _, chart = _components()
    spec = fig if isinstance(fig, str) else figure_spec(fig)
    chart(key=key, data={"figure": spec, "config": CONFIG, "step": step, "aspect": aspect})
