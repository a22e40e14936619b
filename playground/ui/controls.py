"""The Playground's sidebar: presets, data, the game (loss, R1), training knobs, network.

Widget keys are config field names (see session.py). Each widget says in its help text what it
does to the game. Changes to the game (loss, R1, averaging, learning rates) are applied to the
running run; changes to the data, network, optimizer or seed restart it from step 0.
"""

from __future__ import annotations

import streamlit as st

from .. import catalog
from ..config import ACTIVATIONS, DATASETS, OPTIMIZERS
from ..presets import PRESETS
from . import session
from .draw import render_draw_button
from .ranges import (
    BATCH_OPTIONS,
    D_STEPS,
    DEPTH,
    GAMMA_OPTIONS,
    HIDDEN_OPTIONS,
    LATENT_DIM,
    LR_OPTIONS,
    R1_EVERY_OPTIONS,
)

DATASET_LABELS = {
    "ring8": "ring of 8 Gaussians", "grid25": "5 × 5 grid of Gaussians", "spiral": "spiral",
    "moons": "two moons", "circles": "two circles", "custom": "your points (drawn or CSV)",
}
EMA_OPTIONS = (0.9, 0.99, 0.995, 0.999, 0.9999)


def _options(base: tuple, key: str) -> list:
    """The option list plus the current value (a link or preset may hold any valid value)."""
    current = st.session_state.get(key)
    return sorted(set(base) | ({current} if current is not None else set()))


def render_controls() -> None:
    with st.sidebar:
        _presets()
        _game()
        _training()
        _network()
        _custom_data()


def _presets() -> None:
    with st.expander("Presets: one phenomenon each", expanded=True, icon=":material/bookmark:"):
        for name, preset in PRESETS.items():
            st.button(preset.title, key=f"playground.preset.{name}", help=preset.summary,
                      on_click=session.apply_preset, args=(name,), width="stretch")


def _game() -> None:
    st.subheader("Data and game")
    st.caption("Loss, R1 on or off, its strength and learning rates change the running game; "
               "data, networks, optimizer, batch, how often R1 is computed and seed restart it "
               "from step 0.")
    datasets = [d for d in DATASETS if d != "custom" or st.session_state.get(session.CUSTOM_KEY)]
    st.selectbox(
        "Data", datasets, key="dataset", format_func=DATASET_LABELS.get,
        on_change=session.on_setting_change,
        help="The real distribution G must learn. The ring and the grid are mixtures of "
             "Gaussians, so modes captured and % high-quality samples can be counted. "
             "Changing it restarts the run.",
    )
    render_draw_button()
    st.selectbox(
        "Loss", catalog.NAMES, key="loss", format_func=catalog.label,
        on_change=session.on_setting_change, help=loss_help(),
    )
    _recommended_settings()
    st.toggle(
        "R1 penalty on D", key="r1", on_change=session.on_setting_change,
        help="Adds γ/2 · E‖∇x D(x_real)‖² to D's loss (Mescheder et al. 2018): D may not be "
             "steep on the real data, which damps oscillation and helps G cover all modes. "
             "Applies to the running game.",
    )
    st.select_slider(
        "R1 strength γ", _options(GAMMA_OPTIONS, "r1_gamma"), key="r1_gamma",
        disabled=not st.session_state.get("r1"), on_change=session.on_setting_change,
        help="Larger γ: a smoother D and steadier training, but blurrier samples (γ = 1 on the "
             "ring spreads the modes). Applies to the running game.",
    )
    st.select_slider(
        "R1 computed", _options(R1_EVERY_OPTIONS, "r1_every"), key="r1_every",
        disabled=not st.session_state.get("r1"), on_change=session.on_setting_change,
        format_func=_every,
        help="Lazy R1 (Karras et al. 2020, StyleGAN2): the penalty is computed only every N-th "
             "step, N times as strong, so D feels the same penalty on average while the other "
             "steps skip R1's extra backward pass (more steps per second). The grid presets "
             "use every 4th step. Restarts the run.",
    )
    st.toggle(
        "R2 penalty on D (fakes)", key="r2", on_change=session.on_setting_change,
        help="Adds γ/2 · E‖∇x D(G(z))‖² to D's loss: R1's penalty on the fake points instead "
             "of the real ones (Mescheder et al. 2018). Combines with any loss and with R1. "
             "Applies to the running game.",
    )
    st.select_slider(
        "R2 strength γ", _options(GAMMA_OPTIONS, "r2_gamma"), key="r2_gamma",
        disabled=not st.session_state.get("r2"), on_change=session.on_setting_change,
        help="Weight of the R2 penalty. Applies to the running game.",
    )
    st.toggle(
        "Judge an averaged G", key="ema", on_change=session.on_setting_change,
        help="Keeps an exponential moving average of G's weights (as Mescheder et al. 2018 and "
             "StyleGAN evaluate with): metrics and the verdict use the averaged G, and the "
             "landscape shows its points as orange rings. It damps the wobble of a G that "
             "circles the optimum. Applies to the running game; switching it on starts the "
             "average from G as it is.",
    )
    st.select_slider(
        "Averaging decay", _options(EMA_OPTIONS, "g_ema"), key="g_ema",
        disabled=not st.session_state.get("ema"), on_change=session.on_setting_change,
        format_func=lambda v: f"{v:g}",
        help="avg ← decay · avg + (1 − decay) · G after every G step: 0.999 averages over "
             "about the last 1000 steps.",
    )


