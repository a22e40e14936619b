"""Theory: the optimal discriminator and the Jensen-Shannon divergence (Goodfellow et al. 2014,
§4.1, Proposition 1 and Theorem 1)."""

import numpy as np
import streamlit as st

from playground.figures.theory import (
    jsd_shift_figure,
    optimal_d_1d_figure,
    optimal_d_2d_figure,
)
from playground.theory import (
    LOG2,
    LOG4,
    MAX_POINT_MODES,
    Mixture1D,
    points_mixture,
    ring_mixture,
)
from playground.ui import custom_data
from playground.ui.nav import render_nav
from playground.ui.plot import CHART_CONFIG
from playground.ui.theory import optimum_1d, optimum_2d, preset_links, trained_d_1d

st.set_page_config(
    page_title="Theory: optimal D and JSD", page_icon=":material/functions:", layout="wide"
)
render_nav()

st.title("The optimal discriminator and the Jensen-Shannon divergence")
st.markdown(
    "Fix the generator, so its samples have density $p_g$. Pointwise, D maximises "
    "$p_\\text{data}(x)\\log D(x) + p_g(x)\\log(1 - D(x))$, a function $a\\log y + b\\log(1-y)$ "
    "whose maximum is at $y = a/(a+b)$ (Goodfellow et al. 2014, Proposition 1):"
)
st.latex(r"D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}")
st.markdown(
    "Put it back into the value function and what the generator minimises is a divergence "
    "(Theorem 1):"
)
st.latex(
    r"C(G) = V(D^*, G) = \mathbb{E}_{p_\text{data}}\!\left[\log D^*(x)\right]"
    r" + \mathbb{E}_{p_g}\!\left[\log(1 - D^*(x))\right]"
    r" = -\log 4 + 2\,\mathrm{JSD}(p_\text{data} \,\|\, p_g)"
)
st.markdown(
    "$\\mathrm{JSD} \\in [0, \\log 2]$, so $C(G) \\ge -\\log 4$, with equality exactly when "
    "$p_g = p_\\text{data}$; there $D^* = 1/2$ everywhere. Below, both sides are integrated "
    "numerically on a grid, separately, and should agree."
)


def summary_metrics(summary) -> None:
    cols = st.columns(4)
    cols[0].metric(
        "C(G) = V(D*, G)",
        f"{summary.value:.5f}",
        help="E_data[log D*] + E_g[log(1 − D*)], integrated on the grid",
    )
    cols[1].metric(
        "−log 4 + 2·JSD",
        f"{summary.value_from_jsd:.5f}",
        help="the JSD integrated separately, then Theorem 1",
    )
    cols[2].metric(
        "JSD(p_data ‖ p_g)", f"{summary.jsd:.5f}", help=f"between 0 and log 2 = {LOG2:.5f}"
    )
    cols[3].metric(
        "C(G) + log 4",
        f"{max(summary.value + LOG4, 0.0):.5f}",  # ≥ 0 by Theorem 1: clip rounding to -0
        help="how far the generator is from the global minimum −log 4",
    )
    st.caption(
        f"The two sides of Theorem 1 differ by {abs(summary.value_from_jsd - summary.value):.1e}; "
        f"the densities integrate to {summary.mass_data:.6f} (data) and {summary.mass_g:.6f} "
        "(generator) on the grid."
    )


tab_1d, tab_2d = st.tabs(["1D mixtures", "2D: a ring of Gaussians or your points"])

