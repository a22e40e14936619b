"""Pure plotly builders: records and arrays in, `go.Figure` out; no streamlit, no torch.
One module per page family: live.py (Playground), compare.py, theory.py."""
