"""The sidebar navigation shared by every page (legacy `pages/` discovery, see README)."""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("app.py", "Playground", ":material/sports_esports:"),
    ("pages/compare.py", "Compare losses", ":material/compare:"),
    ("pages/saturation.py", "Theory: saturation", ":material/trending_flat:"),
    ("pages/optimal_d.py", "Theory: optimal D and JSD", ":material/functions:"),
    ("pages/dirac.py", "Theory: Dirac-GAN", ":material/cyclone:"),
)


# Display formulas and markdown tables wider than a phone scroll inside their own box instead
# of widening the page (position: relative keeps KaTeX's hidden MathML copy inside the box too).
_STYLE = ("<style>.katex-display { overflow-x: auto; overflow-y: hidden; position: relative; }"
          " [data-testid='stMarkdownContainer'] table { display: block; overflow-x: auto; }"
          "</style>")


def render_nav() -> None:
    st.html(_STYLE)
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
