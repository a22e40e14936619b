"""Figures of the live Playground: the 2D landscape (D(x), real and fake points, the G-loss
gradient arrows, the warped latent grid) and the training charts over steps.

Pure functions of records (numpy only in, `go.Figure` out), so they are tested without
Streamlit. Every array handed to plotly is float32: plotly sends numpy arrays base64-encoded,
and float32 halves the bytes of each redraw. Axis ranges are fixed from the dataset bounds so
frames do not jump while training.

Point clouds are `scattergl` traces, lines SVG: the live plot component (ui/plot.py) draws the
point clouds on a 2D canvas of its own (no WebGL needed), and SVG markers were the largest part
of the browser's redraw time (123-168 ms per redraw against 88-100 ms with plotly's WebGL points,
measured with Plotly.react in headless Chromium; the arrow and grid lines stay SVG: as WebGL
they were slower).
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..animation import shown_range
from ..catalog import LOSSES, PROBABILITY, Output
from ..records import Snapshot
from ..theory import sigmoid

LAYERS = ("D(x) heatmap", "real", "fake", "G gradient", "latent grid")
DEFAULT_LAYERS = ("D(x) heatmap", "real", "fake", "G gradient")

# Arrow length = ARROW_SCALE * |-grad_x g_loss| in units of a 6-wide view (the ring's), scaled
# with the view. One constant for every loss and step, so a vanishing minimax gradient shows
# as a vanishing arrow; 0.3 makes a typical non-saturating gradient (0.2-1) visible.
ARROW_SCALE = 0.3
ARROW_CAP = 0.08  # longest arrow as a fraction of the view width (the few huge ones)
N_ARROWS = 128  # the first probe points carry arrows: same latent z in every frame
MAX_CHART_POINTS = 500

REAL_COLOR = "#1b9e77"
FAKE_COLOR = "#7b3294"
ARROW_COLOR = "#e7298a"
AVG_COLOR = "#e66101"  # the averaged generator's points (orange rings)
GRID_COLOR = "rgba(90, 90, 90, 0.45)"
# D(x): purple where D says fake, green where it says real (GAN Lab's convention), white at 1/2
# Streamlit's theme styles the charts in the browser; plotly's default template would add ~7 KB
# to every redraw for nothing
EMPTY_TEMPLATE = go.layout.Template()
D_COLORSCALE = [[0.0, "#9970ab"], [0.5, "#f7f7f7"], [1.0, "#5aae61"]]


def _f32(a) -> np.ndarray:
    """float32 copy with non-finite values as NaN (plotly draws NaN as a gap; inf breaks axes)."""
    a = np.asarray(a, dtype=np.float32)
    return np.where(np.isfinite(a), a, np.float32(np.nan))


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line segments start->end as one polyline separated by NaN (one trace for all of them)."""
    n = len(starts)
    pts = np.full((n, 3, 2), np.nan, dtype=np.float32)
    pts[:, 0], pts[:, 1] = starts, ends
    pts = pts.reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


