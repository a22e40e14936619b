"""The ranges the Playground's sidebar offers, declared once (no streamlit import): controls.py
draws its widgets from them and share.py holds a link to them, so a link can ask for nothing a
slider could not. A select-slider also accepts any value between its first and last option (a
preset or link may hold one), so its range is from the smallest to the largest option."""

from __future__ import annotations

LR_OPTIONS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
GAMMA_OPTIONS = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)
R1_EVERY_OPTIONS = (1, 2, 4, 8, 16)  # lazy R1; StyleGAN2 uses 16
BATCH_OPTIONS = (16, 32, 64, 128, 256, 512, 1024, 2048)
HIDDEN_OPTIONS = (8, 16, 32, 64, 128, 256, 512)
D_STEPS = (1, 20)
DEPTH = (1, 8)
LATENT_DIM = (1, 64)

SIDEBAR_RANGES: dict[str, tuple[float, float]] = {
    "lr_g": (min(LR_OPTIONS), max(LR_OPTIONS)),
    "lr_d": (min(LR_OPTIONS), max(LR_OPTIONS)),
    "r1_gamma": (min(GAMMA_OPTIONS), max(GAMMA_OPTIONS)),  # or 0: R1 off
    "r2_gamma": (min(GAMMA_OPTIONS), max(GAMMA_OPTIONS)),  # or 0: R2 off
    "r1_every": (min(R1_EVERY_OPTIONS), max(R1_EVERY_OPTIONS)),
    "batch_size": (min(BATCH_OPTIONS), max(BATCH_OPTIONS)),
    "hidden": (min(HIDDEN_OPTIONS), max(HIDDEN_OPTIONS)),
    "d_steps": D_STEPS,
    "depth": DEPTH,
    "latent_dim": LATENT_DIM,
}


def check_sidebar_range(name: str, value: float) -> None:
    """Raise ValueError when `value` of field `name` lies outside what the sidebar offers."""
    if name not in SIDEBAR_RANGES or (name in ("r1_gamma", "r2_gamma") and value == 0):
        return
    lo, hi = SIDEBAR_RANGES[name]
    if not lo <= value <= hi:
        raise ValueError(f"{name}: {value:g} is outside the sidebar's range [{lo:g}, {hi:g}]")
