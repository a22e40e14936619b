"""Figures of the theory pages: arrays in, `go.Figure` out (no streamlit, no torch).

Arrays go to plotly as float32 and every axis has a fixed range, so a figure does not jump
when a slider moves it (and plotly's zoom is reset by every update anyway)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..theory import LOG2, SaturationCurves

DATA_COLOR = "#1f77b4"
FAKE_COLOR = "#d62728"
MINIMAX_COLOR = "#d62728"
NS_COLOR = "#2ca02c"
D_COLOR = "#7f7f7f"
SCHEME_COLORS = {"simultaneous": "#d62728", "alternating": "#1f77b4"}
LAYOUT = {"template": "plotly_white", "margin": {"l": 50, "r": 20, "t": 50, "b": 45}}


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# saturation

G_LOSS_COLORS = {"minimax": MINIMAX_COLOR, "nonsaturating": NS_COLOR, "lsgan": "#1f77b4",
                 "hinge": "#9467bd", "wgan_gp": "#ff7f0e"}


def g_loss_output_figure(outputs: np.ndarray, curves: dict, labels: dict) -> go.Figure:
    """Two panels against D's raw output l at a fake point: each G loss, and the size of its
    derivative in l (log axis): the push the loss passes back to G through D."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("generator loss", "|∂ loss / ∂ D's output|"))
    x = _f32(outputs)
    for name, (loss, grad) in curves.items():
        color = G_LOSS_COLORS.get(name, D_COLOR)
        dash = "dot" if name == "hinge" else None  # hinge and WGAN share G's loss: both show
        for col, y in ((1, loss), (2, np.abs(grad))):
            fig.add_trace(go.Scatter(x=x, y=_f32(y), name=labels[name], legendgroup=name,
                                     showlegend=col == 1,
                                     line={"color": color, "width": 2.5, "dash": dash}),
                          row=1, col=col)
    fig.update_xaxes(title_text="D's output l at a fake (logit, score, margin or critic value)")
    fig.update_yaxes(range=[-10, 20], row=1, col=1)
    fig.update_yaxes(type="log", range=[-4, 1.2], exponentformat="power", row=1, col=2)
    fig.update_layout(height=380, legend={"orientation": "h", "y": -0.3}, **LAYOUT)
    return fig


def saturation_figure(
    curves: SaturationCurves,
    run_edges: np.ndarray | None = None,
    run_fraction: np.ndarray | None = None,
    run_label: str = "",
) -> go.Figure:
    """Three panels against D(G(z)) on a log axis: the two generator losses, the magnitudes of
    their gradients w.r.t. D's logit (D and 1 - D), and the ratio (1 - D)/D. With a run, the
    histogram of its D(fake) (`run_fraction` per bin of `run_edges`) is added to the middle one."""
    fig = make_subplots(
        rows=1,
        cols=3,
        horizontal_spacing=0.09,
        subplot_titles=("generator loss", "|∂ loss / ∂ logit|", "ratio non-saturating / minimax"),
        specs=[[{}, {"secondary_y": True}, {}]],
    )
    d = _f32(curves.d)
    for col, y, name, color in (
        (1, curves.g_loss_minimax, "minimax: log(1 − D)", MINIMAX_COLOR),
        (1, curves.g_loss_nonsaturating, "non-saturating: −log D", NS_COLOR),
        (2, np.abs(curves.grad_minimax), "minimax: D", MINIMAX_COLOR),
        (2, np.abs(curves.grad_nonsaturating), "non-saturating: 1 − D", NS_COLOR),
    ):
        fig.add_trace(
            go.Scatter(
                x=d,
                y=_f32(y),
                name=name,
                line={"color": color, "width": 2.5},
                legendgroup=name,
                showlegend=col == 1 or name.endswith("D"),
            ),
            row=1,
            col=col,
        )
    fig.add_trace(
        go.Scatter(x=d, y=_f32(curves.ratio), name="(1 − D) / D", line={"color": "black"}),
        row=1,
        col=3,
    )
    if run_edges is not None and run_fraction is not None:
        # a step line over the log-spaced bins: bars have no natural width on a log axis
        x = np.repeat(_f32(run_edges), 2)[1:-1]
        y = np.repeat(_f32(run_fraction), 2)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=f"{run_label or 'your run'}: fraction of fakes",
                fill="tozeroy",
                line={"color": "#9467bd", "width": 1},
                opacity=0.5,
            ),
            row=1,
            col=2,
            secondary_y=True,
        )
        fig.update_yaxes(
            range=[0, 1],
            tickvals=[0, 0.25, 0.5, 0.75, 1],
            tickformat=".0%",
            row=1,
            col=2,
            secondary_y=True,
            showgrid=False,
        )
    fig.update_xaxes(type="log", range=[-6, 0], title_text="D(G(z))")
    fig.update_yaxes(range=[-14, 14], row=1, col=1)
    fig.update_yaxes(type="log", range=[-6, 0.1], row=1, col=2, secondary_y=False)
    fig.update_yaxes(type="log", range=[-6, 6], row=1, col=3)
    fig.update_layout(height=400, legend={"orientation": "h", "y": -0.2}, **LAYOUT)
    return fig


