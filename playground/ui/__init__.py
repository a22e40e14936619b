"""Streamlit widgets and session helpers: the only part of `playground` that imports streamlit."""