def arrow_lines(
    origins: np.ndarray, vectors: np.ndarray, span: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Arrow shafts and heads for `vectors` drawn at `origins` on a view `span` wide, as one
    NaN-separated polyline; returns (x, y, data units per unit of gradient)."""
    scale = ARROW_SCALE * span / 6.0
    cap = ARROW_CAP * span
    origins, vectors = _f32(origins), _f32(vectors)
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    drawn = np.minimum(length * scale, cap)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = np.where(length > 0, vectors / length, 0.0)
    tips = origins + unit * drawn
    # two head strokes at +-150 degrees from the direction, a quarter of the arrow long (capped)
    head = np.minimum(drawn * 0.35, 0.02 * span)
    c, s = math.cos(math.radians(150)), math.sin(math.radians(150))
    left = np.stack([unit[:, 0] * c - unit[:, 1] * s, unit[:, 0] * s + unit[:, 1] * c], 1)
    right = np.stack([unit[:, 0] * c + unit[:, 1] * s, -unit[:, 0] * s + unit[:, 1] * c], 1)
    starts = np.concatenate([origins, tips, tips])
    ends = np.concatenate([tips, tips + left * head, tips + right * head])
    x, y = _segments(starts, ends)
    return x, y, scale


def _warp_lines(warp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lines, points, 2) -> one NaN-separated polyline."""
    lines = _f32(warp)
    pad = np.full((len(lines), 1, 2), np.nan, dtype=np.float32)
    pts = np.concatenate([lines, pad], 1).reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


@dataclass(frozen=True)
class DScale:
    """The colour range of D's shown output in a landscape, the value drawn as a dotted line,
    and what the colour bar calls the two ends and the line."""

    lo: float
    hi: float
    mid: float
    title: str
    lo_text: str
    hi_text: str
    mid_text: str


def d_scale(snap: Snapshot, half_width: float | None = None) -> DScale:
    """The colours of `snap`'s landscape (animation.shown_range: a loss's fixed range, a
    critic's around its own centre, `half_width` wide on each side when given) and the words
    of its colour bar."""
    out = LOSSES[snap.loss].output
    lo, hi, mid = shown_range(snap, half_width)
    if out.lo is not None:
        return DScale(lo, hi, mid, out.name, out.lo_text, out.hi_text,
                      f"{mid:g}" if out.kind == "raw" else "½")
    return DScale(lo, hi, mid, out.name, f"{lo:.3g} {out.lo_text}", f"{hi:.3g} {out.hi_text}",
                  f"{mid:.3g}")


def shown_d(snap: Snapshot, d: np.ndarray) -> np.ndarray:
    """D's raw outputs as the pages show them: probabilities for the minimax and NS games."""
    d = _f32(d)
    if LOSSES[snap.loss].output.kind == "probability":
        return sigmoid(d).astype(np.float32)
    return d


def landscape_figure(
    snap: Snapshot,
    bounds: tuple[float, float, float, float],
    layers: tuple[str, ...] | list[str] = DEFAULT_LAYERS,
    *,
    height: int = 480,
    scale: DScale | None = None,
) -> go.Figure:
    """The game at one step: D's output with its decision line (D = 1/2 for a probability,
    see catalog.Output for the others), real and fake points, the direction and true relative
    size of the push the selected G loss gives each fake point, and the image of a latent
    lattice under G. `scale` (default `d_scale(snap)`) lets two landscapes share colours."""
    scale = scale or d_scale(snap)
    # Traces and layout are plain dicts wrapped once at the end: plotly validates each
    # add_trace / update_* call, which cost ~10x the time of one go.Figure(dict) per redraw.
    x0, x1, y0, y1 = (float(b) for b in bounds)
    span = max(x1 - x0, y1 - y0)
    data: list[dict] = []
    if "D(x) heatmap" in layers:
        # The fill is a heatmap and D = 1/2 a contour trace that draws only its line: the
        # browser redraws that pair in about half the time of one filled contour trace
        # (measured with Plotly.react on this figure in Chromium: 65 ms against 120 ms).
        # The heatmap's colours need no more than a byte per cell (D in 256 levels: a quarter
        # of the float32 bytes); the contour keeps float32 D for the line and the hover text.
        gx, gy, d = _f32(snap.grid_x), _f32(snap.grid_y), _f32(snap.d_grid)
        # colour = position of D's output in the scale's range, clipped to its ends
        unit = (np.nan_to_num(d, nan=scale.mid) - scale.lo) / (scale.hi - scale.lo)
        levels = np.round(np.clip(unit, 0.0, 1.0) * 255).astype(np.uint8)
        data.append(dict(
            type="heatmap", x=gx, y=gy, z=levels, zmin=0, zmax=255, zsmooth="fast",
            colorscale=D_COLORSCALE, opacity=0.85, hoverinfo="skip",
            colorbar=dict(title=dict(text=scale.title, side="right"), len=0.6, thickness=12,
                          tickvals=[0, 255 * (scale.mid - scale.lo) / (scale.hi - scale.lo),
                                    255],
                          ticktext=[scale.lo_text, scale.mid_text, scale.hi_text]),
            name=scale.title,
        ))
        data.append(dict(
            type="contour", x=gx, y=gy, z=d, zmin=scale.lo, zmax=scale.hi, showscale=False,
            contours=dict(start=scale.mid, end=scale.mid, size=1, coloring="none"),
            line=dict(color="#333333", width=1.5, dash="dot"),
            hovertemplate=f"x=%{{x:.2f}} y=%{{y:.2f}}<br>{scale.title}=%{{z:.3f}}<extra></extra>",
            name=f"{scale.title} = {scale.mid_text}",
        ))
    if "latent grid" in layers:
        wx, wy = _warp_lines(snap.warp)
        data.append(dict(type="scatter", x=wx, y=wy, mode="lines", hoverinfo="skip",
                         line=dict(color=GRID_COLOR, width=1), name="G(latent grid)"))
    if "real" in layers:
        data.append(dict(
            type="scattergl", x=_f32(snap.x_real[:, 0]), y=_f32(snap.x_real[:, 1]),
            mode="markers", marker=dict(size=4, color=REAL_COLOR, opacity=0.7), name="real",
            hoverinfo="skip",
        ))
    if "fake" in layers:
        d_shown = shown_d(snap, snap.d_fake_raw)
        fake = _f32(snap.x_fake)
        outside = _outside(fake, bounds)
        data.append(dict(
            type="scattergl", x=fake[~outside, 0], y=fake[~outside, 1],
            mode="markers", marker=dict(size=5, color=FAKE_COLOR, line=dict(width=0.5,
                                                                            color="white")),
            customdata=d_shown[~outside], name="fake G(z)",
            hovertemplate=f"G(z)=(%{{x:.2f}}, %{{y:.2f}})<br>{scale.title}="
                          "%{customdata:.3f}<extra></extra>",
        ))
        if outside.any():
            # pinned to the frame's edge, so a fake that leaves the view is still seen
            edge = np.clip(fake[outside], [x0, y0], [x1, y1]).astype(np.float32)
            data.append(dict(
                type="scattergl", x=edge[:, 0], y=edge[:, 1], mode="markers",
                marker=dict(size=7, symbol="triangle-up", color=FAKE_COLOR),
                customdata=fake[outside], name=f"fake outside the view ({outside.sum()})",
                hovertemplate="G(z)=(%{customdata[0]:.2f}, %{customdata[1]:.2f})"
                              "<extra>outside the view</extra>",
            ))
    if "fake" in layers and snap.x_fake_avg is not None:
        avg = np.clip(_f32(snap.x_fake_avg), [x0, y0], [x1, y1]).astype(np.float32)
        data.append(dict(
            type="scattergl", x=avg[:, 0], y=avg[:, 1], mode="markers", name="averaged G(z)",
            marker=dict(size=6, symbol="circle-open", color=AVG_COLOR, line=dict(width=1)),
            hoverinfo="skip",
        ))
    if "G gradient" in layers:
        n = min(N_ARROWS, len(snap.x_fake))
        ax, ay, scale = arrow_lines(snap.x_fake[:n], snap.g_grad[:n], span)
        data.append(dict(
            type="scatter", x=ax, y=ay, mode="lines", hoverinfo="skip",
            line=dict(color=ARROW_COLOR, width=1.5),
            name=f"−∇x G loss ({snap.loss}) × {scale:.2g}",
        ))
    layout = dict(
        xaxis=dict(range=[x0, x1], autorange=False, constrain="domain", showgrid=False,
                   zeroline=False),
        # equal scales by shrinking the plot area on both axes (never by widening a range)
        yaxis=dict(range=[y0, y1], autorange=False, scaleanchor="x", scaleratio=1,
                   constrain="domain", showgrid=False, zeroline=False),
        height=height, margin=dict(l=30, r=10, t=10, b=10), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.04, x=0, font=dict(size=11)),
        uirevision="landscape", template=EMPTY_TEMPLATE,
    )
    return go.Figure(dict(data=data, layout=layout))


