import json

import pytest

from playground import metrics
from playground.__main__ import main
from playground.commands.presets import reach
from playground.presets import PRESETS


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_declares_a_verdict_and_what_to_look_for(name):
    p = PRESETS[name]
    assert p.expected in metrics.LABELS and p.expected != "training"
    assert 2 <= p.look_for.count(". ") + 1 <= 4  # a few sentences, read while it plays
    assert 0 < p.eval_every <= p.steps


def test_presets_json_lists_name_title_expected_and_steps(capsys):
    assert main(["presets", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == list(PRESETS)
    for p in listed:
        assert p["expected"] == PRESETS[p["name"]].expected
        assert p["steps"] == PRESETS[p["name"]].steps and p["title"]


def test_check_reports_seeds_reaching_the_expected_verdict(capsys):
    assert main(["presets", "--check", "--only", "diverges", "--seeds", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["threads"] == 1
    (row,) = out["presets"]
    assert row["name"] == "diverges" and row["seeds"] == 2 and row["reached"] == 2
    assert row["median_steps"] <= PRESETS["diverges"].steps
    assert [r["label"] for r in row["runs"]] == ["diverged", "diverged"]


def test_reach_says_so_when_a_run_does_not_reach_the_verdict():
    p = PRESETS["diverges"]
    calm = p.__class__(**{**p.__dict__, "config": p.config.replace(lr_d=1e-3, lr_g=1e-3,
                                                                    hidden=8), "steps": 20})
    r = reach(calm, 0)
    assert not r["reached"] and r["step"] is None and r["label"] == "training"


def test_train_with_a_preset_takes_its_config_and_flags_override_it(capsys):
    assert main(["train", "--preset", "diverges", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["lr_g"] == 10.0 and out["config"]["seed"] == 1
    assert out["verdict"]["label"] == "diverged"
    assert main(["train", "--preset", "diverges", "--lr-g", "0.001", "--lr-d", "0.001",
                 "--hidden", "8", "--steps", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["optimizer"] == "sgd" and out["config"]["lr_g"] == 0.001
    assert out["steps"] == 5 and out["verdict"]["label"] != "diverged"


def test_sweep_with_a_preset_sweeps_around_it(capsys):
    assert main(["sweep", "--preset", "diverges", "--loss", "minimax,nonsaturating",
                 "--seeds", "1", "--steps", "5", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["config"]["loss"] for r in records] == ["minimax", "nonsaturating"]
    assert all(r["config"]["lr_d"] == 10.0 for r in records)


def test_an_unknown_preset_is_a_usage_error(capsys):
    assert main(["train", "--preset", "nope"]) == 2
    assert "--preset: 'nope' is not one of" in capsys.readouterr().err
