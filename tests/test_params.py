"""playground/params.py: the one text-to-field parser behind the command line's flags, the
Playground's links and a link's mid-run changes. Every bad value gets one line naming the
field and what it accepts; the CLI names the flag instead of the field."""

import dataclasses

import pytest

from playground import params
from playground.__main__ import main
from playground.changes import decode
from playground.config import TrainConfig


def test_every_field_round_trips_through_its_text():
    cfg = TrainConfig(dataset="grid25", loss="hinge", lr_g=3e-4, r2_gamma=0.1, mode_std=0.03,
                      d_steps=3, activation="tanh", seed=12, g_ema=0.999)
    for f in dataclasses.fields(TrainConfig):
        if f.name == "custom_points":
            continue
        value = getattr(cfg, f.name)
        assert params.parse_value(f.name, params.format_value(value)) == value, f.name
    assert params.parse_value("mode_std", "None") is None


@pytest.mark.parametrize("name, text, words", [
    ("lr_g", "fast", "lr_g: expected a number in [1e-07, 10], got 'fast'"),
    ("batch_size", "many", "batch_size: expected an integer in [8, 8192], got 'many'"),
    ("d_steps", "1.5", "d_steps: expected an integer in [1, 20], got '1.5'"),
    ("mode_std", "wide", "mode_std: expected a number in [0.0001, 10], got 'wide'"),
])
def test_an_unreadable_value_names_the_field_and_its_range(name, text, words):
    with pytest.raises(ValueError) as e:
        params.parse_value(name, text)
    assert str(e.value) == words


def test_a_long_bad_value_is_quoted_short():
    with pytest.raises(ValueError) as e:
        params.parse_value("hidden", "9" * 50 + "x" * 10_000)
    assert len(str(e.value)) < 120


def test_a_comma_list_is_a_sweep_axis_and_an_empty_one_is_an_error():
    assert params.parse_values("r1_gamma", "0, 0.1,1") == [0.0, 0.1, 1.0]
    with pytest.raises(ValueError, match="^seed: no value given$"):
        params.parse_values("seed", " , ")


def test_the_cli_the_link_and_a_change_say_the_same_about_one_bad_value(capsys):
    assert main(["train", "--lr-d", "fast"]) == 2
    cli = capsys.readouterr().err
    _, link = params.parse_params({"lr_d": "fast"})
    _, change = decode("10:lr_d=fast", TrainConfig())
    said = "expected a number in [1e-07, 10], got 'fast'"
    assert cli.strip().endswith(f"--lr-d: {said}")
    assert link == [f"lr_d: {said}"]
    assert len(change) == 1 and f"lr_d: {said}" in change[0]


def test_a_link_refuses_what_the_allowed_hook_refuses_and_keeps_the_rest():
    def only_small_batches(name, value):
        if name == "batch_size" and value > 64:
            raise ValueError(f"{name}: too large here")

    cfg, problems = params.parse_params(
        {"batch_size": "128", "seed": "4", "device": "cuda", "x" * 500: "1"},
        allowed=only_small_batches)
    assert cfg == TrainConfig(seed=4)
    assert problems[0] == "batch_size: too large here"
    assert problems[1] == "unknown parameter device"  # the server picks the device
    assert problems[2] == "unknown parameter " + "x" * params.MAX_NAME


def test_points_file_errors_name_the_points_and_the_limit(tmp_path):
    with pytest.raises(ValueError, match="^custom_points: cannot read"):
        params.read_points_file(str(tmp_path / "missing.csv"))
    with pytest.raises(ValueError, match="^custom_points: .* the limit$"):
        params.read_points_file("/dev/zero")
    good = tmp_path / "p.csv"
    good.write_text("x,y\n0,0\n1,2\n")
    assert params.read_points_file(str(good)) == ((0.0, 0.0), (1.0, 2.0))