def _outside(points: np.ndarray, bounds) -> np.ndarray:
    """(n,) True for points outside the view (non-finite ones too: they cannot be drawn)."""
    x0, x1, y0, y1 = bounds
    with np.errstate(invalid="ignore"):
        inside = ((points[:, 0] >= x0) & (points[:, 0] <= x1)
                  & (points[:, 1] >= y0) & (points[:, 1] <= y1))
    return ~inside


def landscape_caption(
    snap: Snapshot, bounds: tuple[float, float, float, float], layers
) -> str:
    """What the landscape shows at this step, one sentence per layer that is switched on."""
    parts = [f"Step {snap.step:,}."]
    if "D(x) heatmap" in layers:
        parts.append("Background: " + LOSSES[snap.loss].output.meaning)
    if "real" in layers or "fake" in layers:
        parts.append("Green dots: real data; purple dots: G(z) for 512 fixed z.")
    if "fake" in layers and snap.x_fake_avg is not None:
        parts.append("Orange rings: the same z through the averaged G, which the metrics and "
                     "the verdict judge.")
    if "fake" in layers:
        n_out = int(_outside(_f32(snap.x_fake), bounds).sum())
        if n_out:
            parts.append(f"{n_out} fakes lie outside the view: triangles on the edge mark them.")
    if "G gradient" in layers:
        parts.append("Arrows: the push −∇x of the selected G loss gives each fake point, at "
                     "one scale for every loss and step, so a short arrow is a weak signal "
                     "(minimax when D wins).")
    if "latent grid" in layers:
        parts.append("Grey lines: G's image of a square grid of z.")
    return " ".join(parts)