def _every(n: int) -> str:
    """'every step', 'every 4th step, 4 γ': how often lazy R1 is computed and how strong."""
    if n == 1:
        return "every step"
    return f"every {({2: '2nd', 3: '3rd'}).get(n, f'{n}th')} step, {n} γ"


def loss_help() -> str:
    """Every loss's D and G loss, from the catalog (the one list of losses)."""
    return "  \n".join(
        f"**{i.label}** ({i.paper}): D minimises {i.d_loss}; G minimises {i.g_loss}."
        for i in catalog.LOSSES.values()
    ) + ("  \nMinimax's gradient vanishes where D confidently rejects the fakes (short "
         "arrows). Switching applies to the running game.")


def _recommended_settings() -> None:
    """Say which settings the chosen loss's paper uses, and offer them when they differ."""
    info = catalog.LOSSES[st.session_state["loss"]]
    if not info.recommended:
        return
    cfg = session.run().config
    if all(getattr(cfg, k) == v for k, v in info.recommended.items()):
        st.caption(f"Running with {info.short}'s recommended settings: "
                   f"{info.recommended_text()}.")
        return
    st.caption(f"{info.paper} train {info.short} with {info.recommended_text()}: "
               f"{info.why}")
    st.button(f"Use {info.short}'s settings (restarts)", key="playground.recommended",
              on_click=session.apply_recommended, icon=":material/tune:")


def _training() -> None:
    st.subheader("Training")
    c1, c2 = st.columns(2)
    c1.select_slider(
        "lr of G", _options(LR_OPTIONS, "lr_g"), key="lr_g", on_change=session.on_setting_change,
        format_func=lambda v: f"{v:g}",
        help="Generator step size. Applies to the running game (the optimizer state is kept).",
    )
    c2.select_slider(
        "lr of D", _options(LR_OPTIONS, "lr_d"), key="lr_d", on_change=session.on_setting_change,
        format_func=lambda v: f"{v:g}",
        help="Discriminator step size. A D much faster than G wins early, which is when the "
             "minimax loss saturates. Applies to the running game.",
    )
    st.slider(
        "D steps per G step", *D_STEPS, key="d_steps", on_change=session.on_setting_change,
        help="k of Goodfellow et al.'s Algorithm 1. More D steps: a stronger D, a more "
             "informative but more saturating signal for G. Restarts the run.",
    )
    st.radio(
        "Optimizer", OPTIMIZERS, key="optimizer", horizontal=True,
        on_change=session.on_setting_change,
        help="Adam rescales each gradient, which hides most of minimax's vanishing gradient; "
             "plain SGD shows it. Restarts the run.",
    )
    cfg = session.run().config
    if cfg.optimizer == "adam":  # no widget sets the betas: presets, links and papers' settings do
        st.caption(f"Adam betas ({cfg.beta1:g}, {cfg.beta2:g}), set by presets, links and a "
                   "loss's recommended settings.")
    st.select_slider(
        "Batch size", _options(BATCH_OPTIONS, "batch_size"), key="batch_size",
        on_change=session.on_setting_change,
        help="Real and fake samples per step. Larger: less noisy gradients, fewer steps/s. "
             "Restarts the run.",
    )


def _network() -> None:
    st.subheader("Networks and seed")
    c1, c2 = st.columns(2)
    c1.select_slider(
        "Width", _options(HIDDEN_OPTIONS, "hidden"), key="hidden",
        on_change=session.on_setting_change,
        help="Units per hidden layer of G and of D. Restarts the run.",
    )
    c2.slider(
        "Depth", *DEPTH, key="depth", on_change=session.on_setting_change,
        help="Hidden layers of G and of D. Restarts the run.",
    )
    c1.number_input(
        "Latent dim", *LATENT_DIM, key="latent_dim", on_change=session.on_setting_change,
        help="Dimension of z ~ N(0, I). The warped-grid layer shows the first two. "
             "Restarts the run.",
    )
    c2.selectbox(
        "Activation", ACTIVATIONS, key="activation", on_change=session.on_setting_change,
        help="Hidden-layer nonlinearity of both networks. Restarts the run.",
    )
    st.number_input(
        "Seed", 0, 2**31 - 1, key="seed", on_change=session.on_setting_change,
        help="Initial weights, data and noise all derive from it: the same config and seed "
             "replay the same run (Reset too). Restarts the run.",
    )


def _custom_data() -> None:
    with st.expander("Your own points (CSV)", icon=":material/upload_file:"):
        st.file_uploader(
            "A CSV with one x,y per line", type=["csv", "txt"], key=session.upload_key(),
            on_change=session.on_upload,
            help="G then learns these points (plus a little noise). A link carries them when "
                 "they fit (Share and export says so); otherwise share the points file with "
                 "the link.",
        )
