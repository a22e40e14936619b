import numpy as np
import pytest
import torch

from playground import TrainConfig
from playground.config import DATASETS, MAX_CUSTOM_POINTS
from playground.data import (
    MAX_POINTS_BYTES,
    MAX_POINTS_LINES,
    grid_centers,
    make_dataset,
    parse_points,
    read_points,
    ring_centers,
)

POINTS = ((0.0, 0.0), (1.0, 1.0), (2.0, -1.0))


def _config(name):
    return TrainConfig(dataset=name, custom_points=POINTS if name == "custom" else None)


@pytest.mark.parametrize("name", DATASETS)
def test_samples_have_shape_and_are_deterministic_per_seed(name):
    ds = make_dataset(_config(name))
    a = ds.sample(300, torch.Generator().manual_seed(1))
    b = ds.sample(300, torch.Generator().manual_seed(1))
    c = ds.sample(300, torch.Generator().manual_seed(2))
    assert a.shape == (300, 2) and a.dtype == torch.float32
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    x0, x1, y0, y1 = ds.bounds
    inside = (a[:, 0] > x0) & (a[:, 0] < x1) & (a[:, 1] > y0) & (a[:, 1] < y1)
    assert inside.float().mean() > 0.99


def test_sampling_does_not_touch_the_global_rng():
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    make_dataset(TrainConfig()).sample(100, torch.Generator().manual_seed(5))
    assert torch.equal(torch.rand(1), before)


def test_ring_has_eight_distinct_centres_on_radius_two():
    c = ring_centers(8, 2.0)
    assert c.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0)
    gaps = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(8) * 10
    assert gaps.min() > 1.5  # 2 * 2 * sin(pi / 8) = 1.53: no duplicated mode


def test_grid_is_five_by_five_on_minus_four_to_four():
    c = grid_centers(5, 2.0)
    assert sorted(set(c[:, 0])) == [-4, -2, 0, 2, 4]
    assert len({tuple(p) for p in c}) == 25


def test_mixture_samples_sit_near_their_centres():
    ds = make_dataset(TrainConfig(dataset="grid25"))
    assert ds.std == 0.05 and ds.n_modes == 25
    x = ds.sample(2000, torch.Generator().manual_seed(0)).numpy()
    d = np.linalg.norm(x[:, None] - ds.centers[None], axis=-1).min(1)
    assert np.quantile(d, 0.99) < 4 * ds.std


def test_custom_points_are_sampled_with_replacement_plus_noise():
    ds = make_dataset(TrainConfig(dataset="custom", custom_points=POINTS, noise=0.0))
    x = ds.sample(200, torch.Generator().manual_seed(0)).numpy()
    assert {tuple(p) for p in x.tolist()} <= set(POINTS)


def test_parse_points_reads_csv_with_header_and_rejects_garbage():
    assert parse_points("x,y\n1,2\n\n3.5, -4\n") == ((1.0, 2.0), (3.5, -4.0))
    with pytest.raises(ValueError, match="line 3"):
        parse_points("x,y\n1,2\nabc,def\n")
    with pytest.raises(ValueError, match="at least 2"):
        parse_points("1,2\n")
    with pytest.raises(ValueError, match="line 2"):
        parse_points("1,2\n5\n")


def test_points_file_with_a_byte_order_mark_keeps_its_first_point():
    data = "\ufeff1,2\n3,4\n".encode()
    assert read_points(data) == ((1.0, 2.0), (3.0, 4.0))
    assert parse_points(data.decode("utf-8")) == ((1.0, 2.0), (3.0, 4.0))
    assert read_points("\ufeffx,y\n1,2\n3,4\n".encode()) == ((1.0, 2.0), (3.0, 4.0))


def test_a_third_column_is_an_error_not_silently_dropped():
    with pytest.raises(ValueError, match="line 2: expected 'x,y' \\(two columns\\)"):
        parse_points("x,y\n1,2,3\n4,5\n")


def test_size_and_lines_are_limited_before_parsing_and_errors_quote_briefly():
    with pytest.raises(ValueError, match=f"at most {MAX_POINTS_BYTES:,}"):
        read_points(b"0" * (MAX_POINTS_BYTES + 1))
    with pytest.raises(ValueError, match=f"at most {MAX_POINTS_LINES:,} are read"):
        parse_points("\n" * (MAX_POINTS_LINES + 1))
    with pytest.raises(ValueError, match=f"more than {MAX_CUSTOM_POINTS:,} points"):
        parse_points("0,0\n" * (MAX_CUSTOM_POINTS + 1))
    assert len(parse_points("0,0\n" * MAX_CUSTOM_POINTS)) == MAX_CUSTOM_POINTS
    with pytest.raises(ValueError) as e:
        parse_points("0,0\n1,1\n" + "x" * 100_000 + ",1\n")
    assert len(str(e.value)) < 100
    with pytest.raises(ValueError, match="not UTF-8"):
        read_points(b"0,0\n\xff,1\n")
