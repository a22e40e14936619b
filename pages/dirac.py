"""Theory: the bilinear game and the Dirac-GAN (Mescheder, Geiger & Nowozin 2018, §2 and §4)."""

import streamlit as st

from playground.dirac import (
    DIRAC_FIELDS,
    SCHEMES,
    bilinear_field,
    critical_gamma,
    field_grid,
)
from playground.figures.theory import distance_figure, eigenvalue_figure, phase_figure
from playground.ui.nav import render_nav
from playground.ui.plot import CHART_CONFIG
from playground.ui.theory import (
    bilinear_paths,
    dirac_run,
    format_complex,
    preset_links,
    start_point,
    take_clicked_start,
)

st.set_page_config(page_title="Theory: Dirac-GAN", page_icon=":material/cyclone:", layout="wide")
render_nav()

EXTENT = 2.5  # the plots show [-EXTENT, EXTENT]²

st.title("Why GAN training cycles: the bilinear game and the Dirac-GAN")
st.markdown(
    "A GAN is a two-player game, trained by gradient descent for one player and ascent for the "
    "other. Even when both players' objectives are as simple as possible, the joint dynamics can "
    "circle the equilibrium forever, or spiral away from it. Mescheder et al. (2018) show this "
    "on the smallest GAN there is, and show which regulariser fixes it."
)

tab_bilinear, tab_dirac = st.tabs(["1 · the bilinear game v(a, b) = ab", "2 · the Dirac-GAN"])

with tab_bilinear:
    st.markdown(
        "Player *a* minimises and player *b* maximises $v(a, b) = ab$. The equilibrium "
        "is $(0, 0)$, and gradient descent-ascent follows"
    )
    st.latex(
        r"\dot a = -\partial_a v = -b, \qquad \dot b = \partial_b v = a,"
        r"\qquad J = \begin{pmatrix} 0 & -1 \\ 1 & 0 \end{pmatrix},"
        r"\quad \lambda = \pm i"
    )
    st.markdown(
        "Purely imaginary eigenvalues: the flow is a rotation, circles around the equilibrium. "
        "A **simultaneous** step of size $h$ multiplies the distance to it by "
        "$|1 \\pm ih| = \\sqrt{1 + h^2} > 1$: it spirals out, for every step size. An "
        "**alternating** step (b moves, then a answers the new b) has the update matrix "
        "$\\begin{pmatrix} 1 - h^2 & -h \\\\ h & 1 \\end{pmatrix}$ with determinant 1: for "
        "$h < 2$ its eigenvalues lie on the unit circle, so it keeps cycling, bounded, but "
        "never arrives."
    )
    controls, plots = st.columns([1, 3])
    with controls:
        lr_b = st.select_slider(
            "step size h", (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0), 0.1, key="bilinear.lr"
        )
        steps_b = st.slider("steps", 10, 2000, 300, 10, key="bilinear.steps")
        start_b = start_point("bilinear", (1.0, 1.0), EXTENT, ("a₀", "b₀"))
        st.caption("Or click the plot to start there.")
    paths_b = bilinear_paths(start_b, lr_b, steps_b)
    with plots:
        st.plotly_chart(
            phase_figure(
                field_grid(bilinear_field, EXTENT, 17),
                paths_b,
                EXTENT,
                labels=("a (minimises ab)", "b (maximises ab)"),
                click_grid=26,
            ),
            key="bilinear.chart",
            config=CHART_CONFIG,
            on_select=lambda: take_clicked_start("bilinear"),
            selection_mode="points",
        )
        st.plotly_chart(distance_figure(paths_b, steps_b), key="bilinear.distance",
                        config=CHART_CONFIG)

