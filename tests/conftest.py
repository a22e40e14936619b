import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playground import TrainConfig  # noqa: E402


@pytest.fixture
def tiny():
    """A config that trains in milliseconds per step on a CPU."""
    return TrainConfig(hidden=16, depth=2, batch_size=32, device="cpu")
