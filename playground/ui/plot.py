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

The point clouds (a figure's `scattergl` traces) are drawn by the component on a 2D canvas over
the plot, not with WebGL: Chrome from version 139 creates no WebGL context on a machine without
GPU acceleration (a VM, a remote desktop), where plotly then shows only "WebGL is not
supported" in place of the whole plot, and where WebGL is software-rendered the canvas is also
cheaper (`python tests/e2e/measure.py --redraw`: 1.9x less renderer time per landscape redraw).

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
# for st.plotly_chart (the theory pages' figures): the same PNG size
CHART_CONFIG = {"displaylogo": False, **PNG_EXPORT}

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
#
# Point clouds (the figure's scattergl traces) are drawn on a 2D canvas over the plot, not by
# plotly with WebGL (why: this module's docstring). Each such trace stays in the figure as an
# empty trace of the same name and marker, so the legend shows and toggles it; the hover on the
# points and the toolbar's PNG button are this component's, so both include the points (and the
# PNG keeps the page's font, see embeddedFont).
_CHART_JS = r"""
const DTYPES = { f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array,
                 i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array };
// plotly.py sends numpy arrays as {dtype, bdata: base64, shape}; rows of a 2D array as arrays
function decode(v) {
  if (!v || !v.bdata) return v;
  const bytes = Uint8Array.from(atob(v.bdata), c => c.charCodeAt(0));
  const flat = new DTYPES[v.dtype](bytes.buffer);
  const shape = String(v.shape || flat.length).split(",").map(Number);
  if (shape.length < 2) return flat;
  const row = shape[1];
  return Array.from({ length: shape[0] }, (_, i) => flat.subarray(i * row, (i + 1) * row));
}
// The scattergl traces become point groups this component draws; each keeps its place in the
// figure as an empty trace, so the legend (and a click on it) still works.
function takePoints(fig) {
  const groups = [];
  fig.data = (fig.data || []).map((t, index) => {
    if (t.type !== "scattergl") return t;
    groups.push({ index, x: decode(t.x) || [], y: decode(t.y) || [],
                  customdata: decode(t.customdata), marker: t.marker || {}, name: t.name || "",
                  hovertemplate: t.hovertemplate, hoverinfo: t.hoverinfo,
                  xaxis: t.xaxis || "x", yaxis: t.yaxis || "y" });
    return { type: "scatter", mode: "markers", x: [null], y: [null], name: t.name,
             marker: t.marker, showlegend: t.showlegend, legendgroup: t.legendgroup,
             xaxis: t.xaxis, yaxis: t.yaxis, hoverinfo: "skip" };
  });
  return groups;
}
function axis(layout, id) { return layout[id.replace(/^([xy])/, "$1axis")]; }
// data -> pixels for one group, from the axes' ranges (`ranges` while a drag is in progress)
function mapper(gd, g, ranges) {
  const L = gd._fullLayout, xa = axis(L, g.xaxis), ya = axis(L, g.yaxis);
  if (!xa || !ya) return null;
  const [x0, x1] = ranges?.[g.xaxis] || xa.range, [y0, y1] = ranges?.[g.yaxis] || ya.range;
  return {
    px: x => xa._offset + (x - x0) / (x1 - x0) * xa._length,
    py: y => ya._offset + (y1 - y) / (y1 - y0) * ya._length,
    clip: [xa._offset, ya._offset, xa._length, ya._length],
  };
}
function shown(gd, g) {
  const t = (gd._fullData || []).find(d => d.index === g.index);
  return !t || t.visible === true;
}
function drawGroups(ctx, gd, groups, ranges) {
  for (const g of groups) {
    const m = mapper(gd, g, ranges);
    if (!m || !shown(gd, g)) continue;
    const mk = g.marker, r = (mk.size ?? 6) / 2, symbol = mk.symbol || "circle";
    const open = symbol.endsWith("-open"), line = mk.line || {};
    ctx.save();
    ctx.beginPath();
    ctx.rect(...m.clip);
    ctx.clip();
    ctx.globalAlpha = mk.opacity ?? 1;
    const color = mk.color || "#444", outlined = !open && line.width > 0;
    ctx.fillStyle = color;
    ctx.strokeStyle = open ? color : line.color || "#fff";
    ctx.lineWidth = open ? line.width ?? 1 : line.width || 0;
    const paint = () => {
      if (!open) ctx.fill();
      if (open || outlined) ctx.stroke();
    };
    // an outlined marker is filled and outlined before the next one covers it, as plotly does
    // (outlines drawn after every fill would whiten a dense clump); others are one path
    ctx.beginPath();
    for (let i = 0; i < g.x.length; i++) {
      const x = m.px(g.x[i]), y = m.py(g.y[i]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (outlined) ctx.beginPath();
      if (symbol.startsWith("triangle-up")) {
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + 0.866 * r, y + 0.5 * r);
        ctx.lineTo(x - 0.866 * r, y + 0.5 * r);
        ctx.closePath();
      } else {
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      if (outlined) paint();
    }
    if (!outlined) paint();
    ctx.restore();
  }
}
// the points canvas: right after the plot's own SVG, so over the plot and under the legend,
// colour bar and hover labels (plotly's later layers)
function paintPoints(gd, ranges) {
  const groups = gd.playgroundPoints || [];
  let canvas = gd.querySelector("canvas.playground-points");
  const container = gd.querySelector(".svg-container");
  if (!groups.length || !container) { if (canvas) canvas.remove(); return; }
  if (!canvas || canvas.parentElement !== container) {
    canvas = document.createElement("canvas");
    canvas.className = "playground-points";
    Object.assign(canvas.style,
                  { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
    container.insertBefore(canvas, container.firstElementChild.nextSibling);
  }
  const { width, height } = gd._fullLayout, dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    canvas.style.width = width + "px"; canvas.style.height = height + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  drawGroups(ctx, gd, groups, ranges);
}
// the ranges of a drag in progress, from plotly_relayouting's event ({"xaxis.range[0]": ...})
function dragRanges(event) {
  const out = {};
  for (const [key, value] of Object.entries(event || {})) {
    const m = key.match(/^([xy])axis(\d*)\.range\[([01])\]$/);
    if (m) (out[m[1] + m[2]] ||= [])[Number(m[3])] = value;
  }
  return out;
}
function format(template, g, i) {
  const values = { x: g.x[i], y: g.y[i], customdata: g.customdata?.[i] };
  return template.replace(/%\{(\w+)(?:\[(\d+)\])?(?::([^}]*))?\}/g, (_, field, k, fmt) => {
    const v = k === undefined ? values[field] : values[field]?.[Number(k)];
    const digits = fmt && fmt.match(/^\.(\d+)f$/);
    return v === undefined ? "" : digits ? Number(v).toFixed(Number(digits[1])) : String(v);
  }).replace(/<extra>(.*?)<\/extra>/, (_, extra) => extra ? "<br>" + extra : "");
}
function hideHover(gd) {
  const label = gd.querySelector("div.playground-hover");
  const hoverLayer = gd.querySelector(".hoverlayer");
  if (label) label.style.display = "none";
  if (hoverLayer) hoverLayer.style.visibility = "";
}
// hover on the points: the nearest one within 8 px, labelled by its trace's template or name
function hover(gd, event) {
  let label = gd.querySelector("div.playground-hover");
  const box = gd.getBoundingClientRect();
  const mx = event.clientX - box.left, my = event.clientY - box.top;
  let best = null, bestD = 64;
  for (const g of gd.playgroundPoints || []) {
    if (g.hoverinfo === "skip" || g.hoverinfo === "none" || !shown(gd, g)) continue;
    const m = mapper(gd, g);
    if (!m) continue;
    for (let i = 0; i < g.x.length; i++) {
      const d = (m.px(g.x[i]) - mx) ** 2 + (m.py(g.y[i]) - my) ** 2;
      if (d < bestD) { bestD = d; best = { g, i, x: m.px(g.x[i]), y: m.py(g.y[i]) }; }
    }
  }
  if (!best) return hideHover(gd);
  if (!label) {
    label = document.createElement("div");
    label.className = "playground-hover";
    Object.assign(label.style, { position: "absolute", pointerEvents: "none", padding: "3px 6px",
      font: "12px sans-serif", color: "white", borderRadius: "2px", zIndex: 1001,
      whiteSpace: "nowrap" });
    gd.appendChild(label);
  }
  const g = best.g;
  label.innerHTML = g.hovertemplate ? format(g.hovertemplate, g, best.i) : g.name;
  label.style.background = g.marker.color || "#444";
  label.style.left = best.x + 10 + "px";
  label.style.top = best.y - 10 + "px";
  label.style.display = "block";
  const hoverLayer = gd.querySelector(".hoverlayer");
  if (hoverLayer) hoverLayer.style.visibility = "hidden";  // one label at a time
}
// The figure's font (the page's, "Source Sans" in Streamlit) as @font-face rules whose files
// are data URLs. An SVG drawn as an image loads nothing from outside, so without them its text
// fell back to a wider system font, while plotly had sized the legend for the page's font: the
// legend's clip cut its last entry ("× 0.3" came out "× 0").
async function embeddedFont(family) {
  const unquote = name => name.trim().replace(/^["']|["']$/g, "");
  const wanted = unquote(family.split(",")[0]);
  const faces = [];
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch { continue; }  // another origin's sheet
    for (const rule of rules) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const src = rule.style.getPropertyValue("src").match(/url\(["']?([^"')]+)["']?\)/);
      if (unquote(rule.style.getPropertyValue("font-family")) !== wanted || !src ||
          (rule.style.getPropertyValue("font-style") || "normal") !== "normal") continue;
      const blob = await (await fetch(new URL(src[1], sheet.href || document.baseURI))).blob();
      const url = await new Promise(done => {
        const reader = new FileReader();
        reader.onload = () => done(reader.result);
        reader.readAsDataURL(blob);
      });
      const weight = rule.style.getPropertyValue("font-weight") || "normal";
      faces.push(`@font-face { font-family: "${wanted}"; font-style: normal; ` +
                 `font-weight: ${weight}; src: url("${url}"); }`);
    }
  }
  return faces.join("\n");
}
// plotly's image of the figure at `scale`, drawn from its SVG with the figure's font embedded
async function figureImage(gd, scale) {
  const { width, height } = gd._fullLayout;
  const svg = await window.Plotly.toImage(gd, { format: "svg", width, height });
  let text = decodeURIComponent(svg.slice(svg.indexOf(",") + 1));
  const faces = await embeddedFont(gd._fullLayout.font.family).catch(() => "");
  if (faces) text = text.replace(/<svg[^>]*>/, open => `${open}<style>${faces}</style>`);
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  await image.decode();
  URL.revokeObjectURL(image.src);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale); canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return { canvas, ctx };
}
// The toolbar's camera: the figure in its own font, with the points drawn over it
async function savePng(gd, options) {
  const scale = options.scale || 1;
  const { canvas, ctx } = await figureImage(gd, scale);
  ctx.scale(scale, scale);
  drawGroups(ctx, gd, gd.playgroundPoints || []);
  const a = document.createElement("a");
  a.href = canvas.toDataURL("image/png");
  a.download = (options.filename || "newplot") + ".png";
  a.click();
}
// Plotly.react compares configs (functions by identity) and redraws from scratch on any change:
// the config with this camera is built once per plot and reused while the server's is the same
function withCamera(div, config) {
  const key = JSON.stringify(config);
  if (div.playgroundConfig?.key !== key) {
    const options = config.toImageButtonOptions || {};
    const camera = { name: "Download plot as a PNG", title: "Download plot as a PNG",
                     icon: window.Plotly.Icons.camera, click: gd => savePng(gd, options) };
    div.playgroundConfig = { key, config: Object.assign({}, config, {
      modeBarButtonsToRemove: [...(config.modeBarButtonsToRemove || []), "toImage"],
      modeBarButtonsToAdd: [camera],
    }) };
  }
  return div.playgroundConfig.config;
}
function listen(div) {
  if (div.playgroundListening) return;
  div.playgroundListening = true;
  div.on("plotly_afterplot", () => { paintPoints(div); div.playgroundPainted = true; });
  div.on("plotly_relayouting", event => paintPoints(div, dragRanges(event)));
  div.addEventListener("mousemove", event => hover(div, event));
  div.addEventListener("mouseleave", () => hideHover(div));
}
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
    div.style.position = "relative";
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
  const groups = takePoints(fig);
  const layout = fig.layout || {};
  const style = getComputedStyle(document.body);
  layout.font = Object.assign({ family: style.fontFamily, color: style.color }, layout.font);
  layout.paper_bgcolor = layout.paper_bgcolor || "rgba(0,0,0,0)";
  layout.height = fitHeight(div, layout, data.aspect);
  div.style.height = layout.height + "px";
  div.playgroundPoints = groups;
  div.playgroundPainted = false;
  const drawn = window.Plotly.react(div, fig.data, layout, withCamera(div, data.config));
  listen(div);
  hideHover(div);  // its point has moved, as plotly's own labels go when it redraws
  // plotly's afterplot paints the points (as after legend clicks, zooms and resizes); a figure
  // whose only change is in the points gives plotly nothing to redraw, and no afterplot
  drawn.then(() => { if (!div.playgroundPainted) paintPoints(div); });
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
