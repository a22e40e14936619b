"""Draw your own data: a canvas over the plot area where a click adds a point, a brush sprays
points (its size sets their spread), an eraser removes them, and Clear / Undo do what they say;
it can start from any built-in dataset to edit it.

Why a small components-v2 element and not `streamlit-drawable-canvas` (docs/DESIGN.md, "Your
own data"): that package (0.13.0) works with Streamlit 1.67, but it draws Fabric.js shapes in
pixels, with no spray brush and no brush eraser, and sends the whole Fabric scene back on every
stroke; this element keeps the points themselves, in data coordinates rounded to 0.01 (so a
link carries them compactly and exactly, see point_codec), and needs no extra package.
"""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from ..config import DATASETS, MAX_CUSTOM_POINTS, TrainConfig
from ..data import starter_points
from . import session
from .text import escape

CANVAS_KEY = "playground.draw.canvas"
VERSION_KEY = "playground.draw.version"  # bumped when Python replaces the canvas's points
START_KEY = "playground.draw.start"  # the points the canvas was (re)loaded with
OPEN_KEY = "playground.draw.shown"  # the dialog is open: every full rerun draws it again
VIEW = 5.0  # the canvas shows [-VIEW, VIEW]² (every built-in dataset fits), or more if needed
EMPTY = "empty canvas"
CURRENT = "the points in use now"

_CANVAS_JS = r"""
const COLOR = "#1b9e77";
function setup(root, data, setStateValue) {
  root.innerHTML = `
    <div style="display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin-bottom:6px;
                font-family:sans-serif;font-size:14px">
      <label><input type="radio" name="tool" value="brush" checked> Brush</label>
      <label><input type="radio" name="tool" value="erase"> Eraser</label>
      <label>Brush size <input type="range" class="size" min="0" max="1" step="0.05"
             value="0.15" style="vertical-align:middle;width:110px"></label>
      <span class="size-label"></span>
      <button class="undo" type="button">Undo</button>
      <button class="clear" type="button">Clear</button>
      <span class="count" style="margin-left:auto;font-weight:600"></span>
    </div>
    <canvas class="draw" style="border:1px solid #ccc;touch-action:none;cursor:crosshair;
            width:100%;max-width:560px;aspect-ratio:1/1;display:block"></canvas>`;
  const st = { points: [], undo: [], version: null, view: data.view, max: data.max,
               down: false, last: null, cursor: null };
  root.drawState = st;
  const canvas = root.querySelector("canvas.draw");
  const ctx = canvas.getContext("2d");
  const size = root.querySelector("input.size");
  const tool = () => root.querySelector("input[name=tool]:checked").value;
  const round = (v) => Math.round(v * 100) / 100;
  const toData = (e) => {
    const r = canvas.getBoundingClientRect();
    const v = st.view;
    return [v * (2 * (e.clientX - r.left) / r.width - 1),
            v * (1 - 2 * (e.clientY - r.top) / r.height)];
  };
  const send = () => setStateValue("points", st.points);
  const radius = () => Math.max(parseFloat(size.value), 0.1);  // the eraser's, in data units
  function gauss() {
    let u = 0, v = 0;
    while (u === 0) u = Math.random();
    while (v === 0) v = Math.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  function dab(p) {
    const s = parseFloat(size.value);
    if (tool() === "erase") {
      const r2 = radius() ** 2;
      st.points = st.points.filter(q => (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2 > r2);
      return;
    }
    const n = s === 0 ? 1 : 4;  // size 0: exactly the clicked point
    for (let i = 0; i < n && st.points.length < st.max; i++) {
      const x = round(p[0] + s * gauss()), y = round(p[1] + s * gauss());
      if (Math.abs(x) <= st.view && Math.abs(y) <= st.view) st.points.push([x, y]);
    }
  }
  function draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    if (canvas.width !== Math.round(w * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(w * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, w);
    const v = st.view, px = (x) => (x / v + 1) * w / 2, py = (y) => (1 - y / v) * w / 2;
    ctx.lineWidth = 1;
    for (let t = Math.ceil(-v); t <= v; t++) {
      ctx.strokeStyle = t === 0 ? "#bbb" : "#eee";
      ctx.beginPath(); ctx.moveTo(px(t), 0); ctx.lineTo(px(t), w); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, py(t)); ctx.lineTo(w, py(t)); ctx.stroke();
    }
    ctx.fillStyle = COLOR;
    for (const p of st.points) {
      ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 2.2, 0, 2 * Math.PI); ctx.fill();
    }
    if (st.cursor) {
      const r = (tool() === "erase" ? radius() : parseFloat(size.value)) * w / (2 * v);
      ctx.strokeStyle = tool() === "erase" ? "#d62728" : COLOR;
      ctx.beginPath(); ctx.arc(px(st.cursor[0]), py(st.cursor[1]), Math.max(r, 3), 0,
                               2 * Math.PI); ctx.stroke();
    }
    root.querySelector(".count").textContent =
      `${st.points.length.toLocaleString()} points` + (st.points.length >= st.max ?
      " (the most a run takes)" : "");
    root.querySelector(".size-label").textContent = `σ ${parseFloat(size.value).toFixed(2)}`;
  }
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    st.undo.push(st.points.slice());
    if (st.undo.length > 30) st.undo.shift();
    st.down = true;
    st.last = toData(e);
    dab(st.last);
    draw();
  });
  canvas.addEventListener("pointermove", (e) => {
    st.cursor = toData(e);
    if (st.down) {
      const step = Math.max(parseFloat(size.value) / 2, 0.05);
      const d = Math.hypot(st.cursor[0] - st.last[0], st.cursor[1] - st.last[1]);
      if (d >= step) { st.last = st.cursor; dab(st.cursor); }
    }
    draw();
  });
  const end = () => { if (st.down) { st.down = false; send(); } };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("pointerleave", () => { st.cursor = null; draw(); });
  size.addEventListener("input", draw);
  root.querySelector(".undo").addEventListener("click", () => {
    if (st.undo.length) { st.points = st.undo.pop(); draw(); send(); }
  });
  root.querySelector(".clear").addEventListener("click", () => {
    st.undo.push(st.points.slice()); st.points = []; draw(); send();
  });
  new ResizeObserver(draw).observe(canvas);
  return st;
}
export default function (component) {
  const { parentElement, data, setStateValue } = component;
  let root = parentElement.querySelector("div.playground-draw");
  if (!root) {
    root = document.createElement("div");
    root.className = "playground-draw";
    parentElement.appendChild(root);
  }
  const st = root.drawState || setup(root, data, setStateValue);
  if (st.version !== data.version) {  // Python loaded new points: replace the drawing
    st.version = data.version;
    st.view = data.view;
    st.points = data.points.slice();
    st.undo = [];
    setStateValue("points", st.points);
  }
  const canvas = root.querySelector("canvas.draw");
  canvas.dataset.points = String(st.points.length);
  requestAnimationFrame(() => canvas.dispatchEvent(new Event("pointerleave")));
}
"""