# ---------------------------------------------------------------------------------------------
# the optimal discriminator


def optimal_d_1d_figure(
    x: np.ndarray,
    p_data: np.ndarray,
    p_g: np.ndarray,
    d_star: np.ndarray,
    d_trained: np.ndarray | None = None,
) -> go.Figure:
    """The two densities (left axis) and D*(x) = p_data/(p_data + p_g) (right axis, [0, 1]); a
    discriminator trained on samples, if given, is drawn beside D*."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x32 = _f32(x)
    fig.add_trace(
        go.Scatter(x=x32, y=_f32(p_data), name="p_data", fill="tozeroy", line={"color": DATA_COLOR})
    )
    fig.add_trace(
        go.Scatter(x=x32, y=_f32(p_g), name="p_g", fill="tozeroy", line={"color": FAKE_COLOR})
    )
    fig.add_trace(
        go.Scatter(x=x32, y=_f32(d_star), name="D*(x)", line={"color": "black", "width": 2.5}),
        secondary_y=True,
    )
    if d_trained is not None:
        fig.add_trace(
            go.Scatter(
                x=x32,
                y=_f32(d_trained),
                name="D trained on samples",
                line={"color": D_COLOR, "width": 2, "dash": "dash"},
            ),
            secondary_y=True,
        )
    fig.add_hline(y=0.5, line={"color": D_COLOR, "dash": "dot", "width": 1}, secondary_y=True)
    top = 1.1 * float(max(p_data.max(), p_g.max()))
    fig.update_xaxes(range=[float(x[0]), float(x[-1])], title_text="x")
    fig.update_yaxes(range=[0, top], title_text="density", secondary_y=False)
    fig.update_yaxes(
        range=[-0.02, 1.02],
        title_text="D(x)",
        secondary_y=True,
        showgrid=False,
        tickmode="array",
        tickvals=[0, 0.25, 0.5, 0.75, 1],
    )
    fig.update_layout(height=380, legend={"orientation": "h", "y": 1.12}, **LAYOUT)
    return fig


def jsd_shift_figure(centers: np.ndarray, jsd_values: np.ndarray, current: float) -> go.Figure:
    """JSD(p_data ‖ p_g) against the generator's centre, with log 2 (disjoint supports) marked:
    where the curve is flat, a generator following its gradient does not move."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=_f32(centers), y=_f32(jsd_values), name="JSD", line={"color": "black", "width": 2.5}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[current],
            y=[float(np.interp(current, centers, jsd_values))],
            mode="markers",
            name="now",
            marker={"color": FAKE_COLOR, "size": 12},
        )
    )
    fig.add_hline(
        y=LOG2,
        line={"color": D_COLOR, "dash": "dot"},
        annotation_text="log 2: disjoint supports",
        annotation_position="top left",
    )
    fig.update_xaxes(
        range=[float(centers[0]), float(centers[-1])],
        title_text="generator centre",
    )
    fig.update_yaxes(range=[0, 0.8], title_text="JSD(p_data ‖ p_g)")
    fig.update_layout(height=300, showlegend=False, **LAYOUT)
    return fig


