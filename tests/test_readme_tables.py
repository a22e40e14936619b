import pathlib
import subprocess
import sys

from tests.conftest import ROOT


def test_the_readme_shows_the_tables_the_committed_results_give():
    # scripts/readme_tables.py only reads results/*.json here (no --run): no training
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme_tables.py")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    tables = [line for line in out.splitlines() if line.startswith("|")]
    assert len(tables) > 8  # both tables, header and rows
    readme = pathlib.Path(ROOT / "README.md").read_text()
    missing = [line for line in tables if line not in readme]
    assert not missing, "README is out of date; paste the output of scripts/readme_tables.py"
