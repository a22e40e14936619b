"""Compare losses (minimax, NS, LSGAN, hinge, WGAN-GP) and penalties (R1, R2) on paired seeds."""

import streamlit as st

from playground.ui.compare import render_page, render_results_file
from playground.ui.nav import render_nav

st.set_page_config(page_title="Compare losses", page_icon=":material/compare:", layout="wide")
render_nav()
render_page()
render_results_file()