with tab_dirac:
    st.markdown(
        "The **Dirac-GAN**: the data is a single point at 0, $p_\\text{data} = \\delta_0$; the "
        "generator is a single point $\\theta$, $p_\\theta = \\delta_\\theta$; the discriminator "
        "is linear, $D_\\psi(x) = \\psi x$ (a logit). With Mescheder's loss function $f$ "
        "(GAN: $f(t) = -\\log(1 + e^{-t})$, $f'(0) = 1/2$; WGAN: $f(t) = t$) the game is"
    )
    st.latex(
        r"L(\theta, \psi) = f(\psi\theta) + f(0), \qquad "
        r"v(\theta, \psi) = \begin{pmatrix} -\psi f'(\psi\theta) \\"
        r" \theta f'(\psi\theta) - \gamma\psi \end{pmatrix}"
    )
    st.markdown(
        "G minimises $L$ (the non-saturating G instead maximises $f(-\\psi\\theta)$, giving "
        "$\\dot\\theta = -\\psi f'(-\\psi\\theta)$); D maximises it minus the R1 penalty "
        "$\\frac{\\gamma}{2}\\mathbb{E}_{p_\\text{data}}\\|\\nabla_x D_\\psi(x)\\|^2 = "
        "\\frac{\\gamma}{2}\\psi^2$. The penalty on the fakes (R2) is the same $\\frac{\\gamma}{2}"
        "\\psi^2$ here, because a linear D has the gradient $\\psi$ everywhere; the two only "
        "differ for non-linear discriminators. At the equilibrium $(0, 0)$:"
    )
    st.latex(
        r"J = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & -\gamma \end{pmatrix}, \qquad"
        r"\lambda_{1,2} = -\frac{\gamma}{2} \pm \sqrt{\frac{\gamma^2}{4} - f'(0)^2}"
    )
    st.markdown(
        "Without a penalty, $\\lambda = \\pm i f'(0)$: the bilinear game again, so unregularised "
        "simultaneous steps spiral out. With $\\gamma > 0$ both real parts are negative and small "
        "enough steps converge; the eigenvalues turn real at the **critical** "
        "$\\gamma = 2f'(0)$ (1 for the GAN). Sign convention: the paper's, $\\sigma(D_\\psi(x))$ "
        "is the probability that $x$ is fake; the Playground's logits are $-\\psi x$, a mirror "
        "image of this plane."
    )
    controls, plots = st.columns([1, 3])
    with controls:
        loss = st.selectbox(
            "loss",
            tuple(DIRAC_FIELDS),
            key="dirac.loss",
            format_func=lambda name: DIRAC_FIELDS[name].title,
        )
        scheme = st.radio("update scheme", SCHEMES, horizontal=True, key="dirac.scheme")
        lr = st.select_slider(
            "step size h", (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0), 0.1, key="dirac.lr"
        )
        steps = st.slider("steps", 10, 3000, 500, 10, key="dirac.steps")
        r1 = st.slider("R1 γ (penalty on real data)", 0.0, 3.0, 0.0, 0.05, key="dirac.r1")
        r2 = st.slider("R2 γ (penalty on fakes)", 0.0, 3.0, 0.0, 0.05, key="dirac.r2")
        start = start_point("dirac", (1.0, 1.0), EXTENT, ("θ₀ (generator)", "ψ₀ (discriminator)"))
        st.caption("Or click the plot to start there.")
    run = dirac_run(loss, r1, r2, scheme, lr, steps, start, EXTENT)
    gamma = r1 + r2
    with plots:
        st.plotly_chart(
            phase_figure(run["grid"], {scheme: run["path"]}, EXTENT, click_grid=26),
            key="dirac.chart",
            config=CHART_CONFIG,
            on_select=lambda: take_clicked_start("dirac"),
            selection_mode="points",
        )
        cols = st.columns(3)
        cols[0].metric(
            "final distance to (0, 0)",
            "diverged" if run["escaped"] else f"{run['final_distance']:.3g}",
        )
        cols[1].metric(
            "spectral radius of one step",
            f"{run['step_radius']:.5f}",
            help="of the step's Jacobian at (0, 0): below 1 the iterates converge "
            "locally, above 1 they move away",
        )
        cols[2].metric("γ = R1 + R2 vs critical 2f′(0)", f"{gamma:g} vs {critical_gamma(loss):g}")
        st.plotly_chart(distance_figure({scheme: run["path"]}, steps), key="dirac.distance",
                        config=CHART_CONFIG)
        st.plotly_chart(
            eigenvalue_figure(
                run["numeric"],
                run["closed"],
                run["gammas"],
                run["sweep_numeric"],
                run["sweep_closed"],
                gamma,
                critical_gamma(loss),
            ),
            key="dirac.eigen",
            config=CHART_CONFIG,
        )
        st.table(
            {
                "numeric (finite differences)": format_complex(run["numeric"]),
                "closed form −γ/2 ± √(γ²/4 − f′(0)²)": format_complex(run["closed"]),
            }
        )
    st.code(
        f"python -m playground dirac --loss {loss} --r1-gamma {r1:g} --r2-gamma {r2:g} "
        f"--scheme {scheme} --lr {lr:g} --steps {steps} --start={start[0]:g},{start[1]:g} --json",
        language="bash",
    )
    st.markdown(
        "**Try:** γ = 0 with simultaneous steps (spirals out) and alternating steps (cycles); "
        "γ = 0.3 (spirals in); γ = 1, the critical value (fastest local rate, −1/2); γ = 3 "
        "(real eigenvalues, one near 0: convergence slows down again)."
    )
    st.markdown(
        "**Minimax vs non-saturating without a penalty.** Both have the Jacobian above, but not "
        "the same higher-order terms. The minimax flow keeps θ² + ψ² exactly constant "
        "(θθ̇ + ψψ̇ = 0), so every simultaneous step adds to the distance. The non-saturating "
        "flow loses distance at fourth order, θθ̇ + ψψ̇ = −θψ·tanh(ψθ/2), and with simultaneous "
        "steps the two effects balance on a **limit cycle**: with h = 0.1, starts at (0.05, 0.05) "
        "and at (2, 2) both end circling at distance ≈ 0.45 after 5000 steps. Neither converges; "
        "only the penalty makes the equilibrium attract."
    )

st.subheader("See it on 2D data")
st.markdown("On real networks R1 plays the same role: it damps the rotation so the game settles.")
preset_links("ns_r1_converges", "grid_collapse", "grid_r1")
