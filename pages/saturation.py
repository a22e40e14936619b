"""Theory: why the minimax generator loss saturates (Goodfellow et al. 2014, §3)."""

import numpy as np
import streamlit as st

from playground import theory
from playground.catalog import LOSSES
from playground.figures.theory import g_loss_output_figure, saturation_figures
from playground.ui.nav import render_nav
from playground.ui.plot import CHART_CONFIG
from playground.ui.theory import live_d_fake, preset_links, saturation_curves

st.set_page_config(
    page_title="Theory: saturation", page_icon=":material/trending_flat:", layout="wide"
)
render_nav()

st.title("Why the minimax generator loss saturates")
st.markdown(
    "The original GAN game (Goodfellow et al. 2014) is a minimax problem: D maximises and G "
    "minimises the same value"
)
st.latex(
    r"V(D, G) = \mathbb{E}_{x \sim p_\text{data}}[\log D(x)]"
    r" + \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))]"
)
st.markdown(
    "D outputs a logit $l$ and $D = \\sigma(l)$. Early in training the fakes are easy to "
    "reject: $D(G(z)) \\approx 0$. The generator only learns through $\\partial\\,\\text{loss} / "
    "\\partial l$, and the chain rule through the sigmoid, $\\partial D/\\partial l = D(1-D)$, "
    "decides how much of a signal survives:"
)
left, right = st.columns(2)
with left:
    st.markdown("**Minimax (saturating)**: G minimises")
    st.latex(
        r"\log(1 - D(G(z))), \qquad "
        r"\frac{\partial}{\partial l}\log(1 - \sigma(l)) = -D"
    )
with right:
    st.markdown("**Non-saturating**: G minimises")
    st.latex(
        r"-\log D(G(z)), \qquad \frac{\partial}{\partial l}\left(-\log \sigma(l)\right)"
        r" = -(1 - D)"
    )
st.markdown(
    "Both push the fakes the same way and share the fixed point $p_g = p_\\text{data}$, but "
    "where D is confident the minimax gradient is $D \\to 0$ while the non-saturating one is "
    "$1 - D \\to 1$. Their ratio is"
)
st.latex(
    r"\frac{|\partial_l(-\log D)|}{|\partial_l \log(1 - D)|} = \frac{1 - D}{D}"
    r"\quad (\approx 10^k \text{ at } D = 10^{-k})."
)

LOG_D_KEY = "saturation.log_d"  # the slider below; its value is marked on the curves
curves = saturation_curves()
marked = theory.saturation_curves(np.array([10.0 ** st.session_state.get(LOG_D_KEY, -2.0)]))
run = live_d_fake()
if run is None:
    figures = saturation_figures(curves, marked=marked)
else:
    logits, label = run
    edges = np.logspace(-6, 0, 37)
    figures = saturation_figures(curves, edges, theory.d_fake_histogram(logits, edges), label,
                                 marked)
for column, fig, name in zip(st.columns(3), figures, ("losses", "gradients", "ratio")):
    with column:
        st.plotly_chart(fig, key=f"saturation.{name}", config=CHART_CONFIG)

if run is None:
    st.info(
        "Train a run with the minimax or non-saturating loss in the Playground to see where it "
        "sits: the histogram of its D(G(z)) values will appear in the gradient chart (the other "
        "losses' D outputs no probability).",
        icon=":material/info:",
    )
else:
    d = np.exp(-np.logaddexp(0.0, -run[0]))
    st.markdown(
        f"**{run[1]}**: median D(G(z)) = {np.median(d):.3g}; "
        f"{np.mean(d < 0.01):.0%} of the fakes have D(G(z)) < 0.01, where a minimax generator "
        "gets at least 99× less gradient than a non-saturating one would."
    )

st.subheader("Read a value off the curves")
exponent = st.slider("log₁₀ D(G(z))", -6.0, -0.01, -2.0, 0.01, key=LOG_D_KEY,
                     help="Marked on the three charts above by a dashed line and a dot per curve.")
d_value = 10.0**exponent
cols = st.columns(4)
cols[0].metric("D(G(z))", f"{d_value:.3g}")
cols[1].metric("minimax |∂/∂l|  = D", f"{d_value:.3g}")
cols[2].metric("non-saturating |∂/∂l| = 1 − D", f"{1 - d_value:.3g}")
cols[3].metric("ratio (1 − D)/D", f"{(1 - d_value) / d_value:.3g}")