@functools.cache
def _canvas():
    return st.components.v2.component("playground.draw_canvas", js=_CANVAS_JS)


def _ignore() -> None:
    """The canvas's points are read when the user applies them, not on every stroke."""


def _load(points: tuple) -> None:
    ss = st.session_state
    ss[START_KEY] = points
    ss[VERSION_KEY] = ss.get(VERSION_KEY, 0) + 1


def _view(points) -> float:
    if not points:
        return VIEW
    return max(VIEW, float(np.abs(np.asarray(points)).max()) + 0.5)


def _apply(points) -> None:
    """Train on the drawn points: a new run from step 0, the rest of the config kept."""
    pts = tuple((float(x), float(y)) for x, y in points)
    with session.guard().first():
        session.touch()
        try:
            cfg = session.run().config.replace(dataset="custom", custom_points=pts)
        except ValueError as e:
            session.notify("error", f"Could not use the drawing: {escape(e, 600)}. The "
                                    "previous run is kept.")
            return
        st.session_state[session.CUSTOM_KEY] = pts
        st.session_state["dataset"] = "custom"
        session.reset_run(cfg)
    session.notify("info", f"Training on your {len(pts):,} drawn points.")


def _closed() -> None:
    st.session_state[OPEN_KEY] = False


@st.dialog("Draw your data", width="large", on_dismiss=_closed)
def draw_dialog() -> None:
    ss = st.session_state
    current = session.run().config.custom_points or ss.get(session.CUSTOM_KEY)
    if VERSION_KEY not in ss:
        _load(tuple(current) if current else starter_points("ring8"))
    # the first choice is what the canvas opens with
    choices = ([CURRENT] if current else []) + [*(d for d in DATASETS if d != "custom"), EMPTY]
    row = st.container(horizontal=True, vertical_alignment="bottom")
    start = row.selectbox("Start from", choices, key="playground.draw.from", width=240,
                          help="Replace the canvas with a built-in dataset (500 of its "
                               "points, to edit), your current points, or nothing.")
    if row.button("Load", key="playground.draw.load", icon=":material/restart_alt:"):
        _load(() if start == EMPTY else tuple(current) if start == CURRENT
              else starter_points(start))
    points = ss[START_KEY]
    result = _canvas()(
        key=CANVAS_KEY, on_points_change=_ignore,
        data={"points": [list(p) for p in points], "version": ss[VERSION_KEY],
              "view": _view(points), "max": MAX_CUSTOM_POINTS},
    )
    drawn = (result or {}).get("points") if isinstance(result, dict) else getattr(
        result, "points", None)
    st.caption(
        "Click to add a point; drag to spray points around the cursor (brush size = their "
        "standard deviation; size 0 draws exactly where you click); the eraser removes points "
        "under its circle. Training adds a little noise (σ "
        f"{TrainConfig().noise:g}) to every point. Points are kept to 0.01, so a link can "
        "carry them."
    )
    drawn = drawn if drawn is not None else [list(p) for p in points]
    if st.button("Train on these points", key="playground.draw.apply", type="primary",
                 icon=":material/check:", disabled=len(drawn) < 2,
                 help="Starts a new run on the drawn points (at least 2)."):
        _apply(drawn)
        _closed()
        st.rerun()


def render_draw_button() -> None:
    st.button("Draw points", key="playground.draw.open", icon=":material/draw:",
              on_click=_opened, width="stretch",
              help="Open a canvas to draw your own distribution, or edit a built-in one.")
    if st.session_state.get(OPEN_KEY):
        draw_dialog()


def _opened() -> None:
    st.session_state[OPEN_KEY] = True
    st.session_state.pop(VERSION_KEY, None)  # start from the points in use now
