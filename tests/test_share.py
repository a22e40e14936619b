"""Links: a pasted URL can ask for nothing the sidebar could not (ranges and compute budget),
and what it cannot have is said, shortened, in the warning, never silently reset."""

from playground.config import TrainConfig
from playground.params import config_to_params
from playground.ui.ranges import SIDEBAR_RANGES
from playground.ui.share import MAX_PROBLEMS, describe_problems, parse_params


def test_a_round_trip_keeps_every_shared_field():
    cfg = TrainConfig(dataset="moons", loss="minimax", lr_g=3e-4, r1_gamma=0.1, hidden=64,
                      d_steps=2, seed=7)
    assert parse_params(config_to_params(cfg)) == (cfg, [])


def test_values_inside_the_config_bounds_but_outside_the_sidebar_are_refused():
    cfg, problems = parse_params({"batch_size": "8192", "hidden": "1024", "seed": "3"})
    assert cfg == TrainConfig(seed=3)
    assert len(problems) == 2
    assert "batch_size: 8192 is outside the sidebar's range [16, 2048]" in problems[0]
    assert "hidden: 1024 is outside" in problems[1]
    assert parse_params({"r1_gamma": "0"})[1] == []  # 0: R1 off, allowed below the range


def test_sidebar_maxima_over_the_budget_keep_the_other_fields_and_say_the_limit():
    params = {name: str(hi) for name, (lo, hi) in SIDEBAR_RANGES.items()}
    params["dataset"] = "moons"
    cfg, problems = parse_params(params)
    assert len(problems) == 1 and "over this server's limit of" in problems[0]
    default = TrainConfig()
    assert (cfg.batch_size, cfg.hidden, cfg.depth, cfg.d_steps) == (
        default.batch_size, default.hidden, default.depth, default.d_steps)
    assert cfg.dataset == "moons" and cfg.latent_dim == SIDEBAR_RANGES["latent_dim"][1]


def test_long_values_and_names_are_shortened_in_problems():
    cfg, problems = parse_params({"activation": "x" * 100_000, "y" * 5000: "1"})
    assert cfg == TrainConfig()
    assert len(problems) == 2 and all(len(p) < 300 for p in problems)


def test_the_warning_escapes_user_text_and_lists_at_most_a_few_problems():
    _, problems = parse_params({"activation": "[x](http://evil.example)"}
                               | {f"bad{i}": "1" for i in range(9)})
    message = describe_problems(problems)
    assert "\\[x\\]\\(" in message  # brackets escaped: no markdown link
    assert "http://" not in message.replace("\\", "")
    assert message.count(";") == MAX_PROBLEMS and message.endswith(f"and {10 - MAX_PROBLEMS} more.")
