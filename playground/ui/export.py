"""Things to take away from a run: the custom points when a link cannot carry them, and the
animated replay (GIF for slides and forums, a self-contained interactive HTML file)."""

from __future__ import annotations

import streamlit as st

from ..config import TrainConfig
from ..data import points_csv
from ..point_codec import MAX_LINK_CHARS
from .share import points_in_link


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