def _subsample(n: int, limit: int = MAX_CHART_POINTS) -> np.ndarray:
    """At most `limit` evenly spaced indices of range(n), first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def _penalty_line(step: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A penalty's line over the steps that computed it (lazy R1 computes it every r1_every-th
    step only), subsampled like the other lines; it breaks where the penalty was off for
    longer than its usual cadence (switched off mid-run, or a step that did not update D)."""
    rows = np.flatnonzero(np.isfinite(np.asarray(values, dtype=np.float64)))
    x, y = np.asarray(step, dtype=np.float64)[rows], np.asarray(values, dtype=np.float64)[rows]
    if len(rows) < 2:
        return _f32(x), y
    pick = _subsample(len(rows))
    gaps = np.diff(x)
    segment = np.concatenate([[0], np.cumsum(gaps > gaps.min())])
    cut = np.flatnonzero(np.diff(segment[pick]) > 0) + 1
    return _f32(np.insert(x[pick], cut, np.nan)), np.insert(y[pick], cut, np.nan)


def _decades_per_tick(*values: np.ndarray) -> int:
    """Tick spacing (in powers of ten) for a log axis: about four labelled ticks, only ever at
    powers of ten (plotly's default labels 2, 5... between them, unreadable when narrow)."""
    v = np.concatenate([np.asarray(a, dtype=np.float64) for a in values])
    v = v[np.isfinite(v) & (v > 0)]
    if len(v) < 2:
        return 1
    return max(1, math.ceil(math.log10(v.max() / v.min()) / 4))


PENALTY_TITLE = "penalties: R1, R2, gradient penalty"
PENALTIES = (("r1", "R1 E‖∇D(real)‖²", "#ff7f0e"), ("r2", "R2 E‖∇D(fake)‖²", "#8c564b"),
             ("gp", "GP E(‖∇f(x̂)‖ − 1)²", "#17becf"))


def chart_titles(n_modes: int, output: Output = PROBABILITY) -> tuple[str, ...]:
    """The six panels' titles; the second says what D's output is (a probability or not)."""
    d_title = ("mean D(real) / D(fake)" if output.kind == "probability" else
               f"mean {output.name} on real / fake (not a probability)")
    last = (("modes captured", "% high-quality samples") if n_modes else
            ("grid JS divergence", "sliced Wasserstein"))
    return ("losses", d_title, "gradient norms", PENALTY_TITLE, *last)


@functools.lru_cache(maxsize=16)
def _chart_grid(titles: tuple[str, ...]) -> dict:
    """The 3 x 2 panel layout (axis domains, title annotations) as a plain dict; cached, since
    make_subplots alone costs about as much as the rest of a redraw."""
    grid = make_subplots(rows=3, cols=2, subplot_titles=titles, vertical_spacing=0.1,
                         horizontal_spacing=0.1)
    return grid.layout.to_plotly_json()


