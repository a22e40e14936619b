"""`pip install .` gives a package that works from any directory (no repository on the path)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_pip_install_gives_a_package_that_trains_from_any_directory(tmp_path):
    target, elsewhere, source = tmp_path / "site", tmp_path / "elsewhere", tmp_path / "source"
    elsewhere.mkdir()
    # a copy: setuptools writes build/ and *.egg-info next to the sources it builds
    shutil.copytree(ROOT / "playground", source / "playground",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    installed = {p.name for p in (target / "playground").iterdir()}
    assert {"ui", "commands", "figures", "training.py"} <= installed
    code = ("import playground, sys; from playground import TrainConfig, train; "
            "r = train(TrainConfig(hidden=8, depth=1, batch_size=16, device='cpu'), 3, "
            "eval_every=3); print(playground.__file__, r.metrics['step'])")
    env = {"PYTHONPATH": str(target), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    where, step = out.stdout.split()
    assert where.startswith(str(target)) and step == "3"
    help_text = subprocess.run([sys.executable, "-m", "playground", "--help"], cwd=elsewhere,
                               env=env, capture_output=True, text=True, timeout=120)
    assert help_text.returncode == 0 and "train" in help_text.stdout
