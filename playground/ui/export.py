"""Things to take away from a run: the custom points when a link cannot carry them, and the
animated replay (GIF for slides and forums, a self-contained interactive HTML file)."""

from __future__ import annotations

import streamlit as st

from ..animation import MAX_FRAMES, frame_text, panels_gif, replay_gif
from ..config import TrainConfig
from ..data import points_csv
from ..figures.animation import panels_figure, replay_figure, to_html
from ..params import points_in_link
from ..point_codec import MAX_LINK_CHARS

PNG_HELP = ("A PNG of any figure: the camera on the figure's toolbar (top right, on hover) saves "
            "it at 3× its size on screen, about 2000 pixels wide (300 dpi at 7 inches).")


def points_notice(cfg: TrainConfig, key: str) -> None:
    """Say whether a link carries the run's points; when it cannot, offer them as a file."""
    if cfg.custom_points is None:
        return
    n = len(cfg.custom_points)
    if points_in_link(cfg):
        st.caption(f"The link carries your {n:,} points (compressed), so it reproduces this "
                   "run exactly.")
        return
    st.warning(
        f"Your {n:,} points are too many for a link (it holds at most {MAX_LINK_CHARS:,} "
        "characters of points: about 8,000 points with two decimals, such as drawn ones, or "
        "2,000 at full precision). The link below leaves them out: send the points file "
        "with it, and the recipient uploads it under *Your own points*.",
        icon=":material/link_off:",
    )
    st.download_button(
        "Points (CSV)", data=lambda: points_csv(cfg.custom_points), file_name="gan_points.csv",
        mime="text/csv", on_click="ignore", icon=":material/download:", key=key,
        help="Every point at full precision: uploaded again, it reproduces the run exactly.",
    )


# -- the animated replay ------------------------------------------------------------------------
def _title(cfg: TrainConfig) -> str:
    lazy = f", every {cfg.r1_every} steps" if cfg.r1_every > 1 else ""
    r1 = f" + R1 (γ {cfg.r1_gamma:g}{lazy})" if cfg.r1_gamma else ""
    return f"{cfg.loss}{r1} on {cfg.dataset}, seed {cfg.seed}"


def replay_downloads(run, snapshots: list, key: str) -> None:
    """GIF and HTML of the Playground's replay (its recorded frames, up to 60 over the run)."""
    if len(snapshots) < 2:
        st.caption("Train a few steps to export an animated replay.")
        return
    pop = run.population
    history, n_modes, bounds = run.history, pop.dataset.n_modes, pop.dataset.bounds
    diverged, title = pop.diverged_at[0], _title(run.config)
    frames = [(s, frame_text(history, n_modes, s.step, diverged)) for s in snapshots]
    c1, c2 = st.columns(2)
    c1.download_button(
        "Replay (animated GIF)", data=lambda: replay_gif(frames, bounds, title),
        file_name="gan_replay.gif", mime="image/gif", on_click="ignore",
        icon=":material/animated_images:", key=f"{key}.gif",
        help=f"The {len(frames)} recorded frames (step, losses, verdict in each): for slides "
             "and forum posts; under 3 MB.")
    c2.download_button(
        "Replay (interactive HTML)", data=lambda: to_html(replay_figure(frames, bounds, title)),
        file_name="gan_replay.html", mime="text/html", on_click="ignore",
        icon=":material/slideshow:", key=f"{key}.html",
        help="One self-contained file (plotly.js inside, up to about 9 MB) with a slider and Play: "
             "it opens in any browser without a network.")


COMPARE_FRAMES_KEY = "compare.frames"


def record_compare_frame(sweep, variants: list[str], seed: int, note) -> None:
    """Keep the generated points of `seed` for every variant at about MAX_FRAMES steps spread
    over the sweep, for the comparison's animated replay; `note(record)` labels a panel."""
    ss = st.session_state
    kept = ss.get(COMPARE_FRAMES_KEY)
    if kept is None or kept["sweep"] is not sweep:
        kept = ss[COMPARE_FRAMES_KEY] = {"sweep": sweep, "frames": [], "notes": []}
    step = sweep.steps_done // len(sweep.populations)
    every = max(1, sweep.steps // (MAX_FRAMES - 1))
    last = kept["frames"][-1][0] if kept["frames"] else None
    if last is not None and step - last < every and not (sweep.done and step != last):
        return
    index = {(c.variant, c.config.seed): i for i, c in enumerate(sweep.cells)}
    samples, records = sweep.samples(400), sweep.records()
    cells = [index[v, seed] for v in variants]
    kept["frames"].append((step, [samples[i] for i in cells]))
    kept["notes"].append([note(records[i]) for i in cells])


def compare_downloads(sweep, variants: list[str], seed: int, base: TrainConfig) -> None:
    """GIF and HTML of the comparison: one panel per variant (seed `seed`); with custom data,
    the points too (the headless command reads them from a file)."""
    if base.custom_points is not None:
        st.download_button(
            "Points (CSV)", data=lambda: points_csv(base.custom_points), file_name="points.csv",
            mime="text/csv", on_click="ignore", icon=":material/download:",
            key="compare.dl_points", help="The points every run trained on, at full precision.")
    kept = st.session_state.get(COMPARE_FRAMES_KEY)
    if kept is None or kept["sweep"] is not sweep or len(kept["frames"]) < 2:
        return
    frames, notes = list(kept["frames"]), list(kept["notes"])
    pop = sweep.populations[0]
    real, bounds = pop.observer.x_eval[0][:400], pop.dataset.bounds
    c1, c2 = st.columns(2)
    c1.download_button(
        "Replay (animated GIF)", data=lambda: panels_gif(frames, variants, real, bounds, notes),
        file_name="compare_replay.gif", mime="image/gif", on_click="ignore",
        icon=":material/animated_images:", key="compare.dl_gif",
        help=f"One panel per variant, seed {seed}, {len(frames)} frames over the training.")
    c2.download_button(
        "Replay (interactive HTML)",
        data=lambda: to_html(panels_figure(frames, variants, real, bounds, notes)),
        file_name="compare_replay.html", mime="text/html", on_click="ignore",
        icon=":material/slideshow:", key="compare.dl_html",
        help="One self-contained file with a slider and Play; opens without a network.")
