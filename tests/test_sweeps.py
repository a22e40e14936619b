"""Sweeps: grid expansion, pairing by seed, tidy records, statistics, and the `sweep` command."""

import csv
import io
import json
import math

import numpy as np
import pytest

from playground import TrainConfig
from playground.__main__ import main
from playground.records import json_safe
from playground.sweeps import (
    METRIC_FIELDS,
    Sweep,
    card_variants,
    expand_grid,
    expand_variants,
    headline,
    mean_interval,
    paired_differences,
    reading,
    records_csv,
    steps_to_convergence,
    summary,
    t_quantile_975,
)

RECORD_KEYS = {"variant", "config", "steps", "seconds", "device", "metrics", "verdict",
               "steps_to_convergence"}
TINY_FLAGS = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--device", "cpu"]


def test_grid_is_the_product_of_axes_times_seeds(tiny):
    cells = expand_grid(tiny, {"loss": ["minimax", "nonsaturating"], "r1_gamma": [0.0, 1.0]},
                        [0, 1])
    assert [c.variant for c in cells[::2]] == [
        "minimax", "minimax + R1 γ=1", "NS", "NS + R1 γ=1"]
    assert [c.config.seed for c in cells] == [0, 1] * 4
    assert all(c.config.hidden == 16 for c in cells)  # the base config's other fields kept


def test_labels_name_other_swept_fields(tiny):
    cells = expand_grid(tiny, {"lr_d": [1e-4, 1e-3]}, [0])
    assert [c.variant for c in cells] == ["NS, lr_d=0.0001", "NS, lr_d=0.001"]


def test_every_cell_is_validated(tiny):
    with pytest.raises(ValueError, match="lr_d"):
        expand_grid(tiny, {"lr_d": [1e-3, 99.0]}, [0])
    with pytest.raises(ValueError, match="once"):
        expand_grid(tiny, {"loss": ["minimax", "minimax"]}, [0])


def test_card_gamma_follows_the_dataset():
    assert card_variants("ring8")[1] == {"loss": "minimax", "r1_gamma": 0.1}
    assert card_variants("grid25")[3] == {"loss": "nonsaturating", "r1_gamma": 1.0}


def test_same_seed_pairs_initial_output_across_variants(tiny):
    cells = expand_grid(tiny, {"loss": ["minimax", "nonsaturating"], "r1_gamma": [0.0, 1.0]},
                        [0, 1])
    sweep = Sweep(cells, 10)
    x = sweep.samples(100)  # G's output before any step, on the fixed evaluation noise
    seed0 = [x[i] for i, c in enumerate(cells) if c.config.seed == 0]
    seed1 = [x[i] for i, c in enumerate(cells) if c.config.seed == 1]
    for a in seed0[1:]:
        np.testing.assert_array_equal(a, seed0[0])
    for b in seed1[1:]:
        np.testing.assert_array_equal(b, seed1[0])
    assert not np.allclose(seed0[0], seed1[0])


def test_structural_fields_split_into_populations(tiny):
    cells = expand_grid(tiny, {"batch_size": [16, 32], "loss": ["minimax", "nonsaturating"]},
                        [0, 1])
    sweep = Sweep(cells, 5, eval_every=5)
    assert [len(p.configs) for p in sweep.populations] == [4, 4]
    records = sweep.run()
    assert sweep.done and [r["steps"] for r in records] == [5] * 8
    assert [r["config"]["batch_size"] for r in records] == [16] * 4 + [32] * 4


def test_records_one_per_cell_with_a_stable_schema(tiny):
    axes = {"loss": ["minimax", "nonsaturating"], "r1_gamma": [0.0, 1.0]}
    sweep = Sweep(expand_grid(tiny, axes, [0, 1]), 30, eval_every=10)
    records = sweep.run()
    assert len(records) == 8
    for r in records:
        assert set(r) == RECORD_KEYS
        assert set(r["metrics"]) == set(METRIC_FIELDS)
        assert TrainConfig.from_dict(r["config"]).to_dict() == r["config"]  # a valid config
        assert r["steps"] == 30 and r["verdict"]["label"] in {"training", "mode_collapse",
                                                              "oscillating", "converged"}
    rows = list(csv.DictReader(io.StringIO(records_csv(records))))
    assert len(rows) == 8 and rows[0]["loss"] == "minimax" and rows[0]["ran_on"] == "cpu"
    assert [s["runs"] for s in summary(records)] == [2, 2, 2, 2]
    assert len(paired_differences(records)) == 6 * 5  # 6 pairs of 4 variants, 5 metrics


