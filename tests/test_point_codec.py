"""Custom points in links: exact round trips, a stated bound, and damaged text refused."""

import base64
import zlib

import numpy as np
import pytest
import torch

from playground.config import TrainConfig
from playground.data import make_dataset, parse_points, points_csv, starter_points
from playground.params import config_to_params, points_in_link
from playground.point_codec import MAX_LINK_CHARS, decode_points, encode_points, fits_in_link
from playground.ui.share import parse_params


def ring_points(n: int, decimals: int | None) -> tuple:
    x = make_dataset(TrainConfig()).sample(n, torch.Generator().manual_seed(1)).numpy()
    x = x.astype(np.float64)
    return tuple(map(tuple, (x if decimals is None else np.round(x, decimals)).tolist()))


@pytest.mark.parametrize("decimals", [None, 0, 2, 3, 6])
def test_points_round_trip_exactly_in_order(decimals):
    points = ring_points(500, decimals)
    text = encode_points(points)
    assert decode_points(text) == points  # float64 equality, order kept
    assert text[1] == ("f" if decimals is None else str(decimals))
    assert all(c.isalnum() or c in "-_" for c in text)  # URL-safe as it is


def test_drawn_points_take_about_three_characters_each():
    points = ring_points(2000, 2)
    assert len(encode_points(points)) < 4 * len(points)
    assert len(encode_points(ring_points(2000, None))) > len(encode_points(points))


def test_above_the_bound_points_stay_out_of_the_link_and_the_link_says_so():
    small = TrainConfig(dataset="custom", custom_points=ring_points(1000, 2))
    params = config_to_params(small)
    assert points_in_link(small) and len(params["custom_points"]) <= MAX_LINK_CHARS
    assert parse_params(params) == (small, [])  # the run's config, exactly
    big = TrainConfig(dataset="custom", custom_points=ring_points(5000, None))
    assert fits_in_link(big.custom_points) is None and not points_in_link(big)
    params = config_to_params(big)
    assert "custom_points" not in params and params["dataset"] == "custom"
    cfg, problems = parse_params(params)
    assert cfg.dataset == TrainConfig().dataset
    assert problems == ["this link's points were too many for a link: upload the points file "
                        "that came with it"]


def test_damaged_or_oversized_text_is_refused_with_a_reason():
    text = encode_points(ring_points(100, 2))
    for bad, reason in [(text[:-7], "damaged"), ("b" + text[1:], "not points"),
                        ("a2!!!", "damaged"), ("a" * (MAX_LINK_CHARS + 1), "at most")]:
        with pytest.raises(ValueError, match=reason):
            decode_points(bad)
    # a small text that inflates to more than any real set of points: refused, not allocated
    bomb = base64.urlsafe_b64encode(zlib.compress(b"\0" * 10_000_000, 9)).decode().rstrip("=")
    with pytest.raises(ValueError, match="damaged or too many"):
        decode_points("a2" + bomb)
    cfg, problems = parse_params({"dataset": "custom", "custom_points": "a2xyz"})
    assert cfg == TrainConfig() and problems[0].startswith("custom_points:")


def test_points_file_reads_back_exactly_and_starter_points_are_rounded():
    points = ring_points(300, None)
    assert parse_points(points_csv(points)) == points
    start = starter_points("spiral", n=50)
    assert len(start) == 50 and all(round(v, 2) == v for p in start for v in p)
    assert start == starter_points("spiral", n=50)  # the same each time
