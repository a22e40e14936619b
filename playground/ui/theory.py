"""Widgets and cached computations shared by the three theory pages (saturation, optimal D,
Dirac-GAN). The science lives in playground.theory and playground.dirac (numpy only); this
module wires it to widgets, and caches it with st.cache_data (pure functions of their inputs)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from .. import dirac, theory
from ..catalog import LOSSES
from ..presets import PRESETS
from . import session

# Every distinct slider setting is a cache entry (up to 1.6 MB for optimum_2d), shared by all
# sessions: without a bound, visitors sweeping sliders grow the server without limit.
CACHE_LIMITS = {"max_entries": 16, "ttl": 3600}


def preset_links(*names: str) -> None:
    """One link per preset that opens the Playground with it applied (?preset=NAME). A preset
    replaces the Playground's run, so while this session has a trained run the link opens a
    new tab (a new session) and the run stays as it is; otherwise it opens in this tab."""
    run = st.session_state.get(session.RUN_KEY)
    trained = run.step_count if run is not None else 0
    if trained:
        st.caption(f"These open in a new tab, so your Playground run (step {trained:,}) stays "
                   "as it is.")
    for name in names:
        preset = PRESETS[name]
        label = f"Open in the Playground: {preset.title}"
        if trained:
            # relative to the page's own address, so it also works under a server base path
            st.link_button(label, f"./?preset={name}", icon=":material/open_in_new:",
                           type="tertiary")
        else:
            st.page_link("app.py", label=label, icon=":material/play_circle:",
                         query_params={"preset": name})
        st.caption(preset.summary)


def live_d_fake() -> tuple[np.ndarray, str] | None:
    """D's logits at the fake probe points of the user's Playground run, with a label naming
    the run; None when no run has been trained in this session or its D outputs no logit of a
    probability."""
    run = st.session_state.get(session.RUN_KEY)
    if run is None:
        return None
    with session.lock():  # the Playground's fragment may be training this run right now
        snap = run.snapshot()
    if LOSSES[snap.loss].output.kind != "probability":
        return None  # LSGAN, hinge and critic outputs are not logits of a probability
    logits = np.asarray(snap.d_fake_raw, dtype=np.float64).ravel()
    if logits.size == 0:
        return None
    return logits, f"your run ({snap.loss}, step {snap.step})"


# ---------------------------------------------------------------------------------------------
# cached computations (pure functions of hashable arguments)


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def saturation_curves(n: int = 400) -> theory.SaturationCurves:
    """Curves on logits spread evenly over ±13.8, i.e. D(G(z)) from 1e-6 to 1 - 1e-6."""
    logits = np.linspace(-13.8, 13.8, n)
    return theory.saturation_curves(theory.sigmoid(logits))


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def optimum_1d(
    data: theory.Mixture1D, generator: theory.Mixture1D, center: float, extent: float = 10.0
):
    """Grid, both densities, D*, the summary (C(G), JSD) for `generator` moved to `center`, and
    the JSD as a function of the centre (`generator` is given centred at 0)."""
    x = theory.grid_1d(-extent, extent, 4001)
    p, q = data.density(x), generator.shifted(center).density(x)
    centers = np.linspace(-extent / 2, extent / 2, 161)
    # a coarser grid is plenty for the curve and keeps 161 integrals fast
    x_coarse = theory.grid_1d(-1.5 * extent, 1.5 * extent, 3001)
    curve = theory.jsd_along_shift(data, generator, centers, x_coarse)
    return x, p, q, theory.optimal_discriminator(p, q), theory.summarise(p, q, x), centers, curve


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def trained_d_1d(
    data: theory.Mixture1D, generator: theory.Mixture1D, x: np.ndarray, n: int = 1000, seed: int = 0
) -> np.ndarray:
    """D(x) = σ(w·φ(x)) fitted to n samples of each density (see theory.fit_discriminator_1d)."""
    rng = np.random.default_rng(seed)
    x_real, x_fake = theory.sample_1d(data, n, rng), theory.sample_1d(generator, n, rng)
    centers, width = np.linspace(x[0], x[-1], 41), (x[-1] - x[0]) / 40  # width = spacing
    w = theory.fit_discriminator_1d(x_real, x_fake, centers, width, steps=1500)
    return theory.sigmoid(theory.rbf_features(x, centers, width) @ w)


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def optimum_2d(data: theory.Mixture2D, generator: theory.Mixture2D, extent: float, n: int = 201):
    x, y = theory.grid_2d(extent, n)
    p, q = data.density(x, y), generator.density(x, y)
    cell = (x[0, 1] - x[0, 0]) ** 2
    return x, y, p, q, theory.optimal_discriminator(p, q), theory.summarise(p, q, cell=cell)


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def bilinear_paths(start: tuple[float, float], lr: float, steps: int) -> dict[str, np.ndarray]:
    return {
        scheme: dirac.trajectory(dirac.bilinear_field, start, lr, steps, scheme).points
        for scheme in dirac.SCHEMES
    }


@st.cache_data(show_spinner=False, **CACHE_LIMITS)
def dirac_run(
    loss: str,
    r1_gamma: float,
    r2_gamma: float,
    scheme: str,
    lr: float,
    steps: int,
    start: tuple[float, float],
    extent: float,
) -> dict:
    """Everything the Dirac-GAN page draws for one setting."""
    field = dirac.dirac_field(loss, r1_gamma, r2_gamma)
    gamma = r1_gamma + r2_gamma
    gammas = np.linspace(0.0, max(3.0, 1.2 * gamma), 121)
    path = dirac.trajectory(field, start, lr, steps, scheme)
    return {
        "grid": dirac.field_grid(field, extent, 17),
        "path": path.points,
        "escaped": path.escaped,
        "final_distance": path.final_distance,
        "numeric": dirac.sorted_eigenvalues(dirac.jacobian(field)),
        "closed": dirac.closed_form_eigenvalues(loss, gamma),
        "gammas": gammas,
        "sweep_numeric": dirac.eigenvalue_sweep(loss, gammas),
        "sweep_closed": np.array([dirac.closed_form_eigenvalues(loss, g) for g in gammas]),
        "step_radius": dirac.spectral_radius(dirac.update_jacobian(field, lr, scheme)),
    }


# ---------------------------------------------------------------------------------------------
# widgets


def start_point(
    prefix: str, default: tuple[float, float], extent: float, labels: tuple[str, str]
) -> tuple[float, float]:
    """Two number inputs for a start point; a click on the phase chart (key f"{prefix}.chart")
    writes into them through `take_clicked_start`."""
    cols = st.columns(2)
    a = cols[0].number_input(labels[0], -extent, extent, default[0], 0.1, key=f"{prefix}.start0")
    b = cols[1].number_input(labels[1], -extent, extent, default[1], 0.1, key=f"{prefix}.start1")
    return float(a), float(b)


def take_clicked_start(prefix: str) -> None:
    """on_select callback of a phase chart: the clicked point becomes the start point."""
    event = st.session_state.get(f"{prefix}.chart")
    points = event.selection.points if event is not None else []
    if points:
        st.session_state[f"{prefix}.start0"] = round(float(points[0]["x"]), 2)
        st.session_state[f"{prefix}.start1"] = round(float(points[0]["y"]), 2)


def format_complex(values: np.ndarray) -> list[str]:
    """'a ± b i' with 6 decimals; + 0.0 turns a negative zero into a plain 0."""
    return [
        f"{v.real + 0.0:+.6f} {'+' if v.imag >= 0 else '−'} {abs(v.imag):.6f} i"
        for v in np.round(values, 9)
    ]