def charts_figure(
    steps: dict[str, np.ndarray], evals: dict[str, np.ndarray], n_modes: int, *,
    cursor: int | None = None, height: int = 480, output: Output = PROBABILITY,
) -> go.Figure:
    """Training curves over steps and evaluations (subsampled to <= MAX_CHART_POINTS per line):
    `steps` / `evals` are History.steps / History.evals; n_modes 0 for data without modes;
    `cursor` marks one step (the replayed one) with a dashed line on every panel; `output`
    (catalog.Output of the run's loss) says whether D's means are probabilities."""
    idx = _subsample(len(steps["step"]))
    x = _f32(steps["step"][idx])
    data: list[dict] = []

    def line(name: str, xs, ys, panel: int, color: str, markers: bool = False) -> None:
        axis = "" if panel == 1 else str(panel)
        data.append(dict(
            type="scatter", x=xs, y=_f32(ys), mode="lines+markers" if markers else "lines",
            name=name, line=dict(color=color, width=1.5), marker=dict(size=4),
            xaxis="x" + axis, yaxis="y" + axis,
        ))

    line("D loss", x, steps["d_loss"][idx], 1, "#1f77b4")
    line("G loss", x, steps["g_loss"][idx], 1, "#d62728")
    line("D(real)", x, steps["d_real"][idx], 2, REAL_COLOR)
    line("D(fake)", x, steps["d_fake"][idx], 2, FAKE_COLOR)
    line("‖∇D‖", x, steps["grad_norm_d"][idx], 3, "#1f77b4")
    line("‖∇G‖", x, steps["grad_norm_g"][idx], 3, "#d62728")
    penalties = [(name, label, color) for name, label, color in PENALTIES
                 if np.isfinite(np.asarray(steps[name], dtype=np.float64)).any()]
    for name, label, color in penalties:
        line(label, *_penalty_line(steps["step"], steps[name]), 4, color)
    if not penalties:  # plotly draws no axes for a panel without a trace
        data.append(dict(type="scatter", x=[], y=[], xaxis="x4", yaxis="y4", showlegend=False,
                         hoverinfo="skip"))
    # evaluations too: a long run's thousands of them would otherwise outweigh every other
    # line in each redraw (a million steps, one evaluation per 100: 283 KB a chart, 68 now)
    ei = _subsample(len(evals["step"]))

    def ev(name: str) -> np.ndarray:
        return np.asarray(evals[name])[ei]

    ex = _f32(ev("step"))
    if n_modes:
        line("modes", ex, ev("modes_captured"), 5, "#444444", markers=True)
        line("% HQ", ex, 100 * ev("high_quality"), 6, "#2ca02c", markers=True)
    else:
        line("JS", ex, ev("js_grid"), 5, "#444444", markers=True)
        line("SWD", ex, ev("sliced_w"), 6, "#2ca02c", markers=True)

    layout = copy.deepcopy(_chart_grid(chart_titles(n_modes, output)))
    if output.kind == "probability":
        layout["yaxis2"].update(range=[0, 1])
    if len(x):  # one step axis for all six panels (a lone evaluation would get 99-101)
        for i in range(1, 7):
            layout[f"xaxis{'' if i == 1 else i}"]["range"] = [0, float(x[-1])]
    layout["yaxis3"].update(type="log", dtick=_decades_per_tick(steps["grad_norm_d"][idx],
                                                                 steps["grad_norm_g"][idx]),
                            exponentformat="power")
    if n_modes:
        layout["yaxis5"].update(range=[0, n_modes + 0.5])
        layout["yaxis6"].update(range=[0, 101])
    for note in layout["annotations"]:
        note["font"] = dict(size=12)
    for axis in ("xaxis5", "xaxis6"):  # the bottom row carries the shared x axis's title
        layout[axis]["title"] = dict(text="step", standoff=2, font=dict(size=11))
    if cursor is not None:
        layout["shapes"] = [dict(
            type="line", x0=cursor, x1=cursor, y0=0, y1=1, xref=f"x{'' if i == 1 else i}",
            yref=f"y{'' if i == 1 else i} domain", line=dict(color="#555555", dash="dash",
                                                              width=1),
        ) for i in range(1, 7)]
    if not penalties:
        layout["annotations"].append(dict(  # an empty panel should say why
            text="no penalty is on", x=0.5, y=0.5, xref="x4 domain", yref="y4 domain",
            showarrow=False, font=dict(size=12, color="#888888"),
        ))
    layout.update(
        height=height, margin=dict(l=40, r=10, t=30, b=10), showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.1, x=0, font=dict(size=11)),
        plot_bgcolor="white", uirevision="charts", template=EMPTY_TEMPLATE,
    )
    return go.Figure(dict(data=data, layout=layout))