def optimal_d_2d_figure(
    x: np.ndarray, y: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, d_star: np.ndarray
) -> go.Figure:
    """D*(x) as a heatmap (blue: real, red: fake, white: 1/2) under contours of both densities."""
    ticks_x, ticks_y = _f32(x[0]), _f32(y[:, 0])
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=ticks_x,
            y=ticks_y,
            z=_f32(d_star),
            zmin=0,
            zmax=1,
            colorscale="RdBu",
            colorbar={"title": "D*"},
            name="D*",
        )
    )
    for density, color, dash, name in (
        (p_data, DATA_COLOR, "solid", "p_data"),
        (p_g, FAKE_COLOR, "dash", "p_g"),
    ):
        top = float(np.nanmax(density))
        fig.add_trace(
            go.Contour(
                x=ticks_x,
                y=ticks_y,
                z=_f32(density),
                name=name,
                showscale=False,
                contours={
                    "coloring": "none",
                    "start": 0.1 * top,
                    "end": 0.9 * top,
                    "size": 0.4 * top,
                },
                line={"color": color, "width": 2, "dash": dash},
                showlegend=True,
            )
        )
    extent = [float(ticks_x[0]), float(ticks_x[-1])]
    fig.update_xaxes(range=extent, title_text="x₁", constrain="domain")
    fig.update_yaxes(range=extent, title_text="x₂", scaleanchor="x", scaleratio=1)
    fig.update_layout(height=480, legend={"orientation": "h", "y": 1.08}, **LAYOUT)
    return fig


# ---------------------------------------------------------------------------------------------
# the bilinear game and the Dirac-GAN


def _arrows(
    x: np.ndarray, y: np.ndarray, u: np.ndarray, v: np.ndarray, length: float
) -> tuple[np.ndarray, np.ndarray]:
    """Line segments (with NaN gaps) drawing each vector as an arrow of fixed length: the
    direction is the lesson (rotation around the equilibrium); speeds span orders of magnitude
    across the plane and would leave most arrows invisible."""
    norm = np.hypot(u, v)
    safe = np.where(norm > 0, norm, 1.0)
    du, dv = length * u / safe, length * v / safe
    tip_x, tip_y = x + du, y + dv
    # arrowhead: two short strokes back from the tip, ±25° off the shaft
    cos, sin = np.cos(np.deg2rad(25)), np.sin(np.deg2rad(25))
    hx1, hy1 = tip_x - 0.35 * (du * cos - dv * sin), tip_y - 0.35 * (du * sin + dv * cos)
    hx2, hy2 = tip_x - 0.35 * (du * cos + dv * sin), tip_y - 0.35 * (-du * sin + dv * cos)
    gap = np.full_like(x, np.nan)
    xs = np.stack([x, tip_x, gap, hx1, tip_x, hx2, gap], 1).ravel()
    ys = np.stack([y, tip_y, gap, hy1, tip_y, hy2, gap], 1).ravel()
    return xs, ys


def phase_figure(
    field_grid: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    paths: dict[str, np.ndarray],
    extent: float,
    labels: tuple[str, str] = ("θ (generator)", "ψ (discriminator)"),
    click_grid: int = 0,
) -> go.Figure:
    """The (θ, ψ) plane: the vector field as unit arrows, one trajectory per entry of `paths`
    (name -> (n, 2) points, drawn from a circle at the start), and the equilibrium (0, 0).
    `click_grid` > 0 adds an invisible lattice of points a user can click (with
    st.plotly_chart(on_select=...)) to choose a start point."""
    fig = go.Figure()
    gx, gy, gu, gv = field_grid
    spacing = 2 * extent / max(np.sqrt(len(gx)) - 1, 1)  # the lattice is square
    ax, ay = _arrows(gx, gy, gu, gv, 0.7 * spacing)
    fig.add_trace(
        go.Scatter(
            x=_f32(ax),
            y=_f32(ay),
            mode="lines",
            name="vector field",
            line={"color": "#b0b0b0", "width": 1},
            hoverinfo="skip",
        )
    )
    if click_grid:
        ticks = np.linspace(-extent, extent, click_grid)
        cx, cy = np.meshgrid(ticks, ticks)
        fig.add_trace(
            go.Scatter(
                x=_f32(cx.ravel()),
                y=_f32(cy.ravel()),
                mode="markers",
                name="click to start here",
                marker={"size": 9, "color": "rgba(0,0,0,0.01)"},
                showlegend=False,
                hovertemplate="start at (%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )
    palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]
    for i, (name, pts) in enumerate(paths.items()):
        color = SCHEME_COLORS.get(name, palette[i % len(palette)])
        fig.add_trace(
            go.Scatter(
                x=_f32(pts[:, 0]),
                y=_f32(pts[:, 1]),
                mode="lines",
                name=name,
                line={"color": color, "width": 2},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=_f32(pts[:1, 0]),
                y=_f32(pts[:1, 1]),
                mode="markers",
                marker={"color": color, "size": 11, "symbol": "circle-open", "line": {"width": 3}},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers",
            name="equilibrium",
            marker={"color": "black", "size": 14, "symbol": "star"},
        )
    )
    fig.update_xaxes(
        range=[-extent, extent], title_text=labels[0], constrain="domain", zeroline=True
    )
    fig.update_yaxes(
        range=[-extent, extent], title_text=labels[1], scaleanchor="x", scaleratio=1, zeroline=True
    )
    fig.update_layout(
        height=520,
        legend={"orientation": "h", "y": -0.15},
        clickmode="event+select",
        dragmode=False,
        **LAYOUT,
    )
    return fig


def distance_figure(paths: dict[str, np.ndarray], steps: int) -> go.Figure:
    """Distance to the equilibrium per step, log scale: growth or decay is a straight line."""
    fig = go.Figure()
    lo, hi = 1.0, 1.0
    for name, pts in paths.items():
        dist = np.hypot(pts[:, 0], pts[:, 1])
        lo, hi = min(lo, float(dist.min())), max(hi, float(dist.max()))
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(dist), dtype=np.float32),
                y=_f32(dist),
                name=name,
                line={"color": SCHEME_COLORS.get(name)},
            )
        )
    # decades that hold every path, down to 1e-8 (distances below that are "arrived")
    bottom = np.floor(np.log10(max(lo, 1e-8))) - 0.2
    fig.update_xaxes(range=[0, steps], title_text="step")
    fig.update_yaxes(
        type="log", range=[bottom, np.log10(hi) + 0.2], title_text="distance to (0, 0)"
    )
    fig.update_layout(height=300, legend={"orientation": "h", "y": 1.15}, **LAYOUT)
    return fig