with tab_1d:
    controls, plots = st.columns([1, 3])
    with controls:
        shape = st.radio(
            "component shape",
            ("gaussian", "uniform"),
            horizontal=True,
            key="optd.shape",
            help="uniform components have compact support, so the supports can be disjoint",
        )
        st.markdown("**data**: two modes")
        separation = st.slider(
            "distance between the modes", 0.0, 8.0, 4.0, 0.1, key="optd.separation"
        )
        scale = st.slider(
            "std (gaussian) or half-width (uniform)", 0.1, 2.0, 0.5, 0.05, key="optd.scale"
        )
        weight = st.slider("weight of the left mode", 0.05, 0.95, 0.5, 0.05, key="optd.weight")
        st.markdown("**generator**")
        g_modes = st.radio(
            "modes",
            (1, 2),
            horizontal=True,
            key="optd.g_modes",
            help="two modes: the data's separation, around the generator's centre",
        )
        g_center = st.slider("centre", -5.0, 5.0, 0.0, 0.1, key="optd.g_center")
        g_scale = st.slider("spread", 0.1, 3.0, 1.0, 0.05, key="optd.g_scale")
        show_trained = st.toggle("draw a D trained on 1000 samples of each", key="optd.trained")

    data = Mixture1D((-separation / 2, separation / 2), (scale, scale), (weight, 1 - weight), shape)
    # the generator centred at 0, moved to g_center below: the JSD curve sweeps that centre
    g_means = (0.0,) if g_modes == 1 else (-separation / 2, separation / 2)
    generator = Mixture1D(g_means, (g_scale,) * g_modes, None, shape)
    x, p, q, d_star, summary, centers, curve = optimum_1d(data, generator, g_center)
    d_trained = trained_d_1d(data, generator.shifted(g_center), x) if show_trained else None
    with plots:
        summary_metrics(summary)
        st.plotly_chart(optimal_d_1d_figure(x, p, q, d_star, d_trained), key="optd.densities",
                        config=CHART_CONFIG)
        st.plotly_chart(jsd_shift_figure(centers, curve, g_center), key="optd.shift",
                        config=CHART_CONFIG)
    st.markdown(
        "**Disjoint supports.** Choose *uniform* and move the generator away from both data "
        "modes: D* is exactly 1 on the data and 0 on the fakes, JSD = log 2 and C(G) = "
        "−log 4 + 2·log 2 = 0, wherever the generator sits. The lower plot is that plateau: the "
        "JSD is flat in the generator's position, and so is D* around each fake, "
        "∇ₓD*(G(z)) = 0: a perfect discriminator tells G it is wrong but not which way to go "
        "(Arjovsky & Bottou 2017). With gaussians the plateau is only approached, as the tails "
        "always overlap a little."
    )
    if show_trained:
        st.caption(
            "The dashed line is a discriminator with a fixed layer of 41 Gaussian bumps and a "
            "trained output layer (gradient descent on the D loss, 1000 samples of each): it "
            "follows D* where there are samples and is unconstrained where there are none."
        )

with tab_2d:
    controls, plots = st.columns([1, 3])
    with controls:
        source = st.radio("data", ("ring of Gaussians", "your points"), horizontal=True,
                          key="optd2.source")
        points = custom_data.render_source(link=False) if source == "your points" else None
        n_modes = st.slider("data modes on the ring", 2, 12, 8, key="optd2.modes",
                            help="with your points: the modes of the generator's ring")
        data_std = st.slider("data std", 0.1, 0.6, 0.2, 0.05, key="optd2.std",
                             help="with your points: the spread of the Gaussian on each point")
        st.markdown("**generator**: a ring of Gaussians")
        covered = st.slider(
            "modes the generator covers", 1, n_modes, min(3, n_modes), key="optd2.covered"
        )
        g_radius = st.slider("radius (data: 2)", 0.0, 3.5, 2.0, 0.1, key="optd2.radius")
        rotation = st.slider("rotation (degrees)", 0, 180, 0, 5, key="optd2.rotation")
        g_std = st.slider("generator std", 0.1, 1.0, 0.2, 0.05, key="optd2.g_std")
    generator_2d = ring_mixture(n_modes, g_radius, g_std, np.deg2rad(rotation), covered)
    if points is None:
        data_2d, extent, cells = ring_mixture(n_modes, 2.0, data_std), 3.5, 201
    else:  # your points: a Gaussian on each (at most 200), on a coarser grid to stay small
        data_2d = points_mixture(points, data_std)
        extent = max(3.5, float(np.abs(data_2d.centers).max()) + 3 * data_std)
        cells = 121
    x2, y2, p2, q2, d_star2, summary2 = optimum_2d(data_2d, generator_2d, extent=extent,
                                                   n=cells)
    with plots:
        if source == "your points" and points is None:
            st.info("No points yet: the ring is shown. Draw points on the Playground (*Draw "
                    "points*) or upload a CSV on the left.", icon=":material/info:")
        elif points is not None and len(points) > MAX_POINT_MODES:
            st.caption(f"Your {len(points):,} points: every k-th of them, {MAX_POINT_MODES} in "
                       "all, each a Gaussian of the data std.")
        summary_metrics(summary2)
        st.plotly_chart(optimal_d_2d_figure(x2, y2, p2, q2, d_star2), key="optd2.map",
                        config=CHART_CONFIG)
    st.markdown(
        "Drop modes from the generator (mode collapse) and D* turns green, D* ≈ 1, on the modes it "
        "misses: there D is sure the points are real and the generator has nothing there to "
        "move. Rotate the generator between the modes to see D* split the plane into "
        "real and fake wedges, with JSD near log 2 when the rings stop overlapping."
    )

st.subheader("See it on 2D data")
st.markdown(
    "A trained D only approximates D*; the Playground draws the trained D on a grid, "
    "with its D = 1/2 contour, as the generator moves."
)
preset_links("grid_collapse", "grid_r1")
