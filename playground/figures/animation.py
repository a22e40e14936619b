"""The replay as one self-contained interactive HTML file: plotly frames with a slider and a
Play button, plotly.js inlined from the installed plotly package, so it opens offline.

Size: plotly.js is about 4.7 MB; each frame is the live landscape of its step (D's output as
bytes and as float32 for its line, points, arrows: about 70 KB), so 60 frames come to about 9 MB,
tested under MAX_HTML_BYTES.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from ..animation import FrameText, spread_frames
from ..records import Snapshot
from .live import FAKE_COLOR, landscape_figure

FRAME_MS = 150
MAX_HTML_BYTES = 10 * 1024 * 1024


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


REPLAY_LAYERS = ("D(x) heatmap", "real", "fake", "G gradient")


def _landscape(snap: Snapshot, bounds) -> go.Figure:
    return landscape_figure(snap, bounds, REPLAY_LAYERS)


def _slider(names: list[str], labels: list[str], y: float = -0.06) -> tuple[list, list]:
    """Play / Pause buttons and a slider over the frames, `y` below the plot area."""
    play = {"args": [None, {"frame": {"duration": FRAME_MS, "redraw": True},
                            "fromcurrent": True, "transition": {"duration": 0}}],
            "label": "Play", "method": "animate"}
    pause = {"args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
             "label": "Pause", "method": "animate"}
    menus = [{"type": "buttons", "buttons": [play, pause], "direction": "left", "x": 0,
              "y": y, "xanchor": "left", "yanchor": "top", "showactive": False}]
    steps = [{"args": [[n], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}],
              "label": lab, "method": "animate"} for n, lab in zip(names, labels)]
    sliders = [{"steps": steps, "x": 0.15, "len": 0.85, "y": y + 0.02, "yanchor": "top",
                "currentvalue": {"prefix": ""}}]
    return menus, sliders


def replay_figure(frames: list[tuple[Snapshot, FrameText]], bounds, title: str) -> go.Figure:
    """The landscape animated over (snapshot, header) frames (at most 60, spread)."""
    frames = spread_frames(frames)
    if not frames:
        raise ValueError("no frames to animate")
    names = [str(text.step) for _, text in frames]
    # each frame is the live view's landscape of that step (its colours, line and arrows)
    plotly_frames = [go.Frame(data=_landscape(snap, bounds).data, name=name,
                              layout={"title": {"text": f"{title}<br><sub>{text.line()}</sub>"}})
                     for (snap, text), name in zip(frames, names)]
    first_snap, first_text = frames[0]
    fig = _landscape(first_snap, bounds)
    fig.frames = plotly_frames
    # below the landscape's legend
    menus, sliders = _slider(names, [f"step {t.step:,}" for _, t in frames], y=-0.2)
    fig.update_layout(
        title={"text": f"{title}<br><sub>{first_text.line()}</sub>"}, width=680, height=820,
        updatemenus=menus, sliders=sliders, margin={"b": 200, "t": 90},
    )
    return fig


def panels_figure(frames: list[tuple[int, list[np.ndarray]]], labels: list[str],
                  real: np.ndarray, bounds, notes: list[list[str]] | None = None) -> go.Figure:
    """One panel per variant (its generated points over the real ones), animated over
    (step, points per panel) frames; `notes[f][p]` is added under each panel's title."""
    picked = spread_frames(list(range(len(frames))))
    if not picked:
        raise ValueError("no frames to animate")
    n = len(labels)
    fig = make_subplots(rows=1, cols=n, subplot_titles=labels, horizontal_spacing=0.02)

    def traces(f: int) -> list:
        out = []
        for p in range(n):
            out.append(go.Scatter(x=_f32(real[:, 0]), y=_f32(real[:, 1]), mode="markers",
                                  marker={"size": 3, "color": "#bbbbbb"}, name="real",
                                  showlegend=p == 0, xaxis=f"x{p + 1}", yaxis=f"y{p + 1}"))
            pts = frames[f][1][p]
            out.append(go.Scatter(x=_f32(pts[:, 0]), y=_f32(pts[:, 1]), mode="markers",
                                  marker={"size": 3, "color": FAKE_COLOR}, name="fake G(z)",
                                  showlegend=p == 0, xaxis=f"x{p + 1}", yaxis=f"y{p + 1}"))
        return out

    def title(f: int) -> str:
        text = f"step {frames[f][0]:,}"
        if notes is not None:
            text += "<br><sub>" + " | ".join(f"{lab}: {note}" for lab, note
                                             in zip(labels, notes[f])) + "</sub>"
        return text

    names = [str(frames[f][0]) for f in picked]
    for t in traces(picked[0]):
        fig.add_trace(t)
    fig.frames = [go.Frame(data=traces(f), name=name, layout={"title": {"text": title(f)}})
                  for f, name in zip(picked, names)]
    x0, x1, y0, y1 = bounds
    fig.update_xaxes(range=[x0, x1], showticklabels=False)
    fig.update_yaxes(range=[y0, y1], showticklabels=False)
    for p in range(n):
        fig.update_yaxes(scaleanchor=f"x{p + 1}", row=1, col=p + 1)
    menus, sliders = _slider(names, [f"step {frames[f][0]:,}" for f in picked])
    fig.update_layout(title={"text": title(picked[0])}, height=420, width=max(480, 300 * n),
                      updatemenus=menus, sliders=sliders, margin={"b": 120, "t": 110})
    return fig


def to_html(fig: go.Figure) -> str:
    """A complete HTML page with plotly.js inlined: it opens without a network."""
    return pio.to_html(fig, include_plotlyjs=True, full_html=True, auto_play=False,
                       config={"displaylogo": False})