def test_histories_csv_has_every_step_of_every_cell(tiny):
    sweep = Sweep(expand_grid(tiny, {"loss": ["minimax", "nonsaturating"]}, [0]), 12,
                  eval_every=6)
    sweep.run()
    rows = list(csv.DictReader(io.StringIO(sweep.histories_csv())))
    assert len(rows) == 24 and rows[0]["variant"] == "minimax" and rows[-1]["seed"] == "0"
    assert rows[5]["modes_captured"] != "" and rows[4]["modes_captured"] == ""


def test_steps_to_convergence_is_where_the_verdict_starts_to_hold():
    captured = np.array([3, 8, 5, 8, 8, 8, 8, 8])
    evals = {"step": np.arange(1, 9) * 100.0, "modes_captured": captured.astype(float),
             "high_quality": np.full(8, 0.9), "reverse_kl": np.zeros(8),
             "js_grid": np.zeros(8), "sliced_w": np.zeros(8), "modes_covered": captured * 1.0,
             "fake_distance": np.zeros(8), "movement": np.full(8, 0.05),
             "grad_g_median": np.full(8, 0.1)}
    counts = np.where(np.arange(8)[None, :] < captured[:, None], 100, 0)
    # 8/8 at step 200 (one evaluation: not enough) and from step 400 on; the verdict needs
    # 3 evaluations in a row, so it says 'converged' from step 600, for the run since 400
    assert steps_to_convergence(evals, counts, 8, None) == 400
    assert steps_to_convergence(evals, counts, 8, diverged_at=300) is None
    counts[-1, 7] = 0  # one evaluation without mode 8 does not end the verdict ...
    assert steps_to_convergence(evals, counts, 8, None) == 400
    counts[-3:, 7] = 0  # ... three in a row do
    assert steps_to_convergence(evals, counts, 8, None) is None


def test_t_interval_against_the_textbook():
    mean, lo, hi = mean_interval([1.0, 2.0, 3.0])  # sd 1, n 3: half-width 4.303 / sqrt(3)
    assert mean == 2 and math.isclose(hi - mean, 4.303 / math.sqrt(3))
    assert math.isnan(mean_interval([1.0])[1])
    assert math.isclose(t_quantile_975(60), 2.000, abs_tol=1e-3)
    assert math.isclose(t_quantile_975(120), 1.980, abs_tol=1e-3)


def test_paired_differences_pair_by_seed():
    def rec(variant, seed, modes):
        return {"variant": variant, "config": {"seed": seed},
                "metrics": dict.fromkeys(METRIC_FIELDS) | {"modes_captured": modes}}

    records = [rec("a", 0, 5), rec("a", 1, 1), rec("b", 1, 2), rec("b", 0, 6)]
    (d,) = paired_differences(records, ["modes_captured"])
    assert (d["a"], d["b"], d["n"], d["mean_diff"]) == ("a", "b", 2, 1.0)
    assert d["ci_low"] == d["ci_high"] == 1.0  # the same +1 for both seeds: no spread


def _modes(variant, seed, modes, n_modes=25):
    return {"variant": variant, "config": {"seed": seed},
            "metrics": dict.fromkeys(METRIC_FIELDS) | {"modes_captured": modes,
                                                        "n_modes": n_modes}}


