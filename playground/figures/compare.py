"""Figures of the Compare page: arrays in, `go.Figure` out (no streamlit, no torch).

Small figures that the page lays out in columns, so that they reflow on a narrow screen: one
figure of sample panels per variant (its seeds in rows of at most PANEL_COLUMNS square panels)
and one figure per metric (one line per variant). A phone stacks the columns; a single wide
figure would squeeze every panel and overlap the titles of its subplots instead."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

# Okabe-Ito (distinguishable with the common colour-vision deficiencies), ordered so that the
# first four are four different hues: blue, orange, bluish green, reddish purple (the palette's
# near pairs, blue / sky blue and orange / vermillion, only meet from the fifth variant on)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
           "#000000")
REFERENCE_COLOR = "rgba(120, 120, 120, 0.5)"
PANEL_COLUMNS = 4  # seed panels per row of a variant's figure
PANEL_MARGIN = dict(l=4, r=4, t=22, b=4)  # the seed titles sit in the top margin of each row
ROW_GAP = 0.08  # between rows of panels, as a fraction of a panel's height

CURVE_TITLES = {
    "modes_captured": "modes captured",
    "high_quality": "high-quality samples",
    "reverse_kl": "reverse KL (modes)",
    "js_grid": "grid JS divergence",
    "sliced_w": "sliced W1",
}


def variant_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def panel_shape(n_seeds: int) -> tuple[int, int]:
    """(rows, columns) of a variant's seed panels."""
    cols = max(1, min(PANEL_COLUMNS, n_seeds))
    return math.ceil(n_seeds / cols), cols


def panels_aspect(n_seeds: int) -> float:
    """Plot height over plot width of `seed_panels` (margins excluded): square panels."""
    rows, cols = panel_shape(n_seeds)
    return (rows + ROW_GAP * (rows - 1)) / cols


def seed_panels(
    samples: Sequence[np.ndarray],
    seeds: Sequence[int],
    bounds: tuple[float, float, float, float],
    reference: np.ndarray,
    notes: Sequence[str] | None = None,
    *,
    color: str = PALETTE[0],
    reference_is_modes: bool = True,
) -> go.Figure:
    """One variant's generated points, one square panel per seed (samples[i] is an (n, 2)
    array for seeds[i]), in rows of at most PANEL_COLUMNS. `reference` (mode centres, or real
    samples when the data has no modes) is drawn under every panel; notes[i] is a short corner
    label (e.g. '8/8'). Draw it with the aspect `panels_aspect(len(seeds))`."""
    rows, cols = panel_shape(len(seeds))
    x0, x1, y0, y1 = bounds
    gap_x = 0.03
    width = (1 - gap_x * (cols - 1)) / cols
    height = 1 / (rows + ROW_GAP * (rows - 1))
    ref = np.asarray(reference, dtype=np.float32)
    ref_marker = (dict(symbol="x-thin", size=7, line=dict(width=1.5, color=REFERENCE_COLOR))
                  if reference_is_modes else dict(size=2, color=REFERENCE_COLOR))
    traces, layout, annotations = [], {}, []
    for i, seed in enumerate(seeds):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        top = 1 - r * height * (1 + ROW_GAP)
        axis = dict(showticklabels=False, showgrid=False, zeroline=False, mirror=True,
                    showline=True, linecolor="#ccc", ticks="", fixedrange=True)
        layout[f"xaxis{suffix}"] = dict(axis, range=[x0, x1], anchor=f"y{suffix}",
                                        domain=[c * (width + gap_x), c * (width + gap_x) + width])
        layout[f"yaxis{suffix}"] = dict(axis, range=[y0, y1], anchor=f"x{suffix}",
                                        domain=[max(0.0, top - height), top])
        traces.append(go.Scatter(x=ref[:, 0], y=ref[:, 1], mode="markers", marker=ref_marker,
                                 xaxis=f"x{suffix}", yaxis=f"y{suffix}", hoverinfo="skip",
                                 showlegend=False))
        pts = np.asarray(samples[i], dtype=np.float32)
        traces.append(go.Scattergl(
            x=pts[:, 0], y=pts[:, 1], mode="markers", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            marker=dict(size=2.5, color=color, opacity=0.6), name=f"seed {seed}",
            showlegend=False, hoverinfo="name",
        ))
        # in the panel's own coordinates, so they stay on the panel at any width
        annotations.append(dict(text=f"seed {seed}", x=x0, y=y1, xref=f"x{suffix}",
                                yref=f"y{suffix}", xanchor="left", yanchor="bottom",
                                showarrow=False, font=dict(size=11)))
        if notes is not None and notes[i]:
            annotations.append(dict(text=notes[i], x=x1, y=y1, xref=f"x{suffix}",
                                    yref=f"y{suffix}", xanchor="right", yanchor="bottom",
                                    showarrow=False, font=dict(size=11)))
    layout.update(margin=PANEL_MARGIN, annotations=annotations, plot_bgcolor="white",
                  hovermode="closest", showlegend=False)
    return go.Figure(data=traces, layout=layout)


def metric_curve(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    metric: str,
    *,
    max_step: int,
    n_modes: int = 0,
    better: int = 0,
) -> go.Figure:
    """One metric over training, one line per variant: the mean over seeds and a band from the
    lowest to the highest seed. curves[variant] = (steps (e,), values (seeds, e)), coloured in
    order by `variant_color`; `better` (+1 / -1) adds 'higher / lower is better' to the title."""
    fig = go.Figure()
    highest = 0.0
    for i, (variant, (steps, values)) in enumerate(curves.items()):
        if not len(steps):
            continue
        color = variant_color(i)
        with np.errstate(all="ignore"):  # all-NaN columns (e.g. reverse KL, no HQ sample)
            mean = np.nanmean(values, 0).astype(np.float32)
            lo = np.nanmin(values, 0).astype(np.float32)
            hi = np.nanmax(values, 0).astype(np.float32)
        if np.isfinite(hi).any():
            highest = max(highest, float(np.nanmax(hi)))
        x = np.asarray(steps, dtype=np.float32)
        fig.add_trace(go.Scatter(
            x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]), mode="lines",
            fill="toself", fillcolor=_alpha(color, 0.15), line=dict(width=0), hoverinfo="skip",
            showlegend=False,
        ))
        fig.add_trace(go.Scatter(
            x=x, y=mean, mode="lines", line=dict(color=color, width=2), name=variant,
            showlegend=False,
            hovertemplate=f"{variant}<br>step %{{x}}<br>mean %{{y:.3g}}<extra></extra>",
        ))
    top = {"modes_captured": n_modes + 0.5, "high_quality": 1.02, "js_grid": math.log(2) * 1.02}
    direction = {1: " (higher is better)", -1: " (lower is better)"}.get(better, "")
    fig.update_layout(
        title=dict(text=CURVE_TITLES.get(metric, metric) + direction, font=dict(size=14),
                   x=0, xanchor="left", y=0.98, yanchor="top"),
        height=260, margin=dict(l=44, r=12, t=34, b=36), plot_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(range=[0, max_step], title_text="step", showgrid=True, gridcolor="#eee",
                     title_standoff=4)
    fig.update_yaxes(range=[0, top.get(metric, highest * 1.05 or 1.0)], showgrid=True,
                     gridcolor="#eee",
                     tickformat=".0%" if metric == "high_quality" else None)
    return fig


def _alpha(hex_color: str, a: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {a})"
