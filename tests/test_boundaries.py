"""The engine must run on a bare GPU machine with only torch and numpy."""

import subprocess
import sys

from tests.conftest import ROOT

ENGINE = [
    "playground", "playground.config", "playground.data", "playground.models",
    "playground.losses", "playground.training", "playground.records", "playground.metrics",
    "playground.presets", "playground.bench", "playground.__main__",
]


def test_importing_the_engine_imports_neither_streamlit_nor_plotly():
    code = (
        "import importlib, sys\n"
        f"for m in {ENGINE!r}:\n"
        "    importlib.import_module(m)\n"
        "for m in ('playground.sweeps', 'playground.dirac', 'playground.theory'):\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except ModuleNotFoundError as e:\n"
        "        if e.name != m: raise\n"
        "ui = ('streamlit', 'plotly', 'pandas')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ui)\n"
        "assert not bad, bad\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_no_engine_module_mentions_streamlit_or_plotly_imports():
    for path in (ROOT / "playground").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("playground/ui/", "playground/figures/")):
            continue
        text = path.read_text()
        assert "import streamlit" not in text and "from streamlit" not in text, rel
        assert "import plotly" not in text and "from plotly" not in text, rel
