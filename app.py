"""GAN loss playground: the live Playground page (entry point of `streamlit run app.py`).

Legacy `pages/` discovery supplies the other pages (st.navigation over files in `pages/` breaks
AppTest, see README, "Layout"); the sidebar links are drawn by playground.ui.nav.
"""

import streamlit as st

from playground.ui.live import render_page
from playground.ui.nav import render_nav

st.set_page_config(page_title="GAN loss playground", page_icon=":material/sports_esports:",
                   layout="wide")
render_nav()
render_page()
