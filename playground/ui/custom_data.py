"""Your own points on the pages other than the Playground: the Compare page (the same points for
every variant and seed) and the optimal-D theory page. The points come from, in this order: the
page's link (`?cmp_points=...`, point_codec text), a CSV uploaded here, or the points in use on
the Playground (drawn or uploaded there), which the session shares."""

from __future__ import annotations

import streamlit as st

from ..config import TrainConfig
from ..data import read_points
from ..point_codec import decode_points, fits_in_link
from . import session
from .text import escape

POINTS_KEY = "custom.points"  # the points these pages use, shared with the Playground's
UPLOADS_KEY = "custom.uploads"
ERROR_KEY = "custom.error"
LINK_PARAM = "cmp_points"


def points() -> tuple | None:
    """The points these pages use now (None: the user has none yet)."""
    ss = st.session_state
    if POINTS_KEY not in ss and LINK_PARAM in st.query_params:
        try:
            found = decode_points(st.query_params[LINK_PARAM])
            TrainConfig(dataset="custom", custom_points=found)  # count and range
            ss[POINTS_KEY] = found
        except ValueError as e:
            ss[ERROR_KEY] = f"The link's points were ignored: {escape(e, 300)}."
    return ss.get(POINTS_KEY) or ss.get(session.CUSTOM_KEY)


def _upload_key() -> str:
    return f"custom.upload.{st.session_state.get(UPLOADS_KEY, 0)}"


def _uploaded() -> None:
    ss = st.session_state
    upload = ss.get(_upload_key())
    if upload is None:
        return
    ss[UPLOADS_KEY] = ss.get(UPLOADS_KEY, 0) + 1  # a fresh uploader: the bytes are not kept
    try:
        ss[POINTS_KEY] = read_points(upload.getvalue())
        ss.pop(ERROR_KEY, None)
    except ValueError as e:
        ss[ERROR_KEY] = f"Could not use {escape(upload.name, 80)}: {escape(e, 600)}."


def render_source(link: bool) -> tuple | None:
    """The points' source and count, an uploader, and (with `link`) the points written to the
    page's URL when they fit; returns the points in use."""
    pts = points()
    if ERROR_KEY in st.session_state:
        st.error(st.session_state[ERROR_KEY], icon=":material/error:")
    if pts is None:
        st.caption("No points yet: draw them on the Playground (*Draw points*) or upload a "
                   "CSV here.")
    else:
        st.caption(f"{len(pts):,} points (from the Playground, this page's link or an upload).")
    st.file_uploader("CSV with one x,y per line", type=["csv", "txt"], key=_upload_key(),
                     on_change=_uploaded)
    if link and pts is not None:
        text = fits_in_link(pts)
        if text is None:
            st.query_params.pop(LINK_PARAM, None)
            st.caption(":orange[Too many points for a link: share the CSV with it.]")
        elif st.query_params.get(LINK_PARAM) != text:
            st.query_params[LINK_PARAM] = text
    elif link:
        st.query_params.pop(LINK_PARAM, None)
    return pts
