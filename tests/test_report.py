"""playground/report.py: the summary and paired-differences tables the Compare page shows and
`python -m playground sweep` prints, from the same rows."""

import json
import math

from playground import report
from playground.__main__ import main

TINY_FLAGS = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--device", "cpu"]


def record(variant: str, seed: int, modes: int, hq: float, label: str = "training",
           converged_at: int | None = None, n_modes: int | None = 8) -> dict:
    metrics = {"n_modes": n_modes, "js_grid": 0.1 + modes / 100, "sliced_w": 0.5 - modes / 100}
    if n_modes is not None:
        metrics |= {"modes_captured": modes, "high_quality": hq, "reverse_kl": 0.2}
    return {"variant": variant, "config": {"seed": seed}, "steps": 100, "metrics": metrics,
            "verdict": {"label": label}, "steps_to_convergence": converged_at}


# "R1" captures 2 to 4 more modes than "plain" on every seed: the seeds agree
RECORDS = [record("plain", s, 4 + s % 2, 0.5) for s in range(4)] + [
    record("R1", s, 7 + s % 2 + (s == 3), 0.75, "converged", 600 + 100 * s) for s in range(4)]


def test_numbers_are_formatted_for_reading():
    assert report.pm(0.5, 0.25, ".1f", 100) == "50.0 ± 25.0"
    assert report.pm(3.0, math.nan, ".1f") == "3.0"  # one seed: no spread
    assert report.pm(math.nan, math.nan, ".1f") == "–"
    assert report.signed(0.000123456) == "+0.000123" and report.signed(-1234.5) == "-1234"
    assert report.signed(1e-12) == "0"


def test_the_summary_row_of_each_variant():
    rows = report.summary_rows(RECORDS)
    assert [r["variant"] for r in rows] == ["plain", "R1"]
    r1 = rows[1]
    assert r1["modes captured ↑"] == "7.8 ± 1.0"  # 7, 8, 7, 9: sample sd 0.96
    assert r1["high quality (%) ↑"] == "75.0 ± 0.0"
    assert r1["verdicts"] == "converged 4/4"
    assert r1["steps to converge (median)"] == "750 (4 of 4 runs)"
    assert rows[0]["steps to converge (median)"] == "– (0 of 4 runs)"


def test_data_without_modes_has_no_mode_columns():
    rows = report.summary_rows([record("a", 0, 3, 0, n_modes=None),
                                record("b", 0, 5, 0, n_modes=None)])
    assert "modes captured ↑" not in rows[0] and "grid JS ↓" in rows[0]
    assert {d["metric"] for d in report.difference_rows(
        [record("a", 0, 3, 0, n_modes=None), record("b", 0, 5, 0, n_modes=None)])} == {
        "grid JS ↓", "sliced W1 ↓"}


def test_the_differences_name_the_better_variant_by_the_metrics_direction():
    rows = {d["metric"]: d for d in report.difference_rows(RECORDS)}
    modes = rows["modes captured ↑"]
    assert modes[report.PAIR] == "R1 vs plain"
    assert modes["b − a (mean)"] == "+3.25" and modes["seeds"] == "4 higher, 0 lower"
    assert modes["reading"] == "R1 better"
    assert rows["sliced W1 ↓"]["reading"] == "R1 better"  # lower is better: R1's is lower
    assert rows["reverse KL ↓"]["reading"] == "no clear difference"  # equal on every seed
    one_seed = report.difference_rows([r for r in RECORDS if r["config"]["seed"] == 0])
    assert {d["reading"] for d in one_seed} == {"needs 2+ seeds"}


def test_a_text_table_aligns_its_columns():
    text = report.text_table([{"name": "a", "n": 5}, {"name": "longer", "n": 12}])
    lines = text.splitlines()
    assert lines[0] == "name     n" and lines[2] == "a        5" and lines[3] == "longer  12"
    assert report.text_table([]) == ""


def test_the_sweep_command_prints_the_pages_rows(capsys):
    assert main(["sweep", "--loss", "minimax,nonsaturating", "--seeds", "2", "--steps", "10",
                 "--eval-every", "5", "--json", *TINY_FLAGS]) == 0
    records = json.loads(capsys.readouterr().out)
    assert main(["sweep", "--loss", "minimax,nonsaturating", "--seeds", "2", "--steps", "10",
                 "--eval-every", "5", *TINY_FLAGS]) == 0
    out = capsys.readouterr().out
    # the same runs (bit-identical on one machine), so the same cells as the page's tables
    for row in report.summary_rows(records) + report.difference_rows(records):
        line = next((ln for ln in out.splitlines() if ln.startswith(
            row.get("variant") or row[report.PAIR])
            and all(str(v) in ln for v in row.values())), None)
        assert line is not None, row


def test_the_command_line_of_a_comparison_trains_the_same_runs(capsys):
    from playground.commands.sweep import command_line
    from playground.config import TrainConfig
    from playground.sweeps import expand_variants, recommended_for

    base = TrainConfig(dataset="grid25", hidden=16, depth=2, batch_size=32, lr_d=3e-4,
                       activation="tanh")
    variants = [{"loss": loss, "r1_gamma": g, "r2_gamma": 0.0}
                for loss in ("minimax", "wgan_gp") for g in (0.0, 1.0)]
    command = command_line(base, variants, 2, 10, eval_every=5, recommended=True)
    assert command.startswith("python -m playground sweep --dataset grid25 ")
    assert main([*command.split()[3:], "--json"]) == 0
    trained = {TrainConfig.from_dict(r["config"]) for r in json.loads(capsys.readouterr().out)}
    wanted = expand_variants(base, variants, [0, 1], extra=recommended_for(base))
    assert trained == {c.config for c in wanted}


def test_a_comparison_the_command_line_cannot_say_has_no_command():
    from playground.commands.sweep import command_line
    from playground.config import TrainConfig

    not_a_grid = [{"loss": "minimax", "r1_gamma": 0.0}, {"loss": "hinge", "r1_gamma": 1.0}]
    assert command_line(TrainConfig(), not_a_grid, 2, 100) is None
    # --recommended would lose to an explicit --d-steps, where the page applies it anyway
    wgan = [{"loss": "wgan_gp"}]
    assert command_line(TrainConfig(d_steps=2), wgan, 2, 100, recommended=True) is None
    assert command_line(TrainConfig(d_steps=2), wgan, 2, 100) == (
        "python -m playground sweep --dataset ring8 --loss wgan_gp --d-steps 2 --seeds 2 "
        "--steps 100")
