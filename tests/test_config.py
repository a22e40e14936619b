import dataclasses
import math

import pytest

from playground import TrainConfig


def test_defaults_are_valid_and_frozen():
    cfg = TrainConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.lr_g = 1.0


@pytest.mark.parametrize(
    "field, value",
    [
        ("loss", "wasserstein"),
        ("dataset", "ring9"),
        ("lr_g", math.nan),
        ("lr_d", -1e-3),
        ("r1_gamma", -0.1),
        ("d_steps", 0),
        ("r1_every", 0),
        ("r1_every", 2.0),
        ("batch_size", 2.5),
        ("seed", -1),
        ("depth", True),
        ("beta1", 1.0),
        ("device", "tpu"),
        ("mode_std", 0.0),
    ],
)
def test_invalid_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=f"^{field}:"):
        TrainConfig(**{field: value})


def test_custom_points_are_validated():
    with pytest.raises(ValueError, match="custom_points"):
        TrainConfig(dataset="custom")
    with pytest.raises(ValueError, match="custom_points"):
        TrainConfig(dataset="custom", custom_points=((0.0, 0.0), (math.inf, 1.0)))
    with pytest.raises(ValueError, match="custom_points"):
        TrainConfig(custom_points=((0.0, 0.0), (1.0, 1.0)))  # not with ring8


def test_replace_revalidates_and_dict_round_trips():
    cfg = TrainConfig(dataset="custom", custom_points=((0.0, 1.0), (2.0, 3.0)), seed=7)
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="lr_d"):
        cfg.replace(lr_d=math.inf)
    with pytest.raises(ValueError, match="unknown config field"):
        TrainConfig.from_dict({"lr": 1.0})


def test_mode_std_defaults_per_dataset():
    assert TrainConfig().std == 0.02
    assert TrainConfig(dataset="grid25").std == 0.05
    assert TrainConfig(dataset="grid25", mode_std=0.1).std == 0.1
    assert TrainConfig(dataset="spiral").std is None


@pytest.mark.parametrize("field", ["ring_radius", "lr_g", "noise", "r1_gamma", "batch_size"])
def test_huge_integers_are_out_of_range_not_an_overflow(field):
    with pytest.raises(ValueError, match=f"^{field}: .* is outside"):
        TrainConfig(**{field: 10**400})


def test_messages_quote_long_values_briefly():
    with pytest.raises(ValueError) as e:
        TrainConfig(activation="x" * 100_000)
    assert len(str(e.value)) < 200


@pytest.mark.parametrize("points", [
    5, [(0, 0)], [(0, 0, 1), (1, 1)], ["ab", "cd"], [(0, 10**400), (1, 1)], [(True, 0), (1, 1)],
])
def test_malformed_custom_points_are_value_errors(points):
    with pytest.raises(ValueError, match="^custom_points:"):
        TrainConfig(dataset="custom", custom_points=points)