def test_a_paired_difference_counts_the_seeds_and_reads_by_the_better_direction():
    records = [_modes("a", s, m) for s, m in enumerate([10, 12, 11, 13])]
    records += [_modes("b", s, m) for s, m in enumerate([19, 20, 19, 13])]
    (d,) = paired_differences(records, ["modes_captured"])
    assert (d["higher"], d["lower"], d["n"]) == (3, 0, 4)
    mean, lo, hi = mean_interval([9, 8, 8, 0])
    assert (d["mean_diff"], d["ci_low"], d["ci_high"]) == (mean, lo, hi)
    assert reading(d) == ("b" if lo > 0 else "unclear")
    # the same numbers on a metric where lower is better favour a
    assert reading(d | {"metric": "sliced_w", "ci_low": 1.0}) == "a"
    assert reading(d | {"ci_low": -1.0, "ci_high": 2.0}) == "unclear"
    assert reading(d | {"ci_low": math.nan}) == "too few seeds"


def test_the_headline_names_the_better_variant_its_interval_and_the_seeds_that_agree():
    records = [_modes("NS", s, m) for s, m in enumerate([10, 12, 11, 13])]
    records += [_modes("NS + R1", s, m) for s, m in enumerate([19, 21, 20, 23])]
    text, decided = headline(records)
    # differences 9, 9, 9, 10: sd 0.5, half-width 3.182 * 0.5 / 2 = 0.80; 3 significant digits
    assert decided
    assert text == ("NS + R1 ends with 9.25 more modes than NS (95% interval 8.45 to 10.0); "
                    "all 4 seeds agree.")
    # listed the other way round, the difference is b - a = NS - (NS + R1)
    assert headline(records[4:] + records[:4])[0].startswith(
        "NS ends with 9.25 fewer modes than NS + R1 (95% interval -10.0 to -8.45)")


def test_an_unclear_headline_says_so():
    records = [_modes("a", s, m) for s, m in enumerate([10, 12, 11, 13])]
    records += [_modes("b", s, m) for s, m in enumerate([12, 11, 12, 12])]
    text, decided = headline(records)
    assert not decided
    assert "2 of 4 seeds agree, but the interval includes 0: no clear difference yet" in text
    assert headline(records[:4]) is None  # one variant: nothing to compare
    same = records[:4] + [r | {"variant": "b"} for r in records[:4]]
    assert headline(same) == ("b and a end with the same number of modes captured on average "
                              "(0 seeds higher for b, 0 lower, 4 equal).", False)


def test_sweep_command_prints_one_json_record_per_cell(capsys, tmp_path):
    path = tmp_path / "runs.csv"
    rc = main(["sweep", "--loss", "minimax,nonsaturating", "--r1-gamma", "0,1", "--seeds", "2",
               "--steps", "10", "--eval-every", "5", "--json", "--csv", str(path), *TINY_FLAGS])
    assert rc == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 8 and set(records[0]) == RECORD_KEYS
    assert {(r["config"]["loss"], r["config"]["r1_gamma"], r["config"]["seed"])
            for r in records} == {(lo, g, s) for lo in ("minimax", "nonsaturating")
                                  for g in (0.0, 1.0) for s in (0, 1)}
    assert len(path.read_text().splitlines()) == 9


def test_sweep_command_readable_summary(capsys):
    assert main(["sweep", "--seed", "3,5", "--steps", "5", "--eval-every", "5",
                 *TINY_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "2 runs, 5 steps each" in out and "NS" in out


@pytest.mark.parametrize("argv, message", [
    (["--loss", "minimax,foo"], "--loss: 'foo' is not one of"),
    (["--lr-d", "1e-3,99"], "--lr-d: 99.0 is outside"),
    (["--seeds", "0"], "--seeds: must be >= 1"),
    (["--seeds", "2", "--seed", "1"], "not both"),
    (["--steps", "x"], "--steps: 'x' is not an integer"),
])
def test_sweep_command_bad_input_is_one_line_exit_2(capsys, argv, message):
    assert main(["sweep", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_cell_does_not_depend_on_the_other_seeds_in_the_sweep(tiny):
    variants = card_variants("ring8")
    wide = Sweep(expand_variants(tiny, variants, [0, 1, 2]), 20, eval_every=10).run()
    alone = Sweep(expand_variants(tiny, variants, [1]), 20, eval_every=10).run()
    # json_safe: NaN (reverse KL without a high-quality sample) never equals itself
    assert json_safe([r["metrics"] for r in wide if r["config"]["seed"] == 1]) == json_safe(
        [r["metrics"] for r in alone])