st.subheader("The other losses, on D's raw output")
st.markdown(
    "The losses beyond the original game are not written on a probability: LSGAN's G "
    "minimises $\\tfrac12(l - 1)^2$ of D's score $l$, the hinge and WGAN-GP generators minimise "
    "$-l$ of D's margin or the critic's value. Against $l$ at a fake point (for minimax and "
    "non-saturating, $l$ is the logit): where D rejects a fake ($l \\ll 0$) the minimax push "
    "$\\sigma(l)$ vanishes, the non-saturating one tends to 1, LSGAN's grows like $|l - 1|$, and "
    "the hinge and WGAN pushes are 1 everywhere. The scales differ between losses (a logit, a "
    "regression target, a margin, a critic whose level is arbitrary), so compare the shapes, "
    "not the heights at one $l$."
)
outputs = np.linspace(-8.0, 4.0, 241)
st.plotly_chart(
    g_loss_output_figure(outputs, theory.g_loss_curves(outputs),
                         {name: info.label for name, info in LOSSES.items()}),
    key="saturation.outputs",
    config=CHART_CONFIG,
)

st.subheader("See it on 2D data")
st.markdown(
    "With plain SGD and 5 D steps per G step D wins at once: the minimax generator never leaves "
    "the origin, the non-saturating one reaches the ring (measured below)."
)
preset_links("minimax_stalls", "ns_r1_converges")

st.subheader("Adam hides the size of the gradient, not its lack of direction")
st.markdown(
    "With SGD a step is the learning rate times the gradient, so a gradient 1000× smaller is a "
    "step 1000× smaller. Adam divides each step by a running RMS of the gradient, so a tiny "
    "gradient still makes steps of about the learning rate. Measured on the ring of 8 "
    "Gaussians (ring radius 2), 5 D steps per G step, 1500 steps, 4 seeds, ranges over seeds:"
)
MEASURED = (
    (
        "optimizer (lr_d, lr_g)",
        "G loss",
        "‖∇G‖, first 100 steps",
        "‖∇G‖, last 500 steps",
        "D(G(z))",
        "radius of fakes",
        "modes of 8",
    ),
    (
        "SGD (0.1, 0.01)",
        "minimax",
        "0.0018–0.0029",
        "4.9e-5–7.3e-5",
        "1.7e-5–2.0e-5",
        "0.05–0.19",
        "0",
    ),
    ("SGD (0.1, 0.01)", "non-saturating", "0.89–1.4", "0.041–0.16", "0.11", "2.00", "1"),
    ("Adam (1e-3, 1e-3)", "minimax", "1.2–1.4", "0–0.0026", "2e-11–0.0036", "2.6–13", "0"),
    ("Adam (1e-3, 1e-3)", "non-saturating", "7.5–13", "110–240", "0.09–0.21", "1.9–2.1", "2–6"),
)
st.markdown(
    "\n".join(
        ["| " + " | ".join(MEASURED[0]) + " |", "|---" * len(MEASURED[0]) + "|"]
        + ["| " + " | ".join(row) + " |" for row in MEASURED[1:]]
    )
)
st.markdown(
    "With SGD the minimax fakes never leave the origin while the non-saturating ones reach the "
    "ring. With Adam the minimax gradient ends at least 10⁴ times below the non-saturating "
    "one's, and yet its fakes travel as far as the non-saturating ones, and further: Adam has "
    "hidden the difference in "
    "magnitude. It cannot hide that D is saturated: the minimax generator overshoots the ring "
    "and captures no mode, the non-saturating one sits on the ring with 2–6 of the 8 modes."
)
st.caption(
    "‖∇G‖ is the median of `history.steps['grad_norm_g']`, D(G(z)) the mean of "
    "`history.steps['d_fake']` over the last 500 steps, the radius the mean distance of "
    "`snapshot.x_fake` from the origin, modes from `result.metrics['modes_captured']`; each row "
    "from `train(TrainConfig(dataset='ring8', loss=L, optimizer=O, d_steps=5, lr_d=…, lr_g=…, "
    "seed=S, device='cpu'), steps=1500)` (`from playground import TrainConfig, train`), "
    "S = 0…3, on a CPU."
)