def eigenvalue_figure(
    numeric: np.ndarray,
    closed_form: np.ndarray,
    gammas: np.ndarray,
    sweep_numeric: np.ndarray,
    sweep_closed: np.ndarray,
    gamma: float,
    critical: float,
) -> go.Figure:
    """Left: the Jacobian's eigenvalues at the equilibrium in the complex plane, numeric (circles)
    over closed form (crosses). Right: their real parts as γ grows, numeric sweep against the
    closed form (thick grey): -γ/2 for both until the critical γ, then they split along the real
    axis, one towards 0: a very large γ slows convergence down again."""
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=("eigenvalues of the Jacobian at (0, 0)", "real parts vs γ (R1 + R2)"),
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(closed_form.real),
            y=_f32(closed_form.imag),
            mode="markers",
            name="closed form",
            marker={"symbol": "x", "size": 14, "color": "black"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(numeric.real),
            y=_f32(numeric.imag),
            mode="markers",
            name="numeric (finite differences)",
            marker={"symbol": "circle-open", "size": 18, "color": FAKE_COLOR, "line": {"width": 2}},
        ),
        row=1,
        col=1,
    )
    for j in range(sweep_numeric.shape[1]):
        fig.add_trace(
            go.Scatter(
                x=_f32(gammas),
                y=_f32(sweep_closed[:, j].real),
                mode="lines",
                line={"color": "black", "width": 5},
                opacity=0.3,
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
        fig.add_trace(
            go.Scatter(
                x=_f32(gammas),
                y=_f32(sweep_numeric[:, j].real),
                mode="lines",
                line={"color": FAKE_COLOR, "width": 1.5},
                showlegend=False,
            ),
            row=1,
            col=2,
        )
    fig.add_vline(
        x=critical,
        line={"dash": "dot", "color": D_COLOR},
        row=1,
        col=2,
        annotation_text=f"critical γ = {critical:g}",
    )
    fig.add_vline(x=gamma, line={"color": FAKE_COLOR, "width": 1}, row=1, col=2)
    g_max = float(gammas[-1])
    reach = max(1.2, 0.6 * g_max + 0.2)
    fig.update_xaxes(range=[-reach, 0.4], title_text="Re λ", zeroline=True, row=1, col=1)
    fig.update_yaxes(range=[-1.2, 1.2], title_text="Im λ", zeroline=True, row=1, col=1)
    fig.update_xaxes(range=[0, g_max], title_text="γ", row=1, col=2)
    fig.update_yaxes(range=[-g_max, 0.2], title_text="Re λ", row=1, col=2)
    fig.update_layout(height=360, legend={"orientation": "h", "y": -0.25}, **LAYOUT)
    return fig
