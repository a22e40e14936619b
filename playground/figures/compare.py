"""Figures of the Compare page: arrays in, `go.Figure` out (no streamlit, no torch).

Two figures whatever the sweep's size, because browsers cap WebGL contexts per page: one grid
of small multiples (variants x seeds, one WebGL scatter per panel inside a single figure, laid
out by hand since `make_subplots` takes ~0.3 s for 32 panels and the page redraws every tick)
and one row of metric curves (SVG: a few hundred points per line)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
REFERENCE_COLOR = "rgba(120, 120, 120, 0.5)"

CURVE_TITLES = {
    "modes_captured": "modes captured",
    "high_quality": "high-quality samples",
    "reverse_kl": "reverse KL (modes)",
    "js_grid": "grid JS divergence",
    "sliced_w": "sliced W1",
}


def variant_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _domains(n: int, gap: float) -> list[tuple[float, float]]:
    width = (1 - gap * (n - 1)) / n
    return [(i * (width + gap), i * (width + gap) + width) for i in range(n)]


def sample_grid(
    samples: Sequence[Sequence[np.ndarray]],
    variants: Sequence[str],
    seeds: Sequence[int],
    bounds: tuple[float, float, float, float],
    reference: np.ndarray,
    notes: Sequence[Sequence[str]] | None = None,
    *,
    reference_is_modes: bool = True,
) -> go.Figure:
    """Small multiples: row r is variant r, column c is seed c; samples[r][c] is an (n, 2)
    array of generated points. `reference` (mode centres, or real samples when the data has
    no modes) is drawn under every panel; notes[r][c] is a short corner label (e.g. '8/8')."""
    rows, cols = len(variants), len(seeds)
    x0, x1, y0, y1 = bounds
    panel_px = min(200, max(60, 850 // max(cols, 1)))  # ~850 px of plot width in a wide page
    xdom, ydom = _domains(cols, 0.012), _domains(rows, 0.03)[::-1]  # row 0 on top
    ref = np.asarray(reference, dtype=np.float32)
    ref_trace = go.Scatter if reference_is_modes else go.Scattergl
    ref_marker = (dict(symbol="x-thin", size=7, line=dict(width=1.5, color=REFERENCE_COLOR))
                  if reference_is_modes else dict(size=2, color=REFERENCE_COLOR))
    traces, layout, notes_ann = [], {}, []
    for r in range(rows):
        for c in range(cols):
            n = r * cols + c + 1
            suffix = "" if n == 1 else str(n)
            axis = dict(range=[x0, x1], showticklabels=False, showgrid=False, zeroline=False,
                        mirror=True, showline=True, linecolor="#ddd", ticks="",
                        constrain="domain")
            layout[f"xaxis{suffix}"] = dict(axis, domain=xdom[c], anchor=f"y{suffix}")
            layout[f"yaxis{suffix}"] = dict(axis, range=[y0, y1], domain=ydom[r],
                                            anchor=f"x{suffix}",
                                            scaleanchor=f"x{suffix}")  # square at any width
            ref_kw = dict(x=ref[:, 0], y=ref[:, 1], mode="markers", marker=ref_marker)
            traces.append(ref_trace(**ref_kw, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                                    hoverinfo="skip", showlegend=False))
            pts = np.asarray(samples[r][c], dtype=np.float32)
            traces.append(go.Scattergl(
                x=pts[:, 0], y=pts[:, 1], mode="markers", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                marker=dict(size=2.5, color=variant_color(r), opacity=0.6),
                name=f"{variants[r]}, seed {seeds[c]}", showlegend=False, hoverinfo="name",
            ))
            if notes is not None and notes[r][c]:
                notes_ann.append(dict(
                    text=notes[r][c], x=x1, y=y1, xref=f"x{suffix}", yref=f"y{suffix}",
                    xanchor="right", yanchor="top", showarrow=False, font=dict(size=10),
                ))

    # Titles sit in the panels' data coordinates: `constrain="domain"` shrinks a square panel
    # inside its paper-coordinate domain, so paper positions would float beside it.
    def ref(r: int, c: int) -> str:
        n = r * cols + c + 1
        return "" if n == 1 else str(n)

    col_titles = [dict(text=f"seed {s}", x=(x0 + x1) / 2, y=y1, xref=f"x{ref(0, c)}",
                       yref=f"y{ref(0, c)}", yanchor="bottom", showarrow=False,
                       font=dict(size=11))
                  for c, s in enumerate(seeds)]
    row_titles = [dict(text=f"<b>{v}</b>", x=x0, y=(y0 + y1) / 2, xref=f"x{ref(r, 0)}",
                       yref=f"y{ref(r, 0)}", xanchor="right", xshift=-6, showarrow=False,
                       font=dict(size=12, color=variant_color(r)))
                  for r, v in enumerate(variants)]
    layout.update(
        height=rows * panel_px + 40, margin=dict(l=150, r=10, t=28, b=8),
        annotations=col_titles + row_titles + notes_ann, plot_bgcolor="white",
        hovermode="closest", showlegend=False,
    )
    return go.Figure(data=traces, layout=layout)


def metric_curves(
    curves: Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    metric_names: Sequence[str],
    *,
    max_step: int,
    n_modes: int = 0,
) -> go.Figure:
    """One panel per metric, one line per variant: the mean over seeds and a band from the
    lowest to the highest seed. curves[variant][metric] = (steps (e,), values (seeds, e))."""
    fig = make_subplots(rows=1, cols=len(metric_names), horizontal_spacing=0.06,
                        subplot_titles=[CURVE_TITLES.get(m, m) for m in metric_names])
    top = {"modes_captured": n_modes + 0.5, "high_quality": 1.02, "js_grid": math.log(2) * 1.02}
    highest = dict.fromkeys(metric_names, 0.0)
    for i, (variant, by_metric) in enumerate(curves.items()):
        color = variant_color(i)
        for j, m in enumerate(metric_names, start=1):
            steps, values = by_metric[m]
            if not len(steps):
                continue
            with np.errstate(all="ignore"):  # all-NaN columns (e.g. reverse KL, no HQ sample)
                mean = np.nanmean(values, 0).astype(np.float32)
                lo = np.nanmin(values, 0).astype(np.float32)
                hi = np.nanmax(values, 0).astype(np.float32)
            if np.isfinite(hi).any():
                highest[m] = max(highest[m], float(np.nanmax(hi)))
            x = steps.astype(np.float32)
            fig.add_trace(go.Scatter(
                x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]),
                mode="lines", fill="toself", fillcolor=_alpha(color, 0.15), line=dict(width=0),
                hoverinfo="skip", showlegend=False, legendgroup=variant,
            ), row=1, col=j)
            fig.add_trace(go.Scatter(
                x=x, y=mean, mode="lines", line=dict(color=color, width=2), name=variant,
                legendgroup=variant, showlegend=j == 1,
                hovertemplate=f"{variant}<br>step %{{x}}<br>mean %{{y:.3g}}<extra></extra>",
            ), row=1, col=j)
    for j, m in enumerate(metric_names, start=1):
        fig.update_xaxes(range=[0, max_step], title_text="step", row=1, col=j)
        fig.update_yaxes(range=[0, top.get(m, highest[m] * 1.05 or 1.0)], row=1, col=j)
    fig.update_layout(height=320, margin=dict(l=40, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25), plot_bgcolor="white")
    fig.update_xaxes(showgrid=True, gridcolor="#eee")
    fig.update_yaxes(showgrid=True, gridcolor="#eee")
    return fig


def _alpha(hex_color: str, a: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {a})"
