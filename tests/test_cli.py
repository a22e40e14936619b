import csv
import json
import subprocess
import sys

import pytest

from playground.__main__ import main
from tests.conftest import ROOT

TINY = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--device", "cpu"]


def _cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_train_json_prints_one_object_with_the_documented_keys(tmp_path):
    samples, history = tmp_path / "s.csv", tmp_path / "h.csv"
    p = _cli("train", "--dataset", "ring8", "--loss", "minimax", "--r1-gamma", "1", "--steps",
             "120", "--seed", "3", "--json", "--samples", str(samples), "--history", str(history),
             *TINY)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) == {"config", "steps", "seconds", "device", "threads", "metrics", "verdict"}
    assert out["threads"] == 1
    assert out["config"]["loss"] == "minimax" and out["config"]["seed"] == 3
    assert out["steps"] == 120 and out["device"] == "cpu"
    assert {"modes_captured", "n_modes", "high_quality", "reverse_kl", "js_grid",
            "sliced_w"} <= set(out["metrics"])
    assert 0 <= out["metrics"]["high_quality"] <= 1
    assert out["verdict"]["label"] in {"converged", "mode_collapse", "oscillating", "stalled",
                                       "diverged", "training"}
    rows = list(csv.reader(samples.open()))
    assert rows[0] == ["x", "y"] and len(rows) == 2501
    hist = list(csv.DictReader(history.open()))
    assert len(hist) == 120 and hist[-1]["step"] == "120" and hist[-1]["modes_captured"] != ""


def test_train_without_json_prints_a_summary_and_a_progress_bar():
    p = _cli("train", "--steps", "40", *TINY)
    assert p.returncode == 0
    assert "verdict:" in p.stdout and "40/40 steps" in p.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--loss", "wgan"], "--loss"),
        (["train", "--steps", "-5"], "--steps"),
        (["train", "--lr-g", "nan"], "--lr-g"),
        (["train", "--batch-size", "many"], "--batch-size"),
        (["train", "--dataset", "custom"], "--points"),
        (["train", "--dataset", "custom", "--points", "/nonexistent.csv"], "--points"),
        (["train", "--frobnicate"], "unrecognized"),
        (["bench", "--device", "tpu"], "--device"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_no_traceback(args, message):
    p = _cli(*args)
    assert p.returncode == 2
    assert message in p.stderr
    assert "Traceback" not in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["bench", "--batch-size", "4"], "--batch-size: 4 is outside [8, 8192]"),
        (["bench", "--populations", "100000"], "--populations must be in [1, 1024]"),
        (["train", "--dataset", "custom", "--points", "/dev/zero"], "the limit"),
        (["sweep", "--seeds", ""], "--seeds: '' is not an integer"),
        (["sweep", "--seed", ",".join(map(str, range(1025)))], "--seed: at most 1024 seeds"),
    ],
)
def test_hostile_arguments_exit_2_with_one_line(args, message, capsys):
    # in-process (the CLI's own main): a traceback would fail the test as an exception
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_output_paths_are_checked_before_training(tmp_path, capsys):
    missing = tmp_path / "no such folder" / "s.csv"
    for args, flag in [(["train", "--samples", str(missing)], "--samples"),
                       (["train", "--history", str(tmp_path)], "--history"),
                       (["sweep", "--seeds", "1", "--histories", str(missing)], "--histories")]:
        assert main([*args, "--steps", "5", *TINY]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"python -m playground {args[0]}: error: {flag}: ")
        assert len(err.splitlines()) == 1  # no progress bar: nothing was trained
    assert list(tmp_path.iterdir()) == []  # and nothing was left behind


def test_custom_points_file(tmp_path):
    pts = tmp_path / "p.csv"
    pts.write_text("x,y\n0,0\n1,1\n2,0\n")
    p = _cli("train", "--dataset", "custom", "--points", str(pts), "--steps", "10", "--json", *TINY)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["config"]["custom_points"] == [[0, 0], [1, 1], [2, 0]]
    pts.write_text("x,y\n0,0\nfoo,bar\n")
    p = _cli("train", "--dataset", "custom", "--points", str(pts), "--steps", "10", *TINY)
    assert p.returncode == 2 and "line 3" in p.stderr


def test_a_diverging_run_exits_0_with_verdict_diverged():
    p = _cli("train", "--optimizer", "sgd", "--lr-d", "1", "--r1-gamma", "1000", "--activation",
             "leaky_relu", "--steps", "500", "--json", *TINY)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["verdict"]["label"] == "diverged" and out["steps"] < 500


def test_bench_json_reports_ratios_against_the_textbook_loop():
    p = _cli("bench", "--device", "cpu", "--populations", "1,2", "--batch-size", "16",
             "--seconds", "0.05", "--rounds", "1", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["device"] == "cpu" and out["torch"]
    rows = {(r["name"], r["population"], r["r1"], r["r1_every"]): r for r in out["results"]}
    # without R1, with R1 in every step, with lazy R1 (every 4th step)
    assert set(rows) == {(n, k, r1, every) for r1, every in ((False, 1), (True, 1), (True, 4))
                         for n, k in (("textbook", 1), ("engine", 1), ("engine", 2))}
    for r in out["results"]:
        assert r["graphed"] is False and r["steps_per_s"] > 0
        assert r["model_steps_per_s"] == pytest.approx(r["steps_per_s"] * r["population"], rel=1e-3)
    assert rows[("textbook", 1, True, 1)]["ratio"] == rows[("textbook", 1, True, 4)]["ratio"] == 1
    for r1, every in ((False, 1), (True, 4)):
        e = rows[("engine", 2, r1, every)]
        assert e["ratio"] == pytest.approx(
            e["model_steps_per_s"] / rows[("textbook", 1, r1, every)]["steps_per_s"], rel=1e-2)


NO_TORCH = """
import runpy, sys
sys.argv = ["playground", *sys.argv[1:]]
try:
    runpy.run_module("playground", run_name="__main__")
except SystemExit as e:
    code = e.code
print("exit", code, "torch" in sys.modules)
"""


@pytest.mark.parametrize("args", [
    ["--help"], ["train", "--help"], ["sweep", "--help"], ["bench", "--help"],
    ["dirac", "--help"], ["presets", "--help"], ["train", "--loss", "hinged"],
    ["bench", "--batch-size", "4"], ["presets", "--check", "--seeds", "0"],
    ["sweep", "--seeds", "x"], ["train", "--batch-size", "4"],
])
def test_help_and_bad_arguments_answer_without_importing_torch(args):
    out = subprocess.run([sys.executable, "-c", NO_TORCH, *args], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    code, imported = out.stdout.strip().splitlines()[-1].split()[1:]
    assert (code, imported) == ("0" if args[-1] == "--help" else "2", "False"), out.stderr


def test_train_writes_the_animated_replay_as_gif_or_html(tmp_path):
    from PIL import Image

    gif, html = tmp_path / "run.gif", tmp_path / "run.html"
    p = _cli("train", "--steps", "40", "--eval-every", "10", "--animation", str(gif), *TINY)
    assert p.returncode == 0, p.stderr
    with Image.open(gif) as im:
        assert im.n_frames == 41  # one frame per step: fewer steps than frames
    p = _cli("train", "--steps", "40", "--animation", str(html), "--json", *TINY)
    assert p.returncode == 0, p.stderr
    assert "step 40" in html.read_text() and "plotly" in html.read_text()
    p = _cli("train", "--animation", str(tmp_path / "run.png"))
    assert p.returncode == 2 and p.stderr.strip().endswith("must end in .gif or .html")
